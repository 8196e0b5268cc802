"""The three teaching routes of transposed convolution agree with PyTorch (the oracle)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_lib.arithmetic import transposed_output_size
from cnn_lib.ops.transposed import (
    overlap_count,
    transposed_by_matrix,
    transposed_by_scatter,
    transposed_by_zero_insertion,
    transposed_padding,
    upsample_three_ways,
    zero_insert,
)

ROUTES = [transposed_by_scatter, transposed_by_zero_insertion, transposed_by_matrix]


@st.composite
def transposed_cases(draw):
    """Draw (x, w, stride, padding, output_padding, dilation) that PyTorch accepts."""
    k, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w_ = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    p = draw(st.integers(0, 4))
    extra = draw(st.integers(0, max(s, d) - 1))
    try:
        transposed_output_size(h, k, s, p, d, extra)
        transposed_output_size(w_, k, s, p, d, extra)
    except ValueError:
        p = 0  # with p = 0 the output always has at least one pixel
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    x = rng.standard_normal((draw(st.integers(1, 2)), c_in, h, w_))
    weights = rng.standard_normal((c_in, c_out, k, k))
    return x, weights, s, p, extra, d


def torch_transposed(x, w, s, p, extra, d):
    return F.conv_transpose2d(
        torch.from_numpy(x),
        torch.from_numpy(w),
        stride=s,
        padding=p,
        output_padding=extra,
        dilation=d,
    ).numpy()


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.__name__)
@settings(max_examples=60, deadline=None)
@given(case=transposed_cases())
def test_route_equals_torch_conv_transpose2d(route, case):
    x, w, s, p, extra, d = case
    expected = torch_transposed(x, w, s, p, extra, d)
    result = route(x, w, stride=s, padding=p, output_padding=extra, dilation=d)
    np.testing.assert_allclose(result, expected, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    d=st.integers(1, 3),
    p=st.integers(0, 2),
    size=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_input_gradient_of_conv2d_is_the_transposed_convolution(k, s, d, p, size, seed):
    span = d * (k - 1) + 1
    if span > size + 2 * p:
        return  # no convolution of this size exists, so it has no gradient either
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.standard_normal((1, 2, size, size)), requires_grad=True)
    w = torch.tensor(rng.standard_normal((3, 2, k, k)))
    y = F.conv2d(x, w, stride=s, padding=p, dilation=d)
    upstream = torch.tensor(rng.standard_normal(y.shape))
    (gradient,) = torch.autograd.grad(y, x, upstream)
    # The rows the stride skipped at the end: output_padding restores the input size.
    extra = size - ((y.shape[-1] - 1) * s - 2 * p + d * (k - 1) + 1)
    for route in ROUTES:
        result = route(
            upstream.numpy(), w.numpy(), stride=s, padding=p, output_padding=extra, dilation=d
        )
        np.testing.assert_allclose(result, gradient.numpy(), atol=1e-10)


def test_zero_insert_puts_stride_minus_one_zeros_between_pixels():
    x = np.arange(1, 5, dtype=float).reshape(1, 1, 2, 2)
    expected = [[1, 0, 0, 2], [0, 0, 0, 0], [0, 0, 0, 0], [3, 0, 0, 4]]
    np.testing.assert_array_equal(zero_insert(x, 3)[0, 0], expected)


def test_transposed_padding_is_negative_when_padding_exceeds_the_dilated_kernel():
    assert transposed_padding(3, p=1) == 1
    assert transposed_padding(3, p=0, d=2) == 4
    assert transposed_padding(2, p=3) == -2


def test_zero_insertion_route_crops_when_padding_exceeds_d_times_k_minus_one():
    x = np.random.default_rng(0).standard_normal((1, 1, 6, 6))
    w = np.random.default_rng(1).standard_normal((1, 1, 2, 2))
    expected = torch_transposed(x, w, 2, 3, 1, 1)
    np.testing.assert_allclose(transposed_by_zero_insertion(x, w, 2, 3, 1), expected, atol=1e-12)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.__name__)
def test_route_rejects_output_padding_not_smaller_than_stride(route):
    with pytest.raises(ValueError, match="output_padding"):
        route(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), stride=2, output_padding=2)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.__name__)
def test_route_rejects_weights_with_the_wrong_number_of_input_channels(route):
    with pytest.raises(ValueError, match="input channels"):
        route(np.ones((1, 2, 3, 3)), np.ones((1, 1, 3, 3)))


@pytest.mark.parametrize(
    ("i", "k", "s", "p"), [(4, 3, 2, 0), (5, 4, 2, 1), (3, 5, 3, 2), (6, 3, 1, 1)]
)
def test_overlap_count_equals_torch_transposed_convolution_of_ones(i, k, s, p):
    ones = F.conv_transpose2d(torch.ones(1, 1, i, i), torch.ones(1, 1, k, k), stride=s, padding=p)
    np.testing.assert_array_equal(overlap_count(i, k, s, p), ones[0, 0].numpy().astype(int))


def test_overlap_count_is_uneven_inside_when_stride_does_not_divide_kernel():
    counts = overlap_count(6, 3, 2)
    assert set(np.unique(counts[2:-2, 2:-2])) == {1, 2, 4}


def test_overlap_count_is_even_inside_but_not_at_borders_for_k4_s2():
    counts = overlap_count(6, 4, 2, 1)
    assert np.unique(counts[1:-1, 1:-1]).tolist() == [4]
    assert counts[0, 0] == 1 and counts[0, 3] == 2


def test_overlap_count_rejects_a_zero_kernel():
    with pytest.raises(ValueError, match="k must be at least 1"):
        overlap_count(4, 0)


def test_upsampling_a_flat_image_shows_the_checkerboard_only_for_k3_s2():
    images = upsample_three_ways(np.ones((8, 8)))
    inside = {name: np.unique(np.round(image[2:-2, 2:-2], 9)) for name, image in images.items()}
    assert len(inside["k=3, s=2"]) == 3  # 1, 2 or 4 copies: the checkerboard
    assert inside["k=4, s=2"].tolist() == [1.0] and inside["resize, then 3×3 conv"].tolist() == [
        1.0
    ]
    assert images["k=4, s=2"][0, 0] == 0.25  # the border gets fewer copies


def test_upsampling_k3_equals_torch_conv_transpose2d():
    image = np.random.default_rng(0).random((5, 5))
    expected = F.conv_transpose2d(
        torch.from_numpy(image)[None, None],
        torch.ones(1, 1, 3, 3, dtype=torch.float64) / 2.25,
        stride=2,
        padding=1,
        output_padding=1,
    )[0, 0].numpy()
    np.testing.assert_allclose(upsample_three_ways(image)["k=3, s=2"], expected, atol=1e-12)
