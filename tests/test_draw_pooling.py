"""Pooling figures: drawn for valid settings, refused with pool2d's message for invalid ones."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.draw.pooling import draw_pooling, draw_unpooling, pool_grid, pooled_photo_png

X = np.random.default_rng(0).integers(0, 10, (6, 6)).astype(float)


@pytest.mark.parametrize("mode", ["max", "avg", "min", "lp"])
def test_draw_pooling_writes_the_output_size_for_every_mode(mode):
    picture = draw_pooling(X, 2, 2, 0, mode)
    assert picture.startswith("<svg") and f"{mode} pool → 3×3" in picture


def test_draw_pooling_shows_the_padding_value_of_max_pooling():
    assert "−∞" in draw_pooling(X, 3, 2, 1, "max") and "+∞" in draw_pooling(X, 3, 2, 1, "min")


def test_draw_pooling_says_when_windows_overlap():
    assert "windows overlap" in draw_pooling(X, 3, 2)
    assert "windows tile" in draw_pooling(X, 2, 2)


def test_draw_pooling_refuses_padding_over_half_the_window():
    with pytest.raises(ValueError, match="p ≤ ⌊k/2⌋"):
        draw_pooling(X, 2, 2, 2)


def test_pool_grid_min_equals_negated_torch_max_pool_of_negated_input():
    expected = -F.max_pool2d(-torch.from_numpy(X)[None, None], 3, 2, 1)[0, 0].numpy()
    np.testing.assert_array_equal(pool_grid(X, 3, 2, 1, "min"), expected)


def test_draw_unpooling_draws_four_panels_from_torch_indices():
    values, indices = F.max_pool2d(torch.from_numpy(X)[None, None], 2, return_indices=True)
    unpooled = F.max_unpool2d(values, indices, 2)[0, 0].numpy()
    picture = draw_unpooling(X, values[0, 0].numpy(), indices[0, 0].numpy(), unpooled)
    assert "max-unpool" in picture and "indices" in picture


def test_draw_unpooling_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="2-D grids"):
        draw_unpooling(X, np.zeros((3, 3)), np.zeros((2, 2)), X)


def test_pooled_photo_png_returns_png_bytes_and_the_pooled_shape():
    png, shape = pooled_photo_png(np.random.default_rng(1).random((32, 32)), 2)
    assert png.startswith(b"\x89PNG") and shape == (16, 16)
