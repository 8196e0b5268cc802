"""Notebook 06, part 2 in JupyterLab: the attribution explorer follows its controls and reads a digit drawn with the mouse.

Notebook 06 is assembled from its parts elsewhere, so this test writes a small notebook of its own
(under build/, git-ignored) that trains a CNN quickly and shows the explorer as part 2 does.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "build/test_06_attribution_explorer.ipynb"
EXPLORER = "attribution"
CELLS = [
    "import cnn_lib\ncnn_lib.setup_notebook()",
    """import torch
from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.classifier.train import train_classifier
from cnn_lib.widgets.attribution import AttributionExplorer

split = digit_split("mnist5k", 28)
torch.manual_seed(0)
cnn = DigitsCNN(image_size=28)
train_classifier(cnn, (split.train_images[:1500], split.train_labels[:1500]), epochs=2, progress=False)""",
    "AttributionExplorer(cnn, split.test_images, split.test_labels)",
]


@pytest.fixture(scope="module", autouse=True)
def written_notebook():
    """Write the small notebook for the module's tests; remove it afterwards."""
    path = ROOT / NOTEBOOK
    path.parent.mkdir(exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(notebook, path)
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def notebook(written_notebook, open_lab_notebook):
    with open_lab_notebook(NOTEBOOK) as opened:
        yield opened


def images_src(explorer) -> list[str]:
    return [image.get_attribute("src") or "" for image in explorer.locator(".widget-image").all()]


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_digit_method_and_class_controls_redraw_the_map(notebook, explorer, screenshot_dir):
    caption = explorer.locator(".cnn-prediction")
    assert "held-out digit #0" in caption.inner_text()
    before = images_src(explorer)
    notebook.move_slider(explorer, "held-out digit #", "ArrowRight")
    after = images_src(explorer)
    assert after[0] != before[0] and after[1] != before[1], "digit and map were not redrawn"
    assert "held-out digit #1" in caption.inner_text()
    for description, option in (("method", "occlusion"), ("explain class", "5")):
        select = notebook.control(explorer, "dropdown", description).locator("select")
        shown = images_src(explorer)[1]
        select.select_option(label=option)
        notebook.page.wait_for_function(
            "([el, src]) => el.querySelectorAll('img.widget-image')[1].src !== src",
            arg=[explorer.element_handle(), shown],
            timeout=15_000,
        )
        notebook.settle(explorer, quiet_ms=200)
    assert "map explains class 5" in caption.inner_text()
    assert explorer.locator(".cnn-formula").inner_text().startswith("occlusion:")
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")
    assert notebook.distorted_images(explorer) == []
    explorer.screenshot(path=screenshot_dir / "06_attribution_occlusion.png")


def test_a_digit_drawn_with_the_mouse_is_predicted(notebook, explorer, screenshot_dir):
    pad = explorer.locator(".cnn-drawing-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] > 100, "the drawing pad did not render"
    before = explorer.locator(".cnn-prediction").inner_text()
    mouse = notebook.page.mouse
    x = box["x"] + box["width"] / 2
    mouse.move(x, box["y"] + 30)
    mouse.down()
    for step in range(1, 21):
        mouse.move(x, box["y"] + 30 + step * 8)
    mouse.up()
    notebook.page.wait_for_function(
        "el => el.innerText.includes('your drawing')",
        arg=explorer.locator(".cnn-prediction").element_handle(),
        timeout=15_000,
    )
    notebook.settle(explorer, quiet_ms=300)
    after = explorer.locator(".cnn-prediction").inner_text()
    assert after != before and "predicted: 1" in after, after
    explorer.screenshot(path=screenshot_dir / "06_attribution_drawn_one.png")


def test_redraw_median_is_under_150_ms(notebook, explorer):
    slider = notebook.control(explorer, "slider", "held-out digit #")
    times = [notebook.redraw_ms(explorer, slider, key) for key in ("ArrowRight", "ArrowLeft") * 5]
    print(f"attribution explorer redraw in the browser: median {statistics.median(times):.0f} ms")
    assert statistics.median(times) <= 150, times
