"""Drive JupyterLab in headless Chromium the way a learner does: open a notebook, run it, move widgets.

Used by the browser tests (tests/browser/conftest.py wraps these in fixtures) and by
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


# --- one notebook open in a browser tab -------------------------------------------------------

_CONTROLS = (
    ".widget-slider, .widget-dropdown, .widget-text, .widget-toggle-buttons, .widget-checkbox"
)

_ALL_CELLS_DONE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const failed = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  return failed || cells.every(c => c.model.executionCount !== null);
}"""

_CELL_PROBLEMS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const problems = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    for (const o of cell.model.outputs.toJSON()) {
      if (o.output_type === 'error') problems.push(`cell ${index}: ${o.ename}: ${o.evalue}`);
      const text = Array.isArray(o.text) ? o.text.join('') : (o.text || '');
      if (o.name === 'stderr' && /Traceback|Error|Warning/.test(text))
        problems.push(`cell ${index} stderr: ${text.slice(0, 300)}`);
    }
  });
  return problems;
}"""

_WATCH_REDRAW = (
    """(root) => {
  const state = {start: null, times: []};
  window.__cnnRedraw = state;
  if (window.__cnnRedrawObserver) window.__cnnRedrawObserver.disconnect();
  const controls = '"""
    + _CONTROLS
    + """';
  document.addEventListener('keydown', () => { state.start = performance.now(); state.times = []; },
                            {capture: true, once: true});
  window.__cnnRedrawObserver = new MutationObserver(records => {
    const now = performance.now();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (state.start !== null && node && !node.closest(controls)) { state.times.push(now); break; }
    }
  });
  window.__cnnRedrawObserver.observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
}"""
)

_OUTPUTS_HTML = (
    """(el) => {
  const copy = el.cloneNode(true);
  copy.querySelectorAll('"""
    + _CONTROLS
    + """').forEach(c => c.remove());
  return copy.innerHTML;
}"""
)

_REDRAW_SETTLED = """(quiet) => {
  const s = window.__cnnRedraw;
  return s.times.length > 0 && performance.now() - s.times[s.times.length - 1] > quiet;
}"""


