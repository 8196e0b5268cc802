"""Notebook 05 in JupyterLab: the feature-map explorer follows the digit slider and the layer dropdown."""

from __future__ import annotations

import re

import pytest
import torch

from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN

NOTEBOOK = "notebooks/05_cnn_architecture.ipynb"
EXPLORER = "feature-maps"
DATASET, IMAGE_SIZE = "mnist5k", 28  # the notebook's parameters and data cells


def torch_layer_shapes() -> dict[str, tuple[int, int, int]]:
    """Return each named layer's output shape (C, H, W), recorded by PyTorch forward hooks."""
    model = DigitsCNN(image_size=IMAGE_SIZE)
    shapes = {}

    def record(name: str):
        def hook(module, inputs, output) -> None:
            shapes[name] = tuple(output.shape[1:])

        return hook

    for name, module in model.layers.named_children():
        module.register_forward_hook(record(name))
    with torch.no_grad():
        model(torch.zeros(1, 1, IMAGE_SIZE, IMAGE_SIZE))
    return shapes


@pytest.fixture(scope="module")
def test_labels() -> list[int]:
    return digit_split(DATASET, IMAGE_SIZE).test_labels.tolist()


def images_src(explorer) -> list[str]:
    return [image.get_attribute("src") or "" for image in explorer.locator(".widget-image").all()]


def assert_shows(explorer, digit: int, layer: str, test_labels: list[int]) -> None:
    channels, height, width = torch_layer_shapes()[layer]
    formula = explorer.locator(".cnn-formula").inner_text().strip()
    assert formula.startswith(f"{layer}: {channels} feature maps of {height}×{width} ")
    caption = explorer.inner_text()
    assert f"true: {test_labels[digit]}" in caption
    assert re.search(r"predicted: [0-9] \(\d+%\)", caption)
    assert explorer.locator(".cnn-check").inner_text().startswith("✓")


def test_no_cell_shows_an_error_output(notebook):
    assert notebook.cell_problems() == []


def test_every_explorer_on_the_page_redraws_when_its_first_slider_moves(notebook):
    assert notebook.explorer_names(), "no explorer rendered"
    assert notebook.explorers_that_do_not_redraw() == []


def test_explorer_renders_the_first_test_digit_and_conv1(
    notebook, explorer, test_labels, screenshot_dir
):
    assert notebook.slider_value(notebook.control(explorer, "slider", "test digit #")) == "0"
    assert_shows(explorer, 0, "conv1", test_labels)
    explorer.screenshot(path=screenshot_dir / "05_feature_maps_default.png")


def test_digit_slider_moved_with_the_keyboard_shows_that_digit(notebook, explorer, test_labels):
    last = len(test_labels) - 1
    for key, digit in (
        ("ArrowRight", 1),
        ("ArrowRight", 2),
        ("End", last),
        ("ArrowLeft", last - 1),
        ("Home", 0),
    ):
        before = images_src(explorer)
        notebook.move_slider(explorer, "test digit #", key)
        assert notebook.slider_value(notebook.control(explorer, "slider", "test digit #")) == str(
            digit
        )
        after = images_src(explorer)
        assert after[0] != before[0] and after[1] != before[1], "digit and maps were not redrawn"
        assert_shows(explorer, digit, "conv1", test_labels)


def test_layer_dropdown_redraws_the_maps_with_each_layers_shape(
    notebook, explorer, test_labels, screenshot_dir
):
    dropdown = notebook.control(explorer, "dropdown", "layer").locator("select")
    formula = explorer.locator(".cnn-formula")
    for layer in ("relu1", "pool1", "conv2", "relu2", "pool2", "conv1"):
        before_formula, before_maps = formula.inner_html(), images_src(explorer)[1]
        dropdown.select_option(layer)
        notebook.wait_changed(formula, before_formula)
        notebook.settle(explorer, quiet_ms=200)
        assert images_src(explorer)[1] != before_maps
        assert_shows(explorer, 0, layer, test_labels)
        assert notebook.distorted_images(explorer) == [], f"{layer}: feature maps stretched"
        if layer == "pool2":
            explorer.screenshot(path=screenshot_dir / "05_feature_maps_pool2.png")
