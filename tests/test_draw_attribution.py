"""Attribution overlays and the probability bars of notebook 06's explorer: pure drawing, checked pixel by pixel."""

import io

import numpy as np
import pytest
from PIL import Image

from cnn_lib.draw.attribution import (
    attribution_overlay,
    attribution_png,
    normalize_attribution,
    probabilities_svg,
)
from cnn_lib.palette import HIGHLIGHT_COLOR


def test_normalize_attribution_keeps_the_positive_part_scaled_to_its_99th_percentile():
    values = np.linspace(-1, 1, 200).reshape(10, 20)
    shown = normalize_attribution(values)
    positive = np.clip(values, 0, None)
    assert np.allclose(shown, np.clip(positive / np.percentile(positive, 99), 0, 1))
    assert shown.min() == 0 and shown.max() == 1


def test_overlay_is_white_on_empty_background_and_the_highlight_colour_where_the_map_peaks():
    image = np.zeros((4, 4))
    attribution = np.zeros((4, 4))
    attribution[1, 2] = 5.0
    overlay = attribution_overlay(image, attribution)
    assert overlay.shape == (4, 4, 3)
    assert np.allclose(overlay[0, 0], 1.0)
    target = np.array([int(HIGHLIGHT_COLOR[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert np.allclose(overlay[1, 2], 0.15 + 0.85 * target)


def test_attribution_png_is_the_overlay_enlarged():
    rng = np.random.default_rng(0)
    image, attribution = rng.random((28, 28)), rng.random((28, 28))
    pixels = np.asarray(Image.open(io.BytesIO(attribution_png(image, attribution, size=168))))
    assert pixels.shape == (168, 168, 3)
    expected = (attribution_overlay(image, attribution) * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(pixels[::6, ::6], expected)


def test_overlay_refuses_maps_of_another_shape_and_nan():
    with pytest.raises(ValueError, match="must have the same shape"):
        attribution_overlay(np.zeros((28, 28)), np.zeros((14, 14)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        normalize_attribution(np.full((2, 2), np.nan))


def test_probability_bars_write_each_percentage_and_mark_the_target():
    probabilities = np.full(10, 0.02)
    probabilities[7] = 0.82
    chart = probabilities_svg(probabilities, target=3)
    assert "82.0%" in chart and chart.count("2.0%") == 10  # nine 2.0% and the 82.0%
    assert chart.count(f'fill="{HIGHLIGHT_COLOR}"') == 1
    with pytest.raises(ValueError, match="10 numbers"):
        probabilities_svg(np.ones(3))
