"""The stacking-layers explorer: its pure drawing, and its wiring driven programmatically."""

import pytest

from cnn_lib.draw.receptive_field import draw_receptive_field
from cnn_lib.receptive_field import compare_field
from cnn_lib.widgets.receptive_field import ReceptiveFieldExplorer, stack_from_values

DEFAULT_STACK = [(3, 1, 0, 1), (3, 2, 0, 1), (3, 1, 0, 2)]


def test_draw_receptive_field_shows_both_panels_and_the_output_grid():
    picture = draw_receptive_field(DEFAULT_STACK, 20, 1, 2)
    assert picture.startswith("<svg") and picture.endswith("</svg>")
    assert "recurrence: r = 13, j = 2" in picture
    assert "torch: input gradient ≠ 0" in picture and "output 4×4" in picture
    assert "centred at input (8, 10)" in picture


@pytest.mark.parametrize(
    ("layers", "size", "pixel"),
    [
        (DEFAULT_STACK, 20, (1, 2)),
        ([(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 2, 2)], 16, (0, 5)),  # runs past the border
        ([(5, 1, 0, 3), (2, 2, 0, 1)], 24, (3, 3)),  # dilation leaves holes
        ([(1, 3, 0, 1), (3, 1, 0, 1)], 20, (2, 1)),  # stride skips pixels
    ],
)
def test_measured_gradient_support_agrees_with_the_recurrence(layers, size, pixel):
    comparison = compare_field(layers, size, *pixel)
    assert comparison.agrees
    if not comparison.clipped:
        (top, bottom), _ = comparison.measured
        assert bottom - top + 1 == comparison.row.receptive_field


def test_draw_receptive_field_refuses_a_stack_too_big_or_a_pixel_outside_the_output():
    with pytest.raises(ValueError, match="layer 3"):
        draw_receptive_field(DEFAULT_STACK, 8, 0, 0)
    with pytest.raises(ValueError, match="row and column"):
        draw_receptive_field(DEFAULT_STACK, 20, 4, 0)


def test_explorer_carries_the_dom_classes_and_shows_the_default_formula():
    explorer = ReceptiveFieldExplorer()
    assert {"cnn-explorer", "cnn-explorer-receptive-field"} <= set(explorer._dom_classes)
    assert "cnn-formula" in explorer.formula._dom_classes
    assert "r₃ = 5 + 2·(3 − 1)·2 = 13" in explorer.formula.value
    assert "✓" in explorer.check.value and explorer.last_error == ""


def test_stack_from_values_pads_each_layer_when_asked():
    values = ReceptiveFieldExplorer().values()
    assert stack_from_values(values) == DEFAULT_STACK
    assert stack_from_values({**values, "pad": True}) == [(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 2, 2)]


def test_moving_a_slider_redraws_figure_formula_and_check():
    explorer = ReceptiveFieldExplorer()
    before = (explorer.figure.value, explorer.formula.value)
    explorer.sliders["d3"].value = 3
    assert explorer.figure.value != before[0]
    assert "r₃ = 5 + 3·(3 − 1)·2 = 17" in explorer.formula.value
    explorer.sliders["row"].value = 0
    assert "output (0, 1)" in explorer.check.value and "✓" in explorer.check.value  # column clamped


def test_pixel_sliders_follow_the_output_size():
    explorer = ReceptiveFieldExplorer()
    assert explorer.sliders["row"].max == 3
    explorer.set_values(pad=True)
    assert explorer.sliders["row"].max == 9 and explorer.sliders["column"].value == 2
    explorer.set_values(pad=False, i=16)
    assert explorer.sliders["row"].max == 1 and explorer.sliders["column"].value == 1
    assert "output (1, 1)" in explorer.check.value


def test_number_of_layers_hides_the_unused_layer_rows():
    explorer = ReceptiveFieldExplorer(layers=2)
    shown = [row.layout.display for row in explorer.layer_rows]
    assert shown == ["flex", "flex", "none", "none"]
    assert "r₃" not in explorer.formula.value


def test_an_impossible_stack_shows_the_message_inline_and_the_explorer_recovers():
    explorer = ReceptiveFieldExplorer()
    explorer.sliders["i"].value = 8
    assert "layer 3" in explorer.last_error and explorer.error.layout.display == "block"
    assert explorer.check.value == "" and "input 8×8" in explorer.figure.value
    explorer.sliders["i"].value = 20
    assert explorer.last_error == "" and explorer.error.layout.display == "none"
    assert "✓" in explorer.check.value
