"""The reference data every test database starts with, looked up by name or code."""

from sqlalchemy import select

from portal.models import Community, Credential, CsseaDivision, Occupation, Subsector


def community(db, name: str) -> Community:
    return db.session.scalar(select(Community).where(Community.name == name))


def community_id(db, name: str) -> int:
    return db.session.scalar(select(Community.id).where(Community.name == name))


def occupation(db, noc: str) -> Occupation:
    return db.session.scalar(select(Occupation).where(Occupation.noc_code == noc))


def occupation_id(db, noc: str) -> int:
    return db.session.scalar(select(Occupation.id).where(Occupation.noc_code == noc))


def credential_id(db, code: str) -> int:
    return db.session.scalar(select(Credential.id).where(Credential.code == code))


def code_id(db, model, code: str) -> int:
    """The id of the ``model`` row with ``code`` (regions, credentials, subsectors, ...)."""
    return db.session.scalar(select(model.id).where(model.code == code))


def subsector(db, code: str) -> Subsector:
    return db.session.scalar(select(Subsector).where(Subsector.code == code))


def division(db, code: str) -> CsseaDivision:
    return db.session.scalar(select(CsseaDivision).where(CsseaDivision.code == code))
