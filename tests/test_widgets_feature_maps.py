"""The feature-map explorer: a widget that redraws when its controls move, with the maps PyTorch computes."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN, layer_outputs
from cnn_lib.draw.feature_maps import feature_maps_png
from cnn_lib.widgets.feature_maps import (
    FeatureMapExplorer,
    spatial_layers,
)


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.fixture(scope="module")
def explorer():
    torch.manual_seed(0)
    model = DigitsCNN(image_size=16)
    images, labels = digit_split("digits", 16).test
    return FeatureMapExplorer(model, images[:20], labels[:20])


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
