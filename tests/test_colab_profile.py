"""The Colab profile (.venv-colab, built by `make colab-profile`) really is pinned to Colab's versions.

`make test` runs every notebook and the widget tests inside that environment
(`make test-colab-profile`); these tests make sure that run means something: the
pins of tests/colab-constraints.txt are what is installed, and the kernel nbval
starts there imports them (not the main environment's ipywidgets 8).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COLAB_PYTHON = ROOT / os.environ.get("COLAB_VENV", ".venv-colab") / "bin" / "python"
CONSTRAINTS = ROOT / "tests" / "colab-constraints.txt"

KERNEL_REPORT = """
from jupyter_client.manager import start_new_kernel
manager, client = start_new_kernel(kernel_name="python3")
try:
    lines = []
    client.execute_interactive(
        "import sys, IPython, ipykernel, ipywidgets, matplotlib, numpy\\n"
        "print(sys.executable, ipywidgets.__version__, IPython.__version__, ipykernel.__version__,"
        " matplotlib.__version__, numpy.__version__)",
        output_hook=lambda m: lines.append(m["content"].get("text", "")), timeout=120,
    )
    print("".join(lines).strip())
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=True)
"""


def pins() -> dict[str, str]:
    """Return package → version from the constraints file."""
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", CONSTRAINTS.read_text(), flags=re.MULTILINE)
    return dict(found)


@pytest.fixture(scope="module")
def colab_python() -> Path:
    if not COLAB_PYTHON.exists():
        message = f"{COLAB_PYTHON.parent.parent.name} is missing; `make colab-profile` builds it"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return COLAB_PYTHON


def test_constraints_pin_the_notebook_facing_packages():
    assert {
        "ipywidgets",
        "ipython",
        "ipykernel",
        "matplotlib",
        "numpy",
        "scikit-learn",
        "tqdm",
    } <= set(pins())
    assert pins()["ipywidgets"].startswith("7.")


@pytest.mark.slow  # needs .venv-colab
def test_colab_profile_has_exactly_the_pinned_versions(colab_python):
    code = (
        "import importlib.metadata as m, json, sys;"
        "print(json.dumps({name: m.version(name) for name in sys.argv[1:]}))"
    )
    result = subprocess.run(
        [colab_python, "-c", code, *pins()], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == pins()


@pytest.mark.slow  # needs .venv-colab, starts a kernel there
def test_kernel_started_in_the_colab_profile_runs_colab_versions(colab_python):
    result = subprocess.run(
        [colab_python, "-c", KERNEL_REPORT], capture_output=True, text=True, timeout=180, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    executable, *versions = result.stdout.split()
    assert Path(executable).parent == colab_python.parent
    expected = [
        pins()[name] for name in ("ipywidgets", "ipython", "ipykernel", "matplotlib", "numpy")
    ]
    assert versions == expected
