"""Notebook 04 in JupyterLab: the transposed-convolution explorer redraws with PyTorch's output sizes."""

from __future__ import annotations

import pytest
import torch

from cnn_lib.arithmetic import substituted_formula

NOTEBOOK = "notebooks/04_transposed_convolution.ipynb"
LABELS = {
    "i": "i (input size)",
    "k": "k (kernel size)",
    "s": "s (stride)",
    "p": "p (padding)",
    "output_padding": "output_padding",
    "d": "d (dilation)",
}
DEFAULTS = {"i": 3, "k": 3, "s": 2, "p": 0, "output_padding": 0, "d": 1}


def torch_output_size(i: int, k: int, s: int, p: int, output_padding: int, d: int) -> int:
    """Return the output size of PyTorch's ConvTranspose2d: the oracle for the explorer's numbers."""
    layer = torch.nn.ConvTranspose2d(
        1, 1, k, stride=s, padding=p, output_padding=output_padding, dilation=d, bias=False
    )
    with torch.no_grad():
        return layer(torch.zeros(1, 1, i, i)).shape[-1]


def formula(values: dict) -> str:
    v = values
    return substituted_formula(
        "transposed", v["i"], v["k"], v["s"], v["p"], v["d"], v["output_padding"]
    )


@pytest.fixture(scope="module")
def notebook(open_lab_notebook):
    with open_lab_notebook(NOTEBOOK) as opened:
        yield opened


@pytest.fixture(scope="module")
def explorer(notebook):
    return notebook.explorer("transposed")


def assert_shows(explorer, values: dict) -> None:
    text = explorer.locator(".cnn-formula").inner_text().strip()
    assert text == formula(values)
    size = torch_output_size(**values)
    assert text.endswith(f"= {size}")
    check = explorer.locator(".cnn-check").inner_text()
    assert check.startswith("✓") and f"to (1, 1, {size}, {size})" in check


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_every_explorer_on_the_page_redraws_when_its_first_slider_moves(notebook):
    assert notebook.explorer_names(), "no explorer rendered"
    assert notebook.explorers_that_do_not_redraw() == []


def test_explorer_renders_at_the_defaults(notebook, explorer, screenshot_dir):
    assert_shows(explorer, DEFAULTS)
    assert explorer.locator(".cnn-error").is_hidden()
    explorer.screenshot(path=screenshot_dir / "04_transposed_default.png")


@pytest.mark.parametrize("key", list(LABELS))
def test_each_slider_moved_with_the_keyboard_redraws_with_the_right_numbers(
    notebook, explorer, key
):
    values = dict(DEFAULTS)
    for press, step in (("ArrowRight", 1), ("ArrowLeft", -1)):
        figure_before = notebook.figure(explorer).inner_html()
        notebook.move_slider(explorer, LABELS[key], press)
        values[key] += step
        assert notebook.slider_value(notebook.control(explorer, "slider", LABELS[key])) == str(
            values[key]
        )
        assert notebook.figure(explorer).inner_html() != figure_before, "the figure was not redrawn"
        assert_shows(explorer, values)


def test_impossible_output_padding_shows_the_message_and_the_explorer_recovers(
    notebook, explorer, screenshot_dir
):
    error = explorer.locator(".cnn-error")
    notebook.press(
        notebook.control(explorer, "slider", LABELS["output_padding"]), "End"
    )  # 2 ≥ s = 2
    error.wait_for(state="visible", timeout=15_000)
    assert "output_padding" in error.inner_text()
    with pytest.raises(RuntimeError):  # PyTorch refuses the same combination
        torch_output_size(**{**DEFAULTS, "output_padding": 2})
    assert explorer.locator(".cnn-check").inner_text().strip() == ""
    explorer.screenshot(path=screenshot_dir / "04_transposed_error.png")
    notebook.press(
        notebook.control(explorer, "slider", LABELS["s"]), "End"
    )  # s = 3 > output_padding
    error.wait_for(state="hidden", timeout=15_000)
    values = {**DEFAULTS, "s": 3, "output_padding": 2}
    notebook.wait_text(explorer.locator(".cnn-formula"), formula(values))
    notebook.settle(explorer, quiet_ms=200)
    assert_shows(explorer, values)
    explorer.screenshot(path=screenshot_dir / "04_transposed_recovered.png")
