"""Load the reference data shipped in ``portal/reference/data/`` (idempotent upserts)."""

import csv
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import Community, Credential, CsseaDivision, Occupation, Region, Subsector

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, key: str, rows: list[dict]) -> int:
    """Insert or update rows of ``model`` matched on ``key``; returns how many changed."""
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    changed = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            db.session.add(model(**row))
            changed += 1
        elif any(getattr(obj, field) != value for field, value in row.items()):
            for field, value in row.items():
                setattr(obj, field, value)
            changed += 1
    db.session.flush()
    return changed


def load_reference() -> dict[str, int]:
    """Load every reference table; returns rows inserted or updated per table."""
    result = {
        "regions": _upsert(Region, "code", _rows("regions.csv")),
        "subsectors": _upsert(Subsector, "code", _rows("subsectors.csv")),
        "cssea_divisions": _upsert(CsseaDivision, "code", _rows("cssea_divisions.csv")),
        "occupations": _upsert(Occupation, "noc_code", _rows("occupations.csv")),
        "credentials": _upsert(Credential, "code", _rows("credentials.csv")),
    }
    region_ids = {r.code: r.id for r in db.session.scalars(select(Region))}
    communities = [
        {"name": row["name"], "region_id": region_ids[row["region_code"]]}
        for row in _rows("communities.csv")
    ]
    result["communities"] = _upsert(Community, "name", communities)
    return result
