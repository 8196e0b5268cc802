"""Notebook 02 in JupyterLab: the conv-arithmetic explorer redraws on key presses, with the right numbers."""

from __future__ import annotations

import pytest

from cnn_lib.arithmetic import substituted_formula
from tests.torch_oracles import torch_conv_size

NOTEBOOK = "notebooks/02_output_size_arithmetic.ipynb"
EXPLORER = "conv-arithmetic"
LABELS = {
    "i": "i (input size)",
    "k": "k (kernel size)",
    "s": "s (stride)",
    "p": "p (padding)",
    "d": "d (dilation)",
}
DEFAULTS = {"i": 7, "k": 3, "s": 2, "p": 1, "d": 1}


def formula_text(explorer) -> str:
    return explorer.locator(".cnn-formula").inner_text().strip()


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_every_explorer_on_the_page_redraws_when_its_first_slider_moves(notebook):
    assert notebook.explorer_names(), "no explorer rendered"
    assert notebook.explorers_that_do_not_redraw() == []


def test_explorer_renders_its_five_sliders_at_the_defaults(notebook, explorer, screenshot_dir):
    for key, label in LABELS.items():
        assert notebook.slider_value(notebook.control(explorer, "slider", label)) == str(
            DEFAULTS[key]
        )
    assert formula_text(explorer) == substituted_formula("conv", **DEFAULTS)
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")
    assert explorer.locator(".cnn-error").is_hidden()
    explorer.screenshot(path=screenshot_dir / "02_conv_arithmetic_default.png")


@pytest.mark.parametrize("key", list(LABELS))
def test_each_slider_moved_with_the_keyboard_redraws_with_the_right_numbers(
    notebook, explorer, key
):
    for values in notebook.step_both_ways(explorer, LABELS[key], DEFAULTS, key):
        text = formula_text(explorer)
        assert text == substituted_formula("conv", **values)
        assert text.endswith(f"= {torch_conv_size(**values)}")
        check = explorer.locator(".cnn-check").inner_text()
        assert check.startswith("✓") and f"(1, 1, {values['i']}, {values['i']})" in check


def test_impossible_combination_shows_the_message_and_the_explorer_recovers(
    notebook, explorer, screenshot_dir
):
    error = explorer.locator(".cnn-error")
    notebook.press(notebook.control(explorer, "slider", LABELS["k"]), "End")  # k = 7
    notebook.press(notebook.control(explorer, "slider", LABELS["i"]), "Home")  # i = 1: 1 + 2 < 7
    error.wait_for(state="visible", timeout=15_000)
    assert "k is too large" in error.inner_text()
    assert explorer.locator(".cnn-check").inner_text().strip() == ""
    explorer.screenshot(path=screenshot_dir / "02_conv_arithmetic_error.png")
    notebook.press(notebook.control(explorer, "slider", LABELS["p"]), "End")  # p = 4: 1 + 8 ≥ 7
    error.wait_for(state="hidden", timeout=15_000)
    values = {"i": 1, "k": 7, "s": 2, "p": 4, "d": 1}
    notebook.wait_text(explorer.locator(".cnn-formula"), substituted_formula("conv", **values))
    assert formula_text(explorer).endswith(f"= {torch_conv_size(**values)}")
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")
    explorer.screenshot(path=screenshot_dir / "02_conv_arithmetic_recovered.png")
