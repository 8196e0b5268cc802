"""The Colab path: badges and setup cells name the repository of pyproject.toml, and the setup cell installs.

The install test plays Colab on this machine: a fresh environment that has everything Colab ships
except cnn_lib, a fake ``google.colab`` module, and the setup cell's URL pointed at a local clone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from tools.project import ROOT, read_pyproject

NOTEBOOK_PATHS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/([^)\s\"']+)")


def repository_url() -> str:
    """Read the URL from pyproject.toml directly, not through the tooling that writes the cells."""
    project = read_pyproject()["project"]
    return project["urls"]["Repository"]


def setup_cell(path: Path) -> str:
    return nbformat.read(path, as_version=4).cells[1].source


def test_repository_url_is_a_github_repository():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository_url())


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda path: path.name)
def test_setup_cell_installs_from_the_pyproject_repository_url(path):
    urls = re.findall(r"git\+(\S+?)\"", setup_cell(path))
    assert urls == [repository_url()]


@pytest.mark.parametrize("path", [*NOTEBOOK_PATHS, ROOT / "README.md"], ids=lambda path: path.name)
def test_every_colab_link_opens_a_notebook_of_the_pyproject_repository(path):
    text = path.read_text()
    owner_and_name = repository_url().removeprefix("https://github.com/")
    links = COLAB_LINK.findall(text)
    if path.suffix == ".ipynb":
        assert f"{owner_and_name}/blob/main/notebooks/{path.name}" in links, "missing own badge"
    for link in links:
        assert re.fullmatch(
            rf"{re.escape(owner_and_name)}/blob/main/notebooks/\d\d_\w+\.ipynb", link
        ), link


def test_setup_cell_does_nothing_when_cnn_lib_is_importable(capsys):
    shell = InteractiveShell.instance()
    pip_calls: list[str] = []
    shell.register_magic_function(pip_calls.append, "line", "pip")
    try:
        result = shell.run_cell(setup_cell(NOTEBOOK_PATHS[0]))
    finally:
        InteractiveShell.clear_instance()
    result.raise_error()
    assert pip_calls == []
    assert "cnn_lib 0.1.0 · seed 0" in capsys.readouterr().out


def colab_like_environment(folder: Path) -> Path:
    """Make a venv that sees every package of this one except cnn_lib (as on Colab); return its python."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")], check=True
    )
    shared = folder / "shared-site-packages"
    shared.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "cnn_lib" not in entry.name:  # the editable install of this checkout
            (shared / entry.name).symlink_to(entry)
    python = folder / "venv" / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "colab_packages.pth").write_text(
        f"import site; site.addsitedir({str(shared)!r})\n"
    )
    return python


PLAY_COLAB = """
import sys, types
google, colab = types.ModuleType("google"), types.ModuleType("google.colab")
google.colab = colab
sys.modules.update({"google": google, "google.colab": colab})
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell(sys.argv[1]).raise_error()
import cnn_lib
print("imported from", cnn_lib.__file__)
"""


@pytest.mark.slow  # pip-installs the package into a fresh environment
def test_setup_cell_installs_cnn_lib_from_the_repository_on_colab(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    python = colab_like_environment(tmp_path)
    missing = subprocess.run(
        [python, "-c", "import cnn_lib"], capture_output=True, text=True, cwd=tmp_path
    )
    assert "No module named 'cnn_lib'" in missing.stderr
    source = setup_cell(NOTEBOOK_PATHS[0])
    assert source.count(repository_url()) == 1
    # file://localhost/…, not file:///…: pip 23's URL check (Python 3.11's venv pip) wants a host.
    source = source.replace(repository_url(), f"file://localhost{clone}")
    # Offline, no build isolation: everything the package needs must already be there, as on Colab.
    environment = dict(
        os.environ, PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PYTHONNOUSERSITE="1"
    )
    result = subprocess.run(
        [python, "-c", PLAY_COLAB, source], capture_output=True, text=True, env=environment,
        cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cnn_lib 0.1.0 · seed 0" in result.stdout
    installed_at = Path(result.stdout.split("imported from", 1)[1].strip())
    assert installed_at.is_relative_to(tmp_path / "venv"), installed_at
    added = sorted(p.name for p in installed_at.parents[1].glob("*.dist-info"))
    assert added == ["cnn_lib-0.1.0.dist-info"], "the install pulled packages Colab already has"
