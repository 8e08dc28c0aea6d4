"""The wheel (what ``pip install .`` installs) holds the whole portal: every module and data
file under ``portal/``, and the top-level ``templates/``, ``static/`` and ``migrations/``
inside the package; nothing else (no tests, no instance folder). Unpacked on its own, away
from the repository, it migrates a database and serves pages with their CSS."""

import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# not sources; instance/ (the developer's database and uploads) gets a small stand-in
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    ".hypothesis",
    "instance",
)


def _files(folder: str) -> set[str]:
    """Files under a folder of the repository, as paths relative to the repository."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the working tree (a stale build/ in the repository
    cannot leak into it), with an instance folder that must stay out."""
    source = tmp_path_factory.mktemp("source") / "portal-source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    (source / "instance").mkdir()
    (source / "instance" / "portal.cfg").write_text("SECRET_KEY = 'not for the wheel'\n")
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*command, "--no-index", "--quiet", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_holds_every_file_of_the_package(names):
    expected = _files("portal")
    assert {"portal/search/synonyms.txt", "portal/reference/data/regions.csv"} <= expected
    assert any(name.startswith("portal/demo/data/") for name in expected)
    assert expected - names == set()


@pytest.mark.parametrize("folder", ["templates", "static", "migrations"])
def test_the_wheel_holds_the_top_level_folders_inside_the_package(names, folder):
    expected = {"portal/" + name for name in _files(folder)}
    assert expected
    assert expected - names == set()


def test_the_wheel_holds_nothing_else(names):
    dist_info = "sector_jobs_portal-0.1.0.dist-info/"
    assert {name for name in names if not name.startswith(("portal/", dist_info))} == set()
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


SMOKE = """
import sys
from pathlib import Path

import portal

assert Path(portal.__file__).parent == Path(sys.argv[1]) / "portal", portal.__file__
app = portal.create_app("testing", {
    "DATABASE_URL": "sqlite:///" + sys.argv[2] + "/portal.db",
    "SEARCH_INDEX_DIR": sys.argv[2] + "/search",
    "UPLOAD_DIR": sys.argv[2] + "/uploads",
})
runner = app.test_cli_runner()
for command in (["db", "upgrade"], ["portal", "load-reference"]):
    result = runner.invoke(args=command)
    assert result.exit_code == 0, (command, result.output, result.exception)
client = app.test_client()
for path in ("/", "/jobs"):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert b"/static/css/portal.css" in response.data
css = client.get("/static/css/portal.css")
assert css.status_code == 200 and css.data, css.status_code
print("served")
"""


def test_the_unpacked_wheel_runs_on_its_own(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    data = tmp_path / "data"
    data.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SMOKE), str(site), str(data)],
        cwd=tmp_path,  # not the repository: its templates/ and migrations/ are not found
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "served"


def test_a_missing_synonyms_file_stops_the_start(monkeypatch, tmp_path):
    from portal import create_app
    from portal.search import synonyms

    monkeypatch.setattr(synonyms, "BUILTIN", tmp_path / "synonyms.txt")
    with pytest.raises(RuntimeError, match="synonyms.txt is missing"):
        create_app("testing", {"SEARCH_INDEX_DIR": str(tmp_path / "search")})
