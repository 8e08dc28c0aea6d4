"""The transaction convention (README "Code layout"), checked in the source: code added later
follows it, or this test names the line."""

import re
from pathlib import Path

import portal

ROOT = Path(portal.__file__).parent

IN_VIEWS = {
    "a commit (use portal.actions.run_action or commit)": re.compile(r"db\.session\.commit\("),
    "a hand-written refusal (use run_action, errors= for a form)": re.compile(
        r"except\s*\(?\s*PortalError\b"
    ),
    "search synced by hand (portal.actions does it)": re.compile(r"sync_after_commit\("),
    "get + abort(404) (use db.get_or_404 / db.first_or_404)": re.compile(
        r"session\.get\(.*\)\s*or\s*abort\(404\)"
    ),
}
ANYWHERE = {
    "a LIKE pattern built by hand (use portal.queries.contains)": re.compile(
        r"f[\"']%\{|\.replace\(\"%\""
    ),
}


def view_modules() -> list[Path]:
    """The modules that define routes."""
    return [p for p in sorted(ROOT.rglob("*.py")) if "@bp.route(" in p.read_text()]


def offending(paths, banned) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for what, pattern in banned.items()
        if pattern.search(line)
    ]


def test_views_commit_through_portal_actions():
    views = view_modules()
    assert {"admin/views.py", "jobs/views.py", "returns/review.py"} <= {
        str(p.relative_to(ROOT)) for p in views
    }
    found = offending(views, IN_VIEWS)
    assert not found, "\n".join(found)


def test_contains_filters_escape_wildcards():
    found = offending(sorted(ROOT.rglob("*.py")), ANYWHERE)
    assert not found, "\n".join(found)
