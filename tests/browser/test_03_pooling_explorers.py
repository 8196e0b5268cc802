"""Notebook 03 in JupyterLab: the pooling explorer redraws on key presses, with PyTorch's numbers."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from cnn_lib.arithmetic import substituted_formula
from tests.torch_oracles import torch_pool_size

NOTEBOOK = "notebooks/03_pooling.ipynb"
EXPLORER = "pooling"
LABELS = {"i": "i (input size)", "k": "k (window)", "s": "s (stride)", "p": "p (padding)"}
DEFAULTS = {"i": 6, "k": 2, "s": 2, "p": 0}
TORCH_CALLS = {
    "max": "F.max_pool2d(x, ",
    "avg": "F.avg_pool2d(x, ",
    "min": "−F.max_pool2d(−x, ",
    "lp": "F.lp_pool2d(x, 2, ",
}


def assert_shows(explorer, values: dict, ceil_mode: bool = False) -> None:
    text = explorer.locator(".cnn-formula").inner_text().strip()
    assert text == substituted_formula("pool", **values, ceil_mode=ceil_mode)
    assert text.endswith(
        f"= {torch_pool_size(values['i'], values['k'], values['s'], values['p'], ceil_mode=ceil_mode)}"
    )
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")
    photo = torch_pool_size(128, values["k"], values["s"], values["p"], ceil_mode=ceil_mode)
    assert f"128×128 → {photo}×{photo}" in explorer.inner_text()


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_every_explorer_on_the_page_redraws_when_its_first_slider_moves(notebook):
    assert notebook.explorer_names(), "no explorer rendered"
    assert notebook.explorers_that_do_not_redraw() == []


def test_explorer_renders_at_the_defaults(notebook, explorer, screenshot_dir):
    assert_shows(explorer, DEFAULTS)
    assert explorer.locator(".cnn-error").is_hidden()
    notebook.settle(explorer)
    explorer.screenshot(path=screenshot_dir / "03_pooling_default.png")


@pytest.mark.parametrize("key", list(LABELS))
def test_each_slider_moved_with_the_keyboard_redraws_with_the_right_numbers(
    notebook, explorer, key
):
    for values in notebook.step_both_ways(explorer, LABELS[key], DEFAULTS, key):
        assert_shows(explorer, values)
        assert notebook.distorted_images(explorer) == []


def test_mode_dropdown_and_ceil_mode_checkbox_redraw(notebook, explorer, screenshot_dir):
    check = explorer.locator(".cnn-check")
    for mode in ("avg", "min", "lp", "max"):
        before = check.inner_html()
        notebook.control(explorer, "dropdown", "mode").locator("select").select_option(mode)
        notebook.wait_changed(check, before)
        assert check.inner_text().startswith(f"✓ {TORCH_CALLS[mode]}")
    notebook.move_slider(explorer, LABELS["i"], "ArrowRight")  # i = 7: ceil mode adds a window
    formula = explorer.locator(".cnn-formula")
    before = formula.inner_html()
    explorer.locator(".widget-checkbox input").check()
    notebook.wait_changed(formula, before)
    notebook.settle(explorer, quiet_ms=200)
    assert_shows(explorer, {**DEFAULTS, "i": 7}, ceil_mode=True)
    notebook.settle(explorer)
    explorer.screenshot(path=screenshot_dir / "03_pooling_ceil_mode.png")
    before = formula.inner_html()
    explorer.locator(".widget-checkbox input").uncheck()
    notebook.wait_changed(formula, before)
    notebook.move_slider(explorer, LABELS["i"], "ArrowLeft")
    assert_shows(explorer, DEFAULTS)


def test_impossible_padding_shows_the_message_and_the_explorer_recovers(
    notebook, explorer, screenshot_dir
):
    error = explorer.locator(".cnn-error")
    notebook.press(notebook.control(explorer, "slider", LABELS["p"]), "End")  # p = 2 > k/2 = 1
    error.wait_for(state="visible", timeout=15_000)
    assert "p" in error.inner_text() and "k" in error.inner_text()
    with pytest.raises(RuntimeError):  # PyTorch refuses the same combination
        F.max_pool2d(torch.zeros(1, 1, 6, 6), 2, 2, 2)
    assert explorer.locator(".cnn-check").inner_text().strip() == ""
    notebook.settle(explorer)
    explorer.screenshot(path=screenshot_dir / "03_pooling_error.png")
    notebook.press(notebook.control(explorer, "slider", LABELS["k"]), "End")  # k = 4: p = 2 allowed
    error.wait_for(state="hidden", timeout=15_000)
    values = {**DEFAULTS, "k": 4, "p": 2}
    notebook.wait_text(explorer.locator(".cnn-formula"), substituted_formula("pool", **values))
    notebook.settle(explorer, quiet_ms=200)
    assert_shows(explorer, values)
