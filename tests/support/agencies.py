"""What a browser sends from the agency registration form (the agency and its owner's
account)."""

from tests.support.pages import PASSWORD
from tests.support.reference import community, division, subsector


def agency_fields(db, **overrides) -> dict:
    data = {
        "legal_name": "Riverbank Family Services Society",
        "name": "Riverbank Family Services",
        "community_id": community(db, "Nelson").id,
        "subsector_id": subsector(db, "child-family").id,
        "cssea_member": "yes",
        "cssea_division_id": division(db, "general").id,
        "unionized": "yes",
        "website": "https://riverbank.example.org",
        "phone": "250-555-0100",
    }
    data.update(overrides)
    return data


def account_fields(**overrides) -> dict:
    data = {
        "full_name": "Lena Ortiz",
        "email": "Lena@Riverbank.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    return data
