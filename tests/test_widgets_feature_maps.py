"""The feature-map explorer: pure PNG drawing, and a widget that redraws when its controls move."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_lib.models import DigitsCNN, layer_outputs
from cnn_lib.training import digits_split
from cnn_lib.widgets.feature_maps import (
    FeatureMapExplorer,
    digit_png,
    feature_maps_png,
    spatial_layers,
)


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.fixture(scope="module")
def explorer():
    torch.manual_seed(0)
    model = DigitsCNN(image_size=16)
    images, labels = digits_split(16).test
    return FeatureMapExplorer(model, images[:20], labels[:20])


def test_feature_maps_png_tiles_every_map_with_gaps():
    pixels = decode(feature_maps_png(np.random.rand(16, 8, 8), columns=8, tile=64, gap=4))
    assert pixels.shape == (2 * 64 + 4, 8 * 64 + 7 * 4)


def test_feature_maps_png_scales_each_map_and_centres_signed_maps():
    maps = np.stack(
        [np.full((4, 4), 2.0), np.full((4, 4), 0.5), np.array([[-1.0, 1.0]] * 4).repeat(2, 1)]
    )
    pixels = decode(feature_maps_png(maps, columns=3, tile=4, gap=2))
    assert pixels[0, 0] == 255 and pixels[0, 6] == 255  # each non-negative map reaches white
    assert pixels[0, 12] == 0 and pixels[0, 15] == 255  # signed: −max black, +max white


@pytest.mark.parametrize(
    "maps", [np.zeros((4, 4)), np.zeros((0, 4, 4)), np.full((1, 2, 2), np.nan)]
)
def test_feature_maps_png_rejects_bad_stacks(maps):
    with pytest.raises(ValueError, match="maps"):
        feature_maps_png(maps)


def test_digit_png_enlarges_a_digit_and_refuses_a_batch():
    assert decode(digit_png(np.random.rand(1, 16, 16), size=128)).shape == (128, 128)
    with pytest.raises(ValueError, match="image must have shape"):
        digit_png(np.zeros((2, 1, 8, 8)))


def test_spatial_layers_stop_at_flatten():
    assert spatial_layers(DigitsCNN()) == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2"]
    assert spatial_layers(DigitsCNN(pooling=None)) == ["conv1", "relu1", "conv2", "relu2"]


def test_explorer_has_the_dom_classes(explorer):
    assert {"cnn-explorer", "cnn-explorer-feature-maps"} <= set(explorer._dom_classes)
    assert explorer.sliders["digit"].max == 19


def test_moving_the_digit_slider_redraws_the_digit_and_its_maps(explorer):
    before = (explorer.digit_image.value, explorer.maps_image.value, explorer.caption.value)
    explorer.sliders["digit"].value = 7
    after = (explorer.digit_image.value, explorer.maps_image.value, explorer.caption.value)
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert "true: <b>" in explorer.caption.value
    explorer.sliders["digit"].value = 0


def test_choosing_a_layer_shows_its_maps_with_the_model_shape(explorer):
    for layer in explorer.layer_names:
        explorer.sliders["layer"].value = layer
        expected = dict(layer_outputs(explorer.model, explorer.images[:1]))[layer][0].numpy()
        assert explorer.maps_image.value == feature_maps_png(expected)
        c, h, w = expected.shape
        assert f"{c} feature maps of {h}×{w}" in explorer.formula.value
        assert explorer.last_error == ""
        assert (
            explorer.last_redraw_ms < 500
        )  # generous: a shared CI CPU; the benchmark checks 50 ms


def test_explorer_without_arguments_uses_the_test_digits():
    assert FeatureMapExplorer().sliders["digit"].max == 359


def test_explorer_rejects_labels_that_do_not_match_the_images():
    with pytest.raises(ValueError, match="one label per image"):
        FeatureMapExplorer(DigitsCNN(), torch.zeros(3, 1, 8, 8), torch.zeros(2))


def test_draw_refuses_a_layer_without_maps(explorer):
    with pytest.raises(ValueError, match="layer must be one of"):
        explorer.draw({"digit": 0, "layer": "fc1"})
