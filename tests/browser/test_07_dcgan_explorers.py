"""Notebook 07's live panel and latent explorers in JupyterLab, on a small notebook this test writes.

The notebook trains the notebook's 32×32 DCGAN (width 32) for a few seconds with the panel
redrawn every 0.7 s, shows both latent explorers on that generator, then starts a long run
that the test interrupts from the Kernel menu's command. The panel's image must change in the
browser at least twice and end on the final frame; the interrupt must leave the last frame
and a checkpoint; the explorers must redraw in a median ≤ 150 ms.
"""

from __future__ import annotations

import re
import secrets
import shutil
import statistics

import nbformat
import pytest

from cnn_lib.widgets.latent import WALK_STEPS
from tests.browser.conftest import ROOT
from tests.browser.lab_browser import SAVE_REFUSED
from tests.browser.lab_notebook import (
    _ALL_CELLS_DONE as ALL_DONE,
)
from tests.browser.lab_notebook import (
    _REDRAW_SETTLED,
    _WATCH_REDRAW,
    LabNotebook,
)

FOLDER = ROOT / "runs" / "browser_07"  # runs/ is gitignored
SHORT_CELL = 1
LONG_CELL = 1
REDRAW_LIMIT_MS = 150

SETUP = """\
import cnn_lib
from cnn_lib.dcgan import train_dcgan
from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.figures import latents_by_class
from cnn_lib.dcgan.metrics import digits_reference
from cnn_lib.dcgan.panel import TrainingPanel
from cnn_lib.widgets.latent import DigitArithmeticExplorer, LatentWalkExplorer

cnn_lib.setup_notebook()
OUT = {out!r}
SMALL = dict(dataset="mnist5k", image_size=32, generator_width=32, discriminator_width=32,
             batch_size=32, threads=1, checkpoint_seconds=1000)
"""
SHORT = """\
result = train_dcgan(TrainConfig.from_recipe("paper", out=OUT + "/short", max_seconds=4, **SMALL),
                     panel=TrainingPanel(every_seconds=0.7))
print(f"steps: {result.steps}")
"""
WALK = """\
reference = digits_reference("mnist5k", epochs=1)
generator = result.generator_ema or result.generator
groups = latents_by_class(generator, reference.classifier, count=500)
LatentWalkExplorer(generator, reference.classifier, groups)
"""
ARITHMETIC = "DigitArithmeticExplorer(generator, reference.classifier, groups)\n"
LONG = """\
long = train_dcgan(TrainConfig.from_recipe("paper", out=OUT + "/long", max_seconds=300, **SMALL),
                   panel=TrainingPanel(every_seconds=0.5))
print(f"stopped: {long.stopped} at step {long.steps}")
"""

# Record every distinct panel image each watched cell receives, as the page's notebook model
# gets it (JupyterLab 4 may leave a cell far off screen out of the DOM until it is scrolled to).
WATCH_PANELS = """(cells) => {
  const panel = window.jupyterapp.shell.currentWidget;
  window.__panelSources = Object.fromEntries(cells.map(c => [c, []]));
  for (const c of cells) {
    const outputs = panel.content.widgets[c].model.outputs;
    outputs.changed.connect(() => {
      const png = outputs.toJSON().map(o => (o.data || {})['image/png']).find(p => p);
      const seen = window.__panelSources[c];
      if (png && seen[seen.length - 1] !== png) seen.push(png);
    });
  }
}"""
CELL_OUTPUTS = """(index) => window.jupyterapp.shell.currentWidget.content.widgets[index]
                     .model.outputs.toJSON()"""
# Everything before the long run has run, and the long run has shown its first panel frame.
LONG_RUN_SHOWING = """(long) => {
  const cells = window.jupyterapp.shell.currentWidget.content.widgets;
  const before = cells.slice(0, long).filter(c => c.model.type === 'code');
  if (!before.every(c => c.model.executionCount !== null)) return false;
  return cells[long].model.outputs.toJSON().some(o => (o.data || {})['image/png']);
}"""


def write_notebook(path, out, cells=None) -> None:
    cells = cells or [SETUP.format(out=str(out)), SHORT, WALK, ARITHMETIC]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def notebook(browser, lab_server):
    """Write the notebook (a short run and both explorers), run all its cells; yield it."""
    token = secrets.token_hex(4)
    folder = FOLDER / token
    folder.mkdir(parents=True)
    path = folder / "panel.ipynb"
    write_notebook(path, folder)
    # Tall enough that every cell stays rendered (JupyterLab 4 leaves out cells far off screen).
    opened = LabNotebook(browser, lab_server, str(path.relative_to(ROOT)), viewport=(1280, 2600))
    try:
        opened.open()
        page = opened.page
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.evaluate(WATCH_PANELS, [SHORT_CELL])
        # Braces: evaluate must not await the command's promise, which settles when all cells ran.
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        page.wait_for_timeout(500)
        page.wait_for_function(ALL_DONE, timeout=240_000, polling=500)
        opened.folder = folder
        yield opened
    finally:
        opened.close()
        lab_server.shut_down_kernels()
        shutil.rmtree(folder, ignore_errors=True)
    assert SAVE_REFUSED not in lab_server.log()


def outputs(notebook, index: int) -> list[dict]:
    return notebook.page.evaluate(CELL_OUTPUTS, index)


