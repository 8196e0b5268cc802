"""Notebook 04 in JupyterLab: the transposed-convolution explorer redraws with PyTorch's output sizes."""

from __future__ import annotations

import pytest

from cnn_lib.arithmetic import substituted_formula
from tests.torch_oracles import torch_transposed_size

NOTEBOOK = "notebooks/04_transposed_convolution.ipynb"
EXPLORER = "transposed"
LABELS = {
    "i": "i (input size)",
    "k": "k (kernel size)",
    "s": "s (stride)",
    "p": "p (padding)",
    "output_padding": "output_padding",
    "d": "d (dilation)",
}
DEFAULTS = {"i": 3, "k": 3, "s": 2, "p": 0, "output_padding": 0, "d": 1}


def formula(values: dict) -> str:
    v = values
    return substituted_formula(
        "transposed", v["i"], v["k"], v["s"], v["p"], v["d"], v["output_padding"]
    )


def assert_shows(explorer, values: dict) -> None:
    text = explorer.locator(".cnn-formula").inner_text().strip()
    assert text == formula(values)
    size = torch_transposed_size(**values)
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
    for values in notebook.step_both_ways(explorer, LABELS[key], DEFAULTS, key):
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
        torch_transposed_size(**{**DEFAULTS, "output_padding": 2})
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
