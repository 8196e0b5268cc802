"""Notebook 02 in JupyterLab: the receptive-field explorer redraws on key presses, with the right r and j."""

from __future__ import annotations

import re

import pytest
import torch

from cnn_lib.receptive_field import receptive_field, receptive_field_formula
from cnn_lib.widgets.receptive_field import stack_from_values

NOTEBOOK = "notebooks/02_output_size_arithmetic.ipynb"
EXPLORER = "receptive-field"
DEFAULTS = {
    "layers": 3,
    "i": 20,
    "pad": False,
    **{"k1": 3, "s1": 1, "d1": 1, "k2": 3, "s2": 2, "d2": 1},
    **{"k3": 3, "s3": 1, "d3": 2, "k4": 3, "s4": 1, "d4": 1},
    "row": 1,
    "column": 2,
}
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def squeeze(text: str) -> str:
    """Collapse runs of white space, as the browser's innerText does inside the formula."""
    return " ".join(text.split())


def torch_support(values: dict) -> tuple[int, int, int, int]:
    """Return (top, bottom, left, right) of the input pixels one output pixel of the torch stack depends on."""
    layers = [
        torch.nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d, bias=False)
        for k, s, p, d in stack_from_values(values)
    ]
    for layer in layers:
        torch.nn.init.ones_(layer.weight)
    x = torch.zeros(1, 1, values["i"], values["i"], requires_grad=True)
    torch.nn.Sequential(*layers)(x)[0, 0, values["row"], values["column"]].backward()
    rows, columns = torch.nonzero(x.grad[0, 0], as_tuple=True)
    return int(rows.min()), int(rows.max()), int(columns.min()), int(columns.max())


def assert_shows(notebook, explorer, values: dict) -> None:
    """The formula shows every layer's recurrence with the right r and j; the torch check agrees.

    The output pixel is read from its sliders: they shrink with the output (a moved
    value stays where the shrink put it), so it must lie inside the last output.
    """
    layers = stack_from_values(values)
    last = receptive_field(layers, values["i"])[-1]
    values = dict(values)
    for key in ("row", "column"):
        slider = notebook.control(explorer, "slider", f"output {key}")
        values[key] = int(notebook.slider_value(slider))
        assert 0 <= values[key] < last.output_size
    text = squeeze(explorer.locator(".cnn-formula").inner_text())
    assert text == squeeze(" ".join(receptive_field_formula(layers, values["i"])))
    n = str(values["layers"]).translate(SUBSCRIPTS)
    assert re.search(rf"r{n} = [^=]+ = {last.receptive_field} j{n} = [^=]+ = {last.jump} ", text)
    top, bottom, left, right = torch_support(values)
    assert bottom - top + 1 <= last.receptive_field and right - left + 1 <= last.receptive_field
    check = explorer.locator(".cnn-check").inner_text()
    assert check.startswith("✓"), check
    assert f"output ({values['row']}, {values['column']})" in check
    assert f"rows {top}–{bottom}, columns {left}–{right}" in check
    assert f"r = {last.receptive_field} " in check
    assert explorer.locator(".cnn-error").is_hidden()


def layer_slider(explorer, layer: int, symbol: str):
    """Return layer ``layer``'s k, s or d slider (the s and d labels repeat, so find its row first)."""
    label = explorer.page.locator(".widget-label").filter(
        has_text=re.compile(rf"^\s*layer {layer}: k\s*$")
    )
    row = explorer.locator(".widget-hbox").filter(has=label).last
    return row.locator(".widget-slider").nth("ksd".index(symbol))


def press_and_wait(notebook, explorer, slider, key: str) -> None:
    """Press a key on a slider; wait until the figure is redrawn and the explorer is quiet again."""
    before = notebook.figure(explorer).inner_html()
    notebook.press(slider, key)
    notebook.wait_changed(notebook.figure(explorer), before)
    notebook.settle(explorer, quiet_ms=200)


def test_explorer_renders_at_the_defaults(notebook, explorer, screenshot_dir):
    assert notebook.slider_value(notebook.control(explorer, "slider", "number of layers")) == "3"
    assert layer_slider(explorer, 3, "k").is_visible()
    assert layer_slider(explorer, 4, "k").is_hidden()
    assert_shows(notebook, explorer, DEFAULTS)
    assert "r₃ = 5 + 2·(3 − 1)·2 = 13" in squeeze(explorer.locator(".cnn-formula").inner_text())
    explorer.screenshot(path=screenshot_dir / "02_receptive_field_default.png")


@pytest.mark.parametrize("description", ["output row", "output column", "number of layers"])
def test_general_sliders_moved_with_the_keyboard_redraw_with_the_right_numbers(
    notebook, explorer, description
):
    key = {"number of layers": "layers", "output row": "row", "output column": "column"}
    for values in notebook.step_both_ways(explorer, description, DEFAULTS, key[description]):
        assert_shows(notebook, explorer, values)
        assert layer_slider(explorer, 4, "k").is_visible() == (values["layers"] == 4)
        if values["layers"] == 4:  # 20 → 18 → 8 → 4 → 2: the pixel sliders shrink to 0–1
            for key in ("row", "column"):
                slider = notebook.control(explorer, "slider", f"output {key}")
                assert notebook.slider_value(slider) == "1"


@pytest.mark.parametrize("symbol", ["k", "s", "d"])
def test_a_layers_k_s_d_moved_with_the_keyboard_redraw_with_the_right_numbers(
    notebook, explorer, symbol
):
    slider = layer_slider(explorer, 2, symbol)
    values = dict(DEFAULTS)
    for key, step in (("ArrowRight", 1), ("ArrowLeft", -1)):
        values[f"{symbol}2"] += step
        press_and_wait(notebook, explorer, slider, key)
        assert notebook.slider_value(slider) == str(values[f"{symbol}2"])
        assert_shows(notebook, explorer, values)


def test_impossible_stack_shows_the_message_and_the_explorer_recovers(
    notebook, explorer, screenshot_dir
):
    error = explorer.locator(".cnn-error")
    # i = 8: 8 → 6 → 2 pixels, too few for layer 3's dilated kernel (span 5).
    notebook.press(notebook.control(explorer, "slider", "i (input size)"), "Home")
    error.wait_for(state="visible", timeout=15_000)
    with pytest.raises(ValueError) as expected:
        receptive_field(stack_from_values({**DEFAULTS, "i": 8}), 8)
    assert error.inner_text().strip() == f"⚠ {expected.value}"
    assert str(expected.value).startswith("layer 3")
    assert explorer.locator(".cnn-formula").inner_text().strip() == ""
    assert explorer.locator(".cnn-check").inner_text().strip() == ""
    explorer.screenshot(path=screenshot_dir / "02_receptive_field_error.png")
    # Two layers fit (8 → 6 → 2); the pixel sliders shrink to the 2×2 output.
    notebook.press(notebook.control(explorer, "slider", "number of layers"), "ArrowLeft")
    error.wait_for(state="hidden", timeout=15_000)
    notebook.settle(explorer, quiet_ms=200)
    values = {**DEFAULTS, "i": 8, "layers": 2, "row": 1, "column": 1}
    for key in ("row", "column"):
        slider = notebook.control(explorer, "slider", f"output {key}")
        assert notebook.slider_value(slider) == "1"
    assert_shows(notebook, explorer, values)
    assert layer_slider(explorer, 3, "k").is_hidden()
    explorer.screenshot(path=screenshot_dir / "02_receptive_field_recovered.png")
