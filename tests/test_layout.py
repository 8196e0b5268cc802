"""The package's layers: the import contracts in pyproject.toml hold, and the bottom layer stays light."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIGHT_MODULES = [
    "cnn_lib",
    "cnn_lib.arithmetic",
    "cnn_lib.receptive_field",
    "cnn_lib.layer_cost",
    "cnn_lib.palette",
    "cnn_lib.ops",
    "cnn_lib.ops.kernels",
    "cnn_lib.ops.deconvolution",
]


def test_import_contracts_in_pyproject_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_importing_the_bottom_layer_loads_no_torch_matplotlib_or_ipywidgets(module):
    # Contracts see imports written in the code; this sees what importing actually loads.
    code = (
        f"import sys, {module}; "
        "heavy = {'torch', 'matplotlib', 'ipywidgets'} & set(sys.modules); "
        "assert not heavy, sorted(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_no_module_reexports_through_a_module_getattr():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "cnn_lib").rglob("*.py")
        if "def __getattr__(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
