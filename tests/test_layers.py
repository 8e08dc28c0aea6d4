"""Dependencies run one way (README "Code layout"; `lint-imports` checks the imports
themselves): importing the models loads only the bottom layer, not a feature, the CLI,
the worker or the demo."""

import subprocess
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def bottom_layer() -> set[str]:
    """The modules of the lowest layer of the import-linter contract."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return {name.strip() for name in layers[-1].split(":")}


def test_importing_the_models_loads_only_the_bottom_layer():
    code = "import sys, portal.models; print(*sorted(m for m in sys.modules if m[:6] == 'portal'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = result.stdout.split()
    assert "portal.models" in loaded
    top_level = {name.split(".")[1] for name in loaded if name != "portal"}
    assert top_level <= bottom_layer(), sorted(top_level - bottom_layer())
    assert not [name for name in loaded if name.endswith((".services", ".views", ".cli"))]
