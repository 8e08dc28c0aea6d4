"""The demo (``portal seed-demo``) seeded once per test session and backend; each test
marked ``demo`` gets a copy of it: its database, uploaded résumés and search index
(``tests/support/seeded.py``: how a seeded database is kept and copied)."""

from pathlib import Path

from portal.extensions import db as _db
from tests.support.seeded import SeededDatabase, app_for


def seed(url: str, files: Path) -> str:
    """Run ``portal seed-demo`` on the database at ``url`` (files under ``files``); returns
    what it printed."""
    app = app_for(url, files)
    result = app.test_cli_runner().invoke(args=["portal", "seed-demo"])
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


class SeededDemo(SeededDatabase):
    """The seeded demo on one backend: ``output`` is what ``portal seed-demo`` printed."""

    def __init__(self, backend: str, root: Path, worker: str):
        super().__init__("demo", seed, backend, root, worker)
