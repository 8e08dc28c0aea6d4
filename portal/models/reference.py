"""Reference data: regions, communities, occupations, credentials, subsectors."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Region(db.Model):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    communities: Mapped[list["Community"]] = relationship(
        back_populates="region", order_by="Community.name"
    )


class Community(db.Model):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="communities")


class Occupation(db.Model):
    __tablename__ = "occupations"
    id: Mapped[int] = mapped_column(primary_key=True)
    noc_code: Mapped[str] = mapped_column(String(5), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[str] = mapped_column(String(500), default="")

    @property
    def label(self) -> str:
        return f"{self.noc_code} {self.title}"


class Credential(db.Model):
    __tablename__ = "credentials"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))


class Subsector(db.Model):
    __tablename__ = "subsectors"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class CsseaDivision(db.Model):
    __tablename__ = "cssea_divisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
