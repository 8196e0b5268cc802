"""A private JupyterLab server and headless Chromium, for driving notebooks the way a learner does.

The page object that opens a notebook and moves its widgets is :mod:`lab_notebook`. Used by the browser tests (tests/browser/conftest.py wraps these in fixtures) and by
benchmarks/browser_redraw.py. The server is private to the caller: loopback only, a random
port and token, its own settings (autosave off, so running a notebook never rewrites the
committed file) and stopped through the process handle that started it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Flags seen to work on machines without general internet (recipes/jupyterlab_browser.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KERNEL_IDLE = "Python 3 (ipykernel) | Idle"
ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# User settings of the private server: no autosave (tests must not rewrite notebooks), no news fetch.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def chromium_executable() -> str | None:
    """Return the Chromium binary to drive ($CNN_CHROMIUM or Debian's), or None when it is missing."""
    path = os.environ.get("CNN_CHROMIUM", DEFAULT_CHROMIUM)
    return path if os.access(path, os.X_OK) else None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab server: where it listens, its token and its process."""

    port: int
    token: str
    process: subprocess.Popen
    root_dir: Path
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, relative_path: str, workspace: str) -> str:
        """Return the URL that opens one notebook in its own workspace (no tabs restored)."""
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{relative_path}?reset&token={self.token}"

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API and return the decoded JSON (None for empty replies)."""
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """Stop every kernel this server started, so finished notebooks stop using the CPU."""
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


SAVE_REFUSED = "browser-test server refused to save"


def refuse_save(model, path, contents_manager, **kwargs) -> None:
    """Pre-save hook of the test server: refuse every save, so no test can rewrite a committed file."""
    from tornado.web import HTTPError

    contents_manager.log.error("%s %s", SAVE_REFUSED, path)
    raise HTTPError(403, f"{SAVE_REFUSED} {path}")


def _write_settings(settings_dir: Path) -> None:
    for relative, values in LAB_SETTINGS.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_until_serving(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with code {server.process.returncode}:\n{server.log()}"
            )
        try:
            server.api("GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{server.log()}")


def stop_process(process: subprocess.Popen) -> None:
    """Stop a process we started (and the kernels it started, which share its process group)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    try:  # kernels left behind by a server that died abruptly
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def running_lab(root_dir: Path, work_dir: Path, timeout: float = 90) -> Iterator[LabServer]:
    """Start a private JupyterLab on 127.0.0.1 (random port and token); stop it on exit, even on error."""
    work_dir.mkdir(parents=True, exist_ok=True)
    _write_settings(work_dir / "settings")
    port, token = free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.port_retries=0", f"--LabApp.user_settings_dir={work_dir / 'settings'}",
        f"--LabApp.workspaces_dir={work_dir / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",  # lets the tests run commands and read cell models
        "--ContentsManager.pre_save_hook=lab_browser.refuse_save",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    python_path = os.pathsep.join(
        filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
    )
    environment = dict(
        os.environ, JUPYTER_RUNTIME_DIR=str(work_dir / "runtime"), PYTHONPATH=python_path
    )
    log_path = work_dir / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=root_dir, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server = LabServer(port, token, process, Path(root_dir), log_path)
    try:
        _wait_until_serving(server, timeout)
        yield server
    finally:
        stop_process(process)


@contextmanager
def chromium_browser(executable: str) -> Iterator[object]:
    """Launch headless Chromium through Playwright (never Playwright's own browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
