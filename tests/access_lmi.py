"""Access-table rows for the labour-market figure routes (``portal/lmi``), and the objects
they need in the access test's world. ``tests/test_access.py`` adds ``ROWS`` to its table
and calls ``build`` when it builds its world."""

# fmt: off
ROWS = [
    # method  url template                               anon   seek owner recr other champ admin
]
# fmt: on

# ids used by ROWS' url templates, for the route-coverage check
DUMMY_IDS: dict = {}


def build(db, users: dict, agency, other_agency) -> dict:
    """Create what ROWS need in the world; return their ids by template name."""
    return {}
