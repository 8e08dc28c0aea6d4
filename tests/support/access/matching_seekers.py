"""The access test's world for the rows in ``matching_seekers.txt`` (``portal/matching``)."""

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {}


def build(db, core) -> dict:
    return {}
