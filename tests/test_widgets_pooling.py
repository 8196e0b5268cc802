"""The pooling explorer: moves redraw with PyTorch's numbers; impossible settings show inline and clear."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.ops.pooling import pooling_grid
from cnn_lib.widgets.pooling import PoolingExplorer, torch_pool


@pytest.fixture(scope="module")
def explorer():
    return PoolingExplorer(photo_size=48)


def test_pooling_explorer_carries_its_dom_classes(explorer):
    assert {"cnn-explorer", "cnn-explorer-pooling"} <= set(explorer._dom_classes)


def test_pooling_explorer_default_shows_formula_and_torch_agrees(explorer):
    explorer.set_values(mode="max", i=6, k=2, s=2, p=0, ceil_mode=False)
    assert "o = ⌊(6 + 2·0 − 2)/2⌋ + 1 = 3" in explorer.formula.value
    assert "✓" in explorer.check.value and "max pool → 3×3" in explorer.figure.value


@pytest.mark.parametrize("mode", ["avg", "min", "lp", "max"])
def test_pooling_explorer_mode_change_redraws_and_agrees_with_torch(explorer, mode):
    explorer.set_values(i=7, k=3, s=2, p=0, ceil_mode=False)
    before = explorer.figure.value
    explorer.sliders["mode"].value = mode
    assert f"{mode} pool → 3×3" in explorer.figure.value and "✓" in explorer.check.value
    assert mode == "max" or explorer.figure.value != before


def test_pooling_explorer_ceil_mode_changes_the_size_like_torch(explorer):
    explorer.set_values(mode="max", i=7, k=2, s=2, p=0, ceil_mode=False)
    explorer.sliders["ceil_mode"].value = True
    size = F.max_pool2d(torch.zeros(1, 1, 7, 7), 2, ceil_mode=True).shape[-1]
    assert (
        f"= {size}<" in explorer.formula.value
        and f"max pool → {size}×{size}" in explorer.figure.value
    )


def test_pooling_explorer_shows_too_much_padding_inline_and_recovers(explorer):
    explorer.set_values(mode="max", i=6, k=2, s=2, p=0, ceil_mode=False)
    explorer.sliders["p"].value = 2
    assert "p ≤ ⌊k/2⌋" in explorer.error.value and explorer.check.value == ""
    assert explorer.error.layout.display == "block"
    explorer.sliders["k"].value = 4
    assert explorer.error.value == "" and "✓" in explorer.check.value


def test_pooling_explorer_blanks_the_pooled_photo_while_the_settings_are_impossible(explorer):
    explorer.set_values(mode="max", i=6, k=2, s=2, p=0, ceil_mode=False)
    valid = explorer.pooled_image.value
    explorer.sliders["p"].value = 2
    assert explorer.pooled_image.value == explorer.blank_png != valid
    assert explorer.photo_caption.value == ""
    explorer.sliders["p"].value = 0
    assert explorer.pooled_image.value == valid


def test_pooling_explorer_refuses_padding_for_lp_pooling(explorer):
    explorer.set_values(mode="lp", i=6, k=2, s=2, p=1, ceil_mode=False)
    assert "LPPool2d has no padding" in explorer.error.value
    explorer.set_values(mode="max", p=0)


def test_pooling_explorer_photo_changes_with_the_window(explorer):
    explorer.set_values(mode="max", i=6, k=2, s=2, p=0, ceil_mode=False)
    before = explorer.pooled_image.value
    explorer.sliders["k"].value = 4
    assert explorer.pooled_image.value != before and "48×48 → 23×23" in explorer.photo_caption.value


def test_torch_pool_min_is_negated_max_of_negated_input():
    x = pooling_grid(5)
    np.testing.assert_array_equal(
        torch_pool(x, 2, 1, 0, "min", False), -torch_pool(-x, 2, 1, 0, "max", False)
    )
