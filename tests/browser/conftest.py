"""Fixtures for the browser tests: one private JupyterLab server and one Chromium per session.

Chromium is Debian's (`apt-get install -y chromium`; `make test` installs it where it can).
Where it is missing the tests skip with a message, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.lab_browser import (
    SAVE_REFUSED,
    chromium_browser,
    chromium_executable,
    running_lab,
)
from tests.browser.lab_notebook import LabNotebook

ROOT = Path(__file__).resolve().parents[2]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    """Skip with the reason; under CI a missing browser is a failure, never a silent pass."""
    message = f"browser tests cannot run: {reason}"
    if _in_ci():
        pytest.fail(message + " (CI=true, so this fails instead of skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Return the Chromium executable, or skip (fail under CI) when it or playwright is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    executable = chromium_executable()
    if executable is None:
        _unavailable(
            "Chromium is not installed at /usr/bin/chromium (or $CNN_CHROMIUM); "
            "install it with `apt-get install -y chromium`"
        )
    return executable


@pytest.fixture(scope="session")
def lab_server(chromium, tmp_path_factory):
    """Start JupyterLab once per session at the repository root; stop it by its handle afterwards."""
    with running_lab(ROOT, tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium):
    with chromium_browser(chromium) as launched:
        yield launched


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Return tests/browser/screenshots/ (gitignored), where each explorer's screenshot goes."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def open_lab_notebook(lab_server, browser):
    """Return a context manager that opens a notebook, runs all its cells and closes it afterwards.

    Autosave is off and the server refuses every save, so a test never rewrites a committed
    notebook; a save attempt still fails the test, as it means the set-up is wrong.
    """

    @contextmanager
    def open_notebook(relative_path: str) -> Iterator[LabNotebook]:
        assert (ROOT / relative_path).exists(), f"{relative_path} does not exist"
        notebook = LabNotebook(browser, lab_server, relative_path)
        try:
            notebook.open()
            notebook.run_all()
            yield notebook
        finally:
            notebook.close()
            lab_server.shut_down_kernels()
        assert SAVE_REFUSED not in lab_server.log(), f"something tried to save {relative_path}"

    return open_notebook


@pytest.fixture(scope="module")
def notebook(open_lab_notebook, request):
    """Open the test module's NOTEBOOK once, with all its cells run."""
    with open_lab_notebook(request.module.NOTEBOOK) as opened:
        yield opened


@pytest.fixture(scope="module")
def explorer(notebook, request):
    """Return the explorer the test module names in EXPLORER."""
    return notebook.explorer(request.module.EXPLORER)


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser/ as `browser`, so `-m "not browser"` leaves them out."""
    folder = Path(__file__).resolve().parent
    for item in items:
        if folder in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
