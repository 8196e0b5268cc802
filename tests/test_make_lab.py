"""`make lab` itself: it starts JupyterLab at the repository root (as root too) and serves the course."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / os.environ.get("VENV", ".venv")
START_SECONDS = 90

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture
def lab_server():
    """Run `make lab` on a free port with a token, wait until it answers, stop it afterwards."""
    if shutil.which("make") is None or not (VENV / "bin" / "jupyter").exists():
        pytest.skip("needs make and JupyterLab in the venv (`make install-lab`)")
    port, token = free_port(), secrets.token_hex(16)
    lab_args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
        f"--ServerApp.port_retries=0 --IdentityProvider.token={token}"
    )
    # -o: take the install stamp as up to date, so the test runs the target's command, not pip.
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", f"{VENV.name}/.installed-lab", "lab",
         f"VENV={VENV.name}", f"LAB_ARGS={lab_args}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: make, the shell and jupyter stop together
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if fetch(f"{base}/api/status?token={token}")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            os.killpg(process.pid, signal.SIGTERM)
            output = process.communicate(timeout=30)[0]
            pytest.fail(f"`make lab` did not answer on {base}:\n{output[-3000:]}")
        yield base, token
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_make_lab_serves_the_first_notebook_and_the_images_from_the_repository_root(lab_server):
    base, token = lab_server
    status, body = fetch(f"{base}/files/notebooks/00_start_here.ipynb?token={token}")
    assert status == 200
    first_cell = json.loads(body)["cells"][0]
    assert "".join(first_cell["source"]).startswith("# 00 · ")
    status, body = fetch(f"{base}/files/images/output_feature_map.png?token={token}")
    assert status == 200 and body.startswith(b"\x89PNG")
    status, _ = fetch(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={token}")
    assert status == 200
