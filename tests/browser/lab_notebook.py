"""One notebook open in JupyterLab in a browser tab: run it, find its explorers, move their controls.

The page object of the browser tests and benchmarks/browser_redraw.py; the server and the
browser it drives come from :mod:`lab_browser`. It relies on the explorers' DOM conventions:
an outer ``cnn-explorer cnn-explorer-<name>`` box holding ``cnn-formula``, ``cnn-check`` and
``cnn-error`` elements beside core ipywidgets controls.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator

from tests.browser.lab_browser import ERROR_OUTPUT, KERNEL_IDLE, LabServer

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

    def step_both_ways(self, explorer, description: str, values: dict, key: str) -> Iterator[dict]:
        """Step slider ``key`` right and back left, checking readout and redraw; yield the values after each."""
        values = dict(values)
        for press, step in (("ArrowRight", 1), ("ArrowLeft", -1)):
            values[key] += step
            figure_before = self.figure(explorer).inner_html()
            self.move_slider(explorer, description, press)
            slider = self.control(explorer, "slider", description)
            assert self.slider_value(slider) == str(values[key])
            assert self.figure(explorer).inner_html() != figure_before, "the figure was not redrawn"
            yield dict(values)

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

    def distorted_images(self, explorer, tolerance: float = 0.03) -> list[str]:
        """Return the explorer's images drawn with another aspect ratio than their pixels have."""
        return self.page.evaluate(
            """([el, tolerance]) => [...el.querySelectorAll('img.widget-image')]
                 .filter(img => img.naturalWidth > 0 && img.clientHeight > 0)
                 .filter(img => Math.abs((img.clientWidth / img.clientHeight) /
                                         (img.naturalWidth / img.naturalHeight) - 1) > tolerance)
                 .map(img => `${img.naturalWidth}×${img.naturalHeight} px shown as ` +
                             `${img.clientWidth}×${img.clientHeight}`)""",
            [explorer.element_handle(), tolerance],
        )

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
    return re.compile(rf"^\s*{re.escape(text)}\s*$")
