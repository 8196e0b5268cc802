"""Package metadata: environment.yml names what pyproject.toml names; importing has no side effects."""

import re
import subprocess
import sys

import yaml

from tools.project import ROOT, read_pyproject

CONDA_NAMES = {"pytorch": "torch"}  # conda package name → PyPI name


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower()


def test_environment_yml_names_the_same_packages_as_pyproject_core_and_lab():
    project = read_pyproject()["project"]
    pip_names = {requirement_name(s) for s in project["dependencies"]}
    pip_names |= {requirement_name(s) for s in project["optional-dependencies"]["lab"]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_specs = [s for s in environment["dependencies"] if isinstance(s, str)]
    conda_names = {CONDA_NAMES.get(n, n) for n in map(requirement_name, conda_specs)}
    assert conda_names - {"python", "pip"} == pip_names


def test_environment_yml_installs_from_conda_forge_only():
    # The `pytorch` channel is no longer published to; conda-forge's pytorch is maintained.
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge", "nodefaults"]


def test_environment_yml_uses_the_same_version_bounds_as_pyproject():
    project = read_pyproject()["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["lab"]
    bounds = {requirement_name(s): s[len(requirement_name(s)) :] for s in specs}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    for spec in (s for s in environment["dependencies"] if isinstance(s, str)):
        name = CONDA_NAMES.get(requirement_name(spec), requirement_name(spec))
        if name in bounds:
            assert spec[len(requirement_name(spec)) :] == bounds[name], spec


def test_importing_cnn_lib_prints_nothing_and_loads_no_plotting_or_torch():
    code = (
        "import sys, cnn_lib, cnn_lib.arithmetic;"
        "print(sorted(m for m in ('torch', 'matplotlib.pyplot') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
    assert result.stderr == ""


def test_quick_run_follows_ci_environment_variable():
    code = "import cnn_lib; print(cnn_lib.QUICK)"
    for value, expected in (("true", "True"), ("", "False")):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"CI": value, "PATH": ""},
        )
        assert result.stdout.strip() == expected
