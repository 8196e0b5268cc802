"""The SVG/HTML/PNG drawing primitives: valid input draws parseable figures, bad input is refused clearly."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from cnn_lib.draw import base as drawing
from cnn_lib.palette import HIGHLIGHT_COLOR, PADDING_COLOR

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg_string: str) -> list[str]:
    return [element.text for element in ET.fromstring(svg_string).iter(f"{SVG}text")]


def test_svg_wraps_fragments_in_a_parseable_document_of_the_given_size():
    root = ET.fromstring(drawing.svg([drawing.label(5, 5, "a < b")], 120, 80, title="t"))
    assert root.get("width") == "120" and root.get("height") == "80"
    assert "a < b" in [element.text for element in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("width, height", [(0, 10), (10, -1), ("10", 10)])
def test_svg_rejects_a_size_that_is_not_positive(width, height):
    with pytest.raises(ValueError, match="width|height"):
        drawing.svg("", width, height)


def test_grid_writes_every_value_and_shades_the_padding_ring():
    values = np.pad(np.arange(1, 10).reshape(3, 3), 1)
    fragment = drawing.grid(values, padding=1)
    document = drawing.svg(fragment, 200, 200)
    assert texts(document).count("0") == 16
    assert {str(n) for n in range(1, 10)} <= set(texts(document))
    assert fragment.count(f'fill="{PADDING_COLOR}"') == 16


def test_grid_writes_strings_as_they_are_and_leaves_none_empty():
    values = np.array([["a", None], [1.5, -0.25]], dtype=object)
    assert texts(drawing.svg(drawing.grid(values), 60, 60)) == ["a", "1.5", "-0.25"]


def test_grid_takes_per_cell_fills_as_mapping_or_array():
    by_mapping = drawing.grid(shape=(2, 2), fills={(1, 1): "#123456"})
    by_array = drawing.grid(shape=(2, 2), fills=np.array([[None, None], [None, "#123456"]]))
    assert by_mapping.count("#123456") == by_array.count("#123456") == 1


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"values": np.zeros(3)}, "2-D"),
        ({}, "shape"),
        ({"shape": (0, 3)}, "rows"),
        ({"shape": (3, 3), "padding": 2}, "padding"),
        ({"shape": (2, 2), "fills": np.array([["#000000"]])}, "fills"),
        ({"shape": (2, 2), "cell": 0}, "cell"),
    ],
)
def test_grid_rejects_bad_parameters_naming_them(kwargs, word):
    with pytest.raises(ValueError, match=word):
        drawing.grid(**kwargs)


def test_window_outlines_the_cells_it_covers():
    rect = ET.fromstring(drawing.svg(drawing.window(1, 2, 3, x=10, y=20, cell=10), 100, 100))[0]
    assert (rect.get("x"), rect.get("y"), rect.get("width"), rect.get("height")) == (
        "30",
        "30",
        "30",
        "30",
    )


def test_dilated_window_spans_d_times_k_minus_1_plus_1_and_fills_k_squared_cells():
    fragment = drawing.dilated_window(0, 0, k=3, d=2, cell=10)
    rects = list(ET.fromstring(drawing.svg(fragment, 100, 100)).iter(f"{SVG}rect"))
    assert rects[0].get("width") == "50"  # 2·(3 − 1) + 1 = 5 cells
    assert len(rects) == 1 + 9
    assert sorted({float(r.get("x")) for r in rects[1:]}) == [0, 20, 40]


@pytest.mark.parametrize("args", [(-1, 0, 2), (0, 0, 0), (0, 1.5, 2)])
def test_window_rejects_negative_or_fractional_cells(args):
    with pytest.raises(ValueError):
        drawing.window(*args)


def test_arrow_rejects_zero_length_and_draws_a_head():
    assert "<polygon" in drawing.arrow(0, 0, 10, 10)
    with pytest.raises(ValueError, match="different points"):
        drawing.arrow(3, 3, 3, 3)


def test_label_escapes_text_and_rejects_unknown_anchor():
    assert "&lt;" in drawing.label(0, 0, "<")
    with pytest.raises(ValueError, match="anchor"):
        drawing.label(0, 0, "x", anchor="left")


@pytest.mark.parametrize(
    "value, text", [(3.0, "3"), (-0.5, "-0.5"), (1 / 9, "0.11"), (-0.001, "0")]
)
def test_format_number_is_short(value, text):
    assert drawing.format_number(value) == text


def test_tint_mixes_with_white_and_rejects_non_hex():
    assert drawing.tint("#000000", 0) == "#ffffff"
    assert drawing.tint("#000000", 1) == "#000000"
    with pytest.raises(ValueError, match="colour"):
        drawing.tint("red", 0.5)


def test_value_fills_grow_stronger_with_magnitude():
    fills = drawing.value_fills([[0.0, 1.0], [-2.0, 0.0]], "#000000")
    assert fills[0, 0] == fills[1, 1] != fills[0, 1] != fills[1, 0]


def test_error_html_is_empty_without_a_message_and_escapes_one():
    assert drawing.error_html("") == ""
    assert "k &lt; 3" in drawing.error_html("k < 3") and HIGHLIGHT_COLOR in drawing.error_html("x")


def test_check_and_formula_html_show_their_text():
    assert "✓" in drawing.check_html(True, "ok") and "✗" in drawing.check_html(False, "no")
    assert "o = 4" in drawing.formula_html("o = 4")


def test_array_to_png_round_trips_shape_and_extremes():
    image = np.linspace(-1, 1, 12).reshape(3, 4)
    pixels = np.asarray(Image.open(io.BytesIO(drawing.array_to_png(image, scale=2))))
    assert pixels.shape == (6, 8) and pixels.min() == 0 and pixels.max() == 255
    colour = np.asarray(
        Image.open(io.BytesIO(drawing.array_to_png(np.zeros((2, 2, 3)), symmetric=True)))
    )
    assert colour.shape == (2, 2, 3) and np.all(colour == 128)


@pytest.mark.parametrize("image", [np.zeros((2, 2, 4)), np.zeros(5), np.array([[np.nan]])])
def test_array_to_png_rejects_bad_images(image):
    with pytest.raises(ValueError, match="image"):
        drawing.array_to_png(image)
