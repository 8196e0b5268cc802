"""Notebook 01 in JupyterLab: the step-through and photo-kernel explorers redraw with the right numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnn_lib.draw.base import format_number
from cnn_lib.ops.conv import step_grid
from cnn_lib.ops.kernels import KERNELS
from tests.browser.lab_notebook import LabNotebook

NOTEBOOK = "notebooks/01_kernels_and_feature_maps.ipynb"


def torch_window_sum(position: int, kernel: str, bias: int = 1) -> tuple[int, int, float]:
    """Return (row, col, value) of the output cell at a window position, computed by PyTorch
    (with the explorer's default bias, 1)."""
    x = torch.from_numpy(step_grid())[None, None]
    w = torch.from_numpy(np.array(KERNELS[kernel]))[None, None]
    b = torch.tensor([float(bias)], dtype=torch.float64)
    output = torch.nn.functional.conv2d(x, w, bias=b)[0, 0]
    row, col = divmod(position, output.shape[1])
    return row, col, output[row, col].item()


def formula_text(explorer) -> str:
    return explorer.locator(".cnn-formula").inner_text().strip()


def figure_html(explorer) -> str:
    return LabNotebook.figure(explorer).inner_html()


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_every_explorer_on_the_page_redraws_when_its_first_slider_moves(notebook):
    assert notebook.explorer_names(), "no explorer rendered"
    assert notebook.explorers_that_do_not_redraw() == []


# -- the step-through: one window position at a time -----------------------------------------


def assert_step_shows(explorer, position: int, kernel: str) -> None:
    row, col, value = torch_window_sum(position, kernel)
    text = formula_text(explorer)
    assert text.startswith(f"output[{row}, {col}] = ") and text.endswith(
        f" = {format_number(value)}"
    )
    assert text.count("·") == 9  # one product per kernel weight
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")


def test_step_explorer_slider_moves_the_window_with_the_keyboard(notebook, screenshot_dir):
    explorer = notebook.explorer("conv-step")
    slider = notebook.control(explorer, "slider", "window position")
    assert_step_shows(explorer, 0, "Sobel x")
    explorer.screenshot(path=screenshot_dir / "01_conv_step_default.png")
    formula = explorer.locator(".cnn-formula")
    for key, position in (
        ("ArrowRight", 1),
        ("ArrowRight", 2),
        ("End", 24),
        ("ArrowLeft", 23),
        ("Home", 0),
    ):
        figure_before, formula_before = figure_html(explorer), formula.inner_html()
        notebook.press(slider, key)
        notebook.wait_changed(formula, formula_before)
        notebook.settle(
            explorer, quiet_ms=200
        )  # figure, formula and check come in separate messages
        assert figure_html(explorer) != figure_before
        assert notebook.slider_value(slider) == str(position)
        assert_step_shows(explorer, position, "Sobel x")


def test_step_explorer_kernel_dropdown_changes_the_products(notebook, screenshot_dir):
    explorer = notebook.explorer("conv-step")
    slider = notebook.control(explorer, "slider", "window position")
    formula = explorer.locator(".cnn-formula")
    before = formula.inner_html()
    notebook.press(slider, "End")
    notebook.wait_changed(formula, before)
    for kernel in ("Laplacian", "Sobel y", "Sobel x"):
        before = formula.inner_html()
        notebook.control(explorer, "dropdown", "kernel").locator("select").select_option(kernel)
        notebook.wait_changed(formula, before)
        notebook.settle(explorer, quiet_ms=200)
        assert_step_shows(explorer, 24, kernel)
    explorer.screenshot(path=screenshot_dir / "01_conv_step_last_position.png")


# -- the photo kernel: dropdown, nine number boxes, colour ---------------------------------------


def weight_boxes(explorer):
    return explorer.locator(".widget-text input")


def photo_formula(weights: np.ndarray, colour: bool) -> str:
    """Return the formula the photo explorer should print; sizes from PyTorch's valid convolution."""
    out = torch.nn.functional.conv2d(torch.zeros(1, 1, 256, 256), torch.zeros(1, 1, 3, 3)).shape[-1]
    channels = "3 channels, the kernel applied to each" if colour else "grayscale"
    return (
        f"feature map = photo ⋆ kernel ({channels}): 256×256 → {out}×{out}, "
        f"weights sum to {format_number(weights.sum())}"
    )


def test_photo_explorer_dropdown_fills_the_nine_boxes_and_redraws_the_feature_map(
    notebook, screenshot_dir
):
    explorer = notebook.explorer("photo-kernel")
    assert formula_text(explorer) == photo_formula(KERNELS["Sobel x"], colour=False)
    explorer.screenshot(path=screenshot_dir / "01_photo_kernel_default.png")
    feature_map = explorer.locator(".widget-image").nth(1)
    for name in ("Gaussian blur", "outline", "Sobel x"):
        before = feature_map.inner_html() + (feature_map.get_attribute("src") or "")
        notebook.control(explorer, "dropdown", "kernel").locator("select").select_option(name)
        notebook.page.wait_for_function(
            "([el, before]) => el.innerHTML + (el.getAttribute('src') || '') !== before",
            arg=[feature_map.element_handle(), before],
        )
        notebook.page.wait_for_function(
            "([el, text]) => el.innerText.trim() === text",
            arg=[
                explorer.locator(".cnn-formula").element_handle(),
                photo_formula(KERNELS[name], False),
            ],
        )
        notebook.settle(explorer, quiet_ms=200)
        shown = [float(box.input_value()) for box in weight_boxes(explorer).all()]
        assert shown == pytest.approx(KERNELS[name].ravel().tolist())
        assert explorer.locator(".cnn-check").inner_text().startswith("✓")
        assert notebook.distorted_images(explorer) == []


def test_photo_explorer_typed_weight_makes_a_custom_kernel(notebook, screenshot_dir):
    explorer = notebook.explorer("photo-kernel")
    box = weight_boxes(explorer).nth(4)
    box.fill("5")
    box.press("Enter")
    weights = KERNELS["Sobel x"].copy()
    weights[1, 1] = 5
    notebook.page.wait_for_function(
        "([el, text]) => el.innerText.trim() === text",
        arg=[explorer.locator(".cnn-formula").element_handle(), photo_formula(weights, False)],
        timeout=15_000,
    )
    dropdown = notebook.control(explorer, "dropdown", "kernel").locator("select")
    selected = dropdown.evaluate("el => el.options[el.selectedIndex].text").replace("\xa0", " ")
    assert selected == "custom (edit the numbers)"
    explorer.locator(".widget-checkbox input").check()
    notebook.page.wait_for_function(
        "([el, text]) => el.innerText.trim() === text",
        arg=[explorer.locator(".cnn-formula").element_handle(), photo_formula(weights, True)],
        timeout=15_000,
    )
    notebook.settle(explorer)
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")
    explorer.screenshot(path=screenshot_dir / "01_photo_kernel_custom_colour.png")


def test_photo_explorer_number_box_refuses_an_overflowing_entry_and_keeps_working(notebook):
    # The explorer's own refusal (a non-finite weight) cannot be reached from a number box: the
    # browser rejects 1e999 and ipywidgets restores the last value. Check that path, then recover.
    explorer = notebook.explorer("photo-kernel")
    box = weight_boxes(explorer).nth(0)
    before = box.input_value()
    formula_before = formula_text(explorer)
    box.fill("1e999")
    box.press("Enter")
    notebook.page.wait_for_function(
        "([el, v]) => el.value === v", arg=[box.element_handle(), before]
    )
    assert formula_text(explorer) == formula_before
    assert explorer.locator(".cnn-error").is_hidden()
    notebook.control(explorer, "dropdown", "kernel").locator("select").select_option("identity")
    notebook.page.wait_for_function(
        "([el, text]) => el.innerText.trim() === text",
        arg=[
            explorer.locator(".cnn-formula").element_handle(),
            photo_formula(KERNELS["identity"], True),
        ],
        timeout=15_000,
    )
    assert notebook.cell_problems() == []
