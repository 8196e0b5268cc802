"""Pooling teaching helpers: shift tolerance, window coverage and parameter counts, PyTorch as the oracle."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.layer_cost import count_parameters, model_cost
from cnn_lib.pooling import (
    HEADS,
    photo_feature_map,
    shift_change,
    small_cnn,
    window_coverage,
)


@pytest.fixture(scope="module")
def feature_map():
    return photo_feature_map(128)


def test_shift_change_is_zero_without_a_shift(feature_map):
    assert shift_change(feature_map, 0, k=2) == 0.0


def test_shift_change_equals_the_same_measure_with_torch_max_pool(feature_map):
    t = torch.from_numpy(feature_map)[None, None]
    width = (128 - 1) // 2 * 2
    a = F.max_pool2d(t[..., 1 : 1 + width], 2)
    b = F.max_pool2d(t[..., :width], 2)
    expected = ((b - a).abs().sum() / a.abs().sum()).item()
    assert shift_change(feature_map, 1, k=2) == pytest.approx(expected)


def test_max_pooling_shrinks_the_change_of_a_one_pixel_shift(feature_map):
    changes = [shift_change(feature_map, 1, k) for k in (1, 2, 4)]
    assert changes[0] > changes[1] > changes[2]
    assert [round(change, 2) for change in changes] == [1.08, 0.69, 0.32]


def test_shift_change_of_stripes_shows_aliasing():
    stripes = np.tile([0.0, 0.0, 1.0, 1.0], (8, 4))
    # Width-2 stripes, 2×2 max pool: a shift of 2 swaps every pooled value, so
    # pooling helps no more than no pooling at all (both change by 1.75).
    assert shift_change(stripes, 2, k=2) == shift_change(stripes, 2, k=1) == pytest.approx(1.75)
    assert shift_change(stripes, 1, k=2) == pytest.approx(4 / 7)


def test_shift_change_rejects_a_shift_wider_than_the_map():
    with pytest.raises(ValueError, match="shift"):
        shift_change(np.ones((4, 4)), 4, k=2)


@pytest.mark.parametrize(("i", "k", "s"), [(8, 2, 2), (8, 3, 2), (9, 3, 3), (7, 3, 1)])
def test_window_coverage_equals_torch_gradient_of_summed_windows(i, k, s):
    x = torch.ones(1, 1, 1, i, requires_grad=True)
    F.avg_pool2d(x, (1, k), (1, s)).sum().backward()
    np.testing.assert_array_equal(
        window_coverage(i, k, s), (x.grad[0, 0, 0] * k).round().int().numpy()
    )


def test_window_coverage_of_non_overlapping_windows_is_one():
    assert window_coverage(8, 2).tolist() == [1] * 8


@pytest.mark.parametrize(
    ("head", "total", "last"),
    [(HEADS[0], 255690, 250890), (HEADS[1], 20490, 15690), (HEADS[2], 5130, 330)],
)
def test_parameter_counts_of_the_small_network(head, total, last):
    model = small_cnn(head)
    rows = model_cost(model, (1, 28, 28))
    assert sum(row.parameters for row in rows) == total == count_parameters(model)
    assert rows[-1].output_shape == (10,) and rows[-1].parameters == last


def test_pooling_layers_have_no_parameters():
    rows = model_cost(small_cnn(HEADS[1]), (1, 28, 28))
    assert [row.parameters for row in rows if "MaxPool2d" in row.name] == [0, 0]


def test_global_average_head_accepts_any_input_size():
    model = small_cnn(HEADS[2])
    assert model(torch.zeros(2, 1, 60, 44)).shape == (2, 10)


def test_small_cnn_rejects_an_unknown_head():
    with pytest.raises(ValueError, match="head must be one of"):
        small_cnn("average")