class LabNotebook:
    """One notebook open in its own tab and workspace: run it, find explorers, move their controls."""

    def __init__(self, browser, server: LabServer, relative_path: str, viewport=(1280, 900)):
        self.server = server
        self.relative_path = relative_path
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def open(self, timeout_ms: int = 90_000) -> None:
        """Load JupyterLab with this notebook and wait until its kernel is idle."""
        workspace = "w" + secrets.token_hex(4)
        self.page.goto(self.server.notebook_url(self.relative_path, workspace))
        self.page.wait_for_selector(".jp-Notebook", timeout=timeout_ms)
        self.page.wait_for_selector(f"text={KERNEL_IDLE}", timeout=timeout_ms)

    def run_all(self, timeout_ms: int = 600_000) -> None:
        """Clear stored outputs, run every cell, and wait until all ran (or one failed)."""
        commands = "window.jupyterapp.commands"
        self.page.evaluate(f"() => {commands}.execute('notebook:clear-all-cell-outputs')")
        self.page.evaluate(f"() => {commands}.execute('notebook:run-all-cells')")
        self.page.wait_for_timeout(500)  # let the kernel leave 'idle' before polling for it
        self.page.wait_for_function(_ALL_CELLS_DONE, timeout=timeout_ms, polling=500)

    def cell_problems(self) -> list[str]:
        """Return error outputs and tracebacks/warnings on stderr, in cells and in widget outputs."""
        problems = self.page.evaluate(_CELL_PROBLEMS)
        for element in self.page.locator(f".widget-output {ERROR_OUTPUT}").all():
            text = element.inner_text()
            if any(word in text for word in ("Traceback", "Error", "Warning")):
                problems.append(f"widget output stderr: {text[:300]}")
        return problems

    def explorer(self, name: str, timeout_ms: int = 60_000):
        """Return the locator of the explorer with class cnn-explorer-<name>, once it is rendered."""
        locator = self.page.locator(f".cnn-explorer.cnn-explorer-{name}")
        locator.first.wait_for(state="attached", timeout=timeout_ms)
        locator.first.scroll_into_view_if_needed()
        locator.first.locator(".widget-slider, .widget-dropdown").first.wait_for(timeout=timeout_ms)
        # Child views render one by one: wait for the formula's text, then for the rest to settle.
        self.page.wait_for_function(
            "el => { const f = el.querySelector('.cnn-formula'); return !f || f.innerText.trim() !== ''; }",
            arg=locator.first.element_handle(),
            timeout=timeout_ms,
        )
        self.settle(locator.first, quiet_ms=200)
        return locator.first

    @staticmethod
    def control(explorer, kind: str, description: str):
        """Return the control (kind: slider, dropdown, text) whose description reads exactly so."""
        css = {"slider": ".widget-slider", "dropdown": ".widget-dropdown", "text": ".widget-text"}[
            kind
        ]
        label = explorer.page.locator(".widget-label").filter(has_text=_exact(description))
        return explorer.locator(css).filter(has=label).first

    @staticmethod
    def slider_value(slider) -> str:
        return slider.locator(".widget-readout").inner_text().strip()

    def press(self, slider, key: str, times: int = 1) -> None:
        """Focus the slider's handle and press a key (ArrowRight/ArrowLeft/Home/End), like a learner."""
        handle = slider.locator("[role=slider]").first
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def wait_changed(self, locator, before: str, timeout_ms: int = 15_000) -> str:
        """Wait until the element's HTML differs from ``before``; return the new HTML."""
        self.page.wait_for_function(
            "([el, before]) => el.innerHTML !== before",
            arg=[locator.element_handle(), before],
            timeout=timeout_ms,
        )
        return locator.inner_html()

    def move_slider(self, explorer, description: str, key: str) -> str:
        """Press a key on the slider with this description; wait until the redraw is complete.

        One redraw updates several widgets (figure, formula, check), each by its own message,
        so after the formula changes this waits until the explorer stops changing.
        """
        before = self.outputs_html(explorer)
        self.press(self.control(explorer, "slider", description), key)
        self.page.wait_for_function(
            f"([el, before]) => ({_OUTPUTS_HTML})(el) !== before",
            arg=[explorer.element_handle(), before],
            timeout=15_000,
        )
        self.settle(explorer, quiet_ms=200)
        return explorer.locator(".cnn-formula").inner_text().strip()

    def explorer_names(self) -> list[str]:
        """Return the <name> of every cnn-explorer-<name> element on the page, in page order."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('.cnn-explorer')].map(el =>
                 [...el.classList].find(c => c.startsWith('cnn-explorer-')).slice('cnn-explorer-'.length))"""
        )

    def explorers_that_do_not_redraw(self) -> list[str]:
        """Move every explorer's first slider (else its first dropdown) and back; return those that stayed put."""
        silent = []
        for name in self.explorer_names():
            explorer = self.explorer(name)
            try:
                if explorer.locator(".widget-slider").count():
                    self._nudge_first_slider(explorer)
                else:
                    self._nudge_first_dropdown(explorer)
            except Exception:  # a timeout: the outputs never changed
                silent.append(name)
        return silent

    def _nudge_first_slider(self, explorer) -> None:
        slider = explorer.locator(".widget-slider").first
        handle = slider.locator("[role=slider]").first
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        description = slider.locator(".widget-label").inner_text().strip()
        for key in ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft"):
            self.move_slider(explorer, description, key)

    def _nudge_first_dropdown(self, explorer) -> None:
        select = explorer.locator(".widget-dropdown select").first
        original = select.evaluate("el => el.selectedIndex")
        for index in (1 if original == 0 else 0, original):
            before = self.outputs_html(explorer)
            select.select_option(index=index)
            self.page.wait_for_function(
                f"([el, before]) => ({_OUTPUTS_HTML})(el) !== before",
                arg=[explorer.element_handle(), before],
                timeout=15_000,
            )
            self.settle(explorer, quiet_ms=200)

    def outputs_html(self, explorer) -> str:
        """Return the HTML of the explorer without its controls: what a redraw changes."""
        return self.page.evaluate(_OUTPUTS_HTML, explorer.element_handle())

    def wait_text(self, locator, text: str, timeout_ms: int = 15_000) -> None:
        """Wait until the element's visible text (trimmed) is exactly ``text``."""
        self.page.wait_for_function(
            "([el, text]) => el.innerText.trim() === text",
            arg=[locator.element_handle(), text],
            timeout=timeout_ms,
        )

    @staticmethod
    def figure(explorer):
        """Return the explorer's SVG figure (the first HTML widget that is not formula, check or error)."""
        return explorer.locator(
            ".widget-html:not(.cnn-formula):not(.cnn-check):not(.cnn-error)"
        ).first

    def settle(self, explorer, quiet_ms: int = 400, timeout_ms: int = 15_000) -> None:
        """Wait until the explorer's outputs have stopped changing for ``quiet_ms``."""
        html = None
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            current = explorer.inner_html()
            if current == html:
                return
            html = current
            self.page.wait_for_timeout(quiet_ms)
        raise TimeoutError("explorer kept changing")

    def redraw_ms(
        self, explorer, control, key: str, quiet_ms: int = 400, focus_handle: bool = True
    ) -> float:
        """Press a key on a control; return ms from the keydown to the last redraw of the outputs.

        ``control`` is a slider (the key goes to its handle) or, with ``focus_handle=False``,
        an element that takes the key itself (a number box's input).
        """
        self.page.evaluate(_WATCH_REDRAW, explorer.element_handle())
        if focus_handle:
            self.press(control, key)
        else:
            control.press(key)
        self.page.wait_for_function(_REDRAW_SETTLED, arg=quiet_ms, timeout=15_000)
        return self.page.evaluate(
            "() => { const s = window.__cnnRedraw; return s.times.at(-1) - s.start; }"
        )

    def close(self) -> None:
        self.context.close()


def _exact(text: str):
    import re

    return re.compile(rf"^\s*{re.escape(text)}\s*$")