def printed(notebook, index: int) -> str:
    return "".join(
        "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
        for o in outputs(notebook, index)
        if o["output_type"] == "stream"
    )


def panel_output(notebook, index: int) -> dict:
    """Return the cell's one panel output (a display_data with image/png and the status text)."""
    panels = [o for o in outputs(notebook, index) if "image/png" in o.get("data", {})]
    assert len(panels) == 1, f"cell {index} should hold one panel slot, holds {len(panels)}"
    return panels[0]


def shown_sources(notebook, index: int) -> list[str]:
    return notebook.page.evaluate(f"() => window.__panelSources[{index}]")


def current_source(notebook, index: int) -> str:
    """Return the panel image the page shows now for cell ``index`` (scrolled into view first)."""
    cell = notebook.page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    return cell.locator(".jp-OutputArea img").first.get_attribute("src")


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_the_panel_changes_in_place_and_ends_on_the_final_frame(notebook, screenshot_dir):
    steps = int(re.search(r"steps: (\d+)", printed(notebook, SHORT_CELL)).group(1))
    sources = shown_sources(notebook, SHORT_CELL)
    assert len(set(sources)) >= 3, "the panel's image should change at least twice"
    final = panel_output(notebook, SHORT_CELL)
    status = "".join(final["data"]["text/plain"])
    assert f"step {steps:,} · " in status and status.endswith("· finished")
    assert sources[-1] == final["data"]["image/png"]
    assert current_source(notebook, SHORT_CELL).endswith(final["data"]["image/png"].strip())
    cell = notebook.page.locator(".jp-Cell").nth(SHORT_CELL)
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=screenshot_dir / "07_training_panel.png")


def test_every_explorer_on_the_page_redraws_when_its_first_control_moves(notebook):
    assert set(notebook.explorer_names()) == {"latent-walk", "digit-arithmetic"}
    for explorer in (notebook.explorer("latent-walk"), notebook.explorer("digit-arithmetic")):
        assert notebook.distorted_images(explorer) == []
    assert notebook.explorers_that_do_not_redraw() == []


@pytest.fixture(scope="module")
def interrupted(browser, lab_server):
    """A second notebook: a 300 s run interrupted from the Kernel menu once its panel shows."""
    folder = FOLDER / secrets.token_hex(4)
    folder.mkdir(parents=True)
    path = folder / "interrupt.ipynb"
    write_notebook(path, folder, [SETUP.format(out=str(folder)), LONG])
    opened = LabNotebook(browser, lab_server, str(path.relative_to(ROOT)))
    try:
        opened.open()
        page = opened.page
        # Braces: evaluate must not await the command's promise, which settles when all cells ran.
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        page.wait_for_function(LONG_RUN_SHOWING, arg=LONG_CELL, timeout=120_000, polling=250)
        page.wait_for_timeout(1500)  # a few training steps, then Kernel ▸ Interrupt
        page.evaluate("() => window.jupyterapp.commands.execute('kernelmenu:interrupt')")
        page.wait_for_function(ALL_DONE, timeout=60_000, polling=500)
        opened.folder = folder
        yield opened
    finally:
        opened.close()
        lab_server.shut_down_kernels()
        shutil.rmtree(folder, ignore_errors=True)


def test_an_interrupt_from_the_kernel_menu_leaves_the_last_frame_and_a_checkpoint(interrupted):
    assert "stopped: interrupted" in printed(interrupted, LONG_CELL)
    status = "".join(panel_output(interrupted, LONG_CELL)["data"]["text/plain"])
    assert status.endswith("· interrupted"), status
    assert (interrupted.folder / "long" / "checkpoint.pt").exists()


def dropdown_redraw_ms(notebook, explorer, index: int) -> float:
    """Choose option ``index`` of the explorer's first dropdown; return ms to its last redraw."""
    select = explorer.locator(".widget-dropdown select").first
    notebook.page.evaluate(_WATCH_REDRAW, explorer.element_handle())
    notebook.page.evaluate(
        """([el, index]) => { window.__cnnRedraw.start = performance.now();
             el.selectedIndex = index; el.dispatchEvent(new Event('change', {bubbles: true})); }""",
        [select.element_handle(), index],
    )
    notebook.page.wait_for_function(_REDRAW_SETTLED, arg=400, timeout=15_000)
    return notebook.page.evaluate(
        "() => window.__cnnRedraw.times.at(-1) - window.__cnnRedraw.start"
    )


def test_both_explorers_redraw_in_a_median_of_at_most_150_ms(notebook):
    walk = notebook.explorer("latent-walk")
    slider = notebook.control(walk, "slider", f"walk step (of {WALK_STEPS})")
    keys = ["ArrowRight", "ArrowLeft"] * 4
    walk_ms = [notebook.redraw_ms(walk, slider, key) for key in keys]
    arithmetic = notebook.explorer("digit-arithmetic")
    arithmetic_ms = [dropdown_redraw_ms(notebook, arithmetic, index) for index in (1, 2, 3, 0) * 2]
    print(
        f"median redraw: walk {statistics.median(walk_ms):.0f} ms, "
        f"arithmetic {statistics.median(arithmetic_ms):.0f} ms"
    )
    assert statistics.median(walk_ms) <= REDRAW_LIMIT_MS, walk_ms
    assert statistics.median(arithmetic_ms) <= REDRAW_LIMIT_MS, arithmetic_ms
