"""The access table and the labour-market figure routes (``portal/lmi``), and the objects
they need in the access test's world. The rows are in ``lmi.txt``;
``tests/support/access`` calls ``build`` when it builds its world.

The dashboard and extracts are the HR champion's and admins'; an extract with no choices is
every period and every one-way breakdown as CSV (an invalid choice is 400, tested in
``test_lmi_views.py``). The benchmark page is for the staff of an agency ("other" sees its
own agency's): without a current return it explains how to unlock the comparison (200).
"""

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {}


def build(db, core) -> dict:
    """Create what ROWS need in the world; return their ids by template name: a reporting
    period, if the returns' rows did not make one (an extract needs a period)."""
    from datetime import date

    from sqlalchemy import func, select

    from portal.models import ReportingPeriod

    if not db.session.scalar(select(func.count(ReportingPeriod.id))):
        db.session.add(ReportingPeriod(fiscal_year=2025, due_on=date(2026, 6, 30)))
        db.session.commit()
    return {}
