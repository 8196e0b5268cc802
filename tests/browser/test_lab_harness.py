"""The browser harness itself, proven on a probe notebook in a temporary folder (never in notebooks/)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.browser.lab_browser import running_lab
from tests.browser.lab_notebook import LabNotebook

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# A miniature explorer following the course's DOM conventions (cnn-explorer, cnn-formula, cnn-error).
PROBE_EXPLORER = """\
import ipywidgets as widgets

slider = widgets.IntSlider(value=3, min=1, max=9, description="k")
mode = widgets.Dropdown(options=["max", "avg"], value="max", description="mode")
size = widgets.BoundedIntText(value=7, min=1, max=50, description="i")
formula = widgets.HTML().add_class("cnn-formula")
error = widgets.HTML().add_class("cnn-error")


def redraw(change=None):
    if slider.value > size.value:
        error.value = f"kernel size k={slider.value} is larger than the input i={size.value}"
        return
    error.value = ""
    formula.value = f"o = {size.value} − {slider.value} + 1 = {size.value - slider.value + 1} ({mode.value})"


for control in (slider, mode, size):
    control.observe(redraw, "value")
redraw()
explorer = widgets.VBox([slider, mode, size, formula, error])
explorer.add_class("cnn-explorer").add_class("cnn-explorer-probe")
explorer"""


@pytest.fixture(scope="module")
def probe(chromium, browser, tmp_path_factory):
    """Serve a temporary folder holding the probe notebook, open it and run all its cells."""
    folder = tmp_path_factory.mktemp("probe")
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    notebook.cells = [
        nbformat.v4.new_code_cell(PROBE_EXPLORER),
        nbformat.v4.new_code_cell('print("fine")'),
        nbformat.v4.new_code_cell('raise ValueError("probe failure")'),
    ]
    nbformat.write(notebook, folder / "probe.ipynb")
    with running_lab(folder, folder / "lab") as server:
        page = LabNotebook(browser, server, "probe.ipynb")
        try:
            page.open()
            page.run_all(timeout_ms=120_000)
            yield page
        finally:
            page.close()


def test_server_refuses_requests_without_its_token(probe):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{probe.server.base_url}/api/kernels", timeout=10)
    assert refused.value.code == 403
    assert probe.server.api("GET", "/api/status") is not None


def test_failing_cell_is_reported_and_good_cells_are_not(probe):
    problems = probe.cell_problems()
    assert len(problems) == 1 and "ValueError: probe failure" in problems[0]


def test_keyboard_moves_the_slider_and_redraws_the_formula(probe):
    explorer = probe.explorer("probe")
    formula = explorer.locator(".cnn-formula")
    slider = probe.control(explorer, "slider", "k")
    assert "o = 7 − 3 + 1 = 5" in formula.inner_text()
    before = formula.inner_html()
    probe.press(slider, "ArrowRight")
    probe.wait_changed(formula, before)
    assert probe.slider_value(slider) == "4"
    assert "o = 7 − 4 + 1 = 4" in formula.inner_text()


def test_dropdown_and_number_box_redraw_the_formula(probe):
    explorer = probe.explorer("probe")
    formula = explorer.locator(".cnn-formula")
    before = formula.inner_html()
    probe.control(explorer, "dropdown", "mode").locator("select").select_option("avg")
    probe.wait_changed(formula, before)
    assert "(avg)" in formula.inner_text()
    before = formula.inner_html()
    box = probe.control(explorer, "text", "i").locator("input")
    box.fill("12")
    box.press("Enter")
    probe.wait_changed(formula, before)
    assert "o = 12 − " in formula.inner_text()


def test_impossible_combination_shows_message_and_explorer_recovers(probe):
    explorer = probe.explorer("probe")
    error = explorer.locator(".cnn-error")
    slider = probe.control(explorer, "slider", "k")
    box = probe.control(explorer, "text", "i").locator("input")
    box.fill("2")
    box.press("Enter")
    probe.page.wait_for_function(
        "el => el.innerText.includes('larger than')", arg=error.element_handle()
    )
    box.fill("9")
    box.press("Enter")
    probe.page.wait_for_function("el => el.innerText.trim() === ''", arg=error.element_handle())
    probe.press(slider, "Home")
    probe.page.wait_for_function(
        "el => el.innerText.includes('o = 9 − 1 + 1 = 9')",
        arg=explorer.locator(".cnn-formula").element_handle(),
    )


def test_redraw_time_is_measured_from_key_press_to_settled_output(probe):
    explorer = probe.explorer("probe")
    slider = probe.control(explorer, "slider", "k")
    first = probe.redraw_ms(explorer, slider, "ArrowRight")
    second = probe.redraw_ms(explorer, slider, "ArrowLeft")
    assert 0 < first < 5000 and 0 < second < 5000


def test_lab_server_stops_even_when_the_body_fails(chromium, tmp_path):
    with pytest.raises(RuntimeError, match="body failed"):
        with running_lab(tmp_path, tmp_path / "lab") as server:
            process = server.process
            assert server.api("GET", "/api/status") is not None
            raise RuntimeError("body failed")
    assert process.poll() is not None


def test_server_refuses_to_save_so_no_test_rewrites_a_notebook(probe):
    path = probe.server.root_dir / "probe.ipynb"
    before = path.read_bytes()
    with pytest.raises(Exception, match="refused to save"):
        probe.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    assert path.read_bytes() == before


def test_every_notebook_with_an_explorer_has_a_browser_test():
    root = Path(__file__).resolve().parents[2]
    for notebook in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if "Explorer(" in notebook.read_text():
            test_file = Path(__file__).parent / f"test_{notebook.stem}_explorers.py"
            assert test_file.exists(), (
                f"{notebook.name} builds an explorer but {test_file.name} is missing"
            )
