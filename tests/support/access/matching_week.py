"""The access test's world for the rows in ``matching_week.txt`` (``portal/matching``):
the rows need nothing beyond the core world."""

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {}


def build(db, core) -> dict:
    return {}
