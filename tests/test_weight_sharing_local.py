"""The locally connected layer and the counts of notebook 06, with PyTorch as the oracle."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnn_lib.layer_cost import count_parameters
from cnn_lib.weight_sharing.counting import (
    convolution_parameters,
    dense_parameters,
    locally_connected_parameters,
)
from cnn_lib.weight_sharing.local import LocallyConnected2d


def loop_reference(layer: LocallyConnected2d, x: torch.Tensor) -> torch.Tensor:
    """The definition, one output value at a time: its window times its own kernel, plus its bias."""
    k, s, o = layer.kernel_size, layer.stride, layer.output_size
    padded = F.pad(x, [layer.padding] * 4)
    weight = layer.weight.reshape(layer.out_channels, o, o, layer.in_channels, k, k)
    out = torch.zeros(len(x), layer.out_channels, o, o, dtype=torch.float64)
    for row in range(o):
        for col in range(o):
            window = padded[:, :, row * s : row * s + k, col * s : col * s + k].double()
            kernels = weight[:, row, col].double()  # (C_out, C_in, k, k)
            out[:, :, row, col] = torch.einsum("nchw,ochw->no", window, kernels)
    if layer.bias is not None:
        out += layer.bias.double()
    return out


layer_settings = st.tuples(
    st.integers(1, 3),  # in_channels
    st.integers(1, 4),  # out_channels
    st.integers(1, 4),  # kernel_size
    st.integers(4, 9),  # input_size
    st.integers(1, 3),  # stride
    st.integers(0, 2),  # padding
    st.booleans(),  # bias
)


@settings(max_examples=25, deadline=None)
@given(layer_settings)
def test_locally_connected_matches_the_loop_reference(options):
    c_in, c_out, k, size, s, p, bias = options
    torch.manual_seed(0)
    layer = LocallyConnected2d(c_in, c_out, k, size, stride=s, padding=p, bias=bias)
    x = torch.randn(2, c_in, size, size)
    expected = loop_reference(layer, x)
    assert layer(x).shape == expected.shape
    torch.testing.assert_close(layer(x).double(), expected, atol=1e-5, rtol=1e-5)


@settings(max_examples=25, deadline=None)
@given(layer_settings)
def test_locally_connected_with_one_shared_kernel_is_conv2d(options):
    c_in, c_out, k, size, s, p, bias = options
    torch.manual_seed(1)
    conv = nn.Conv2d(c_in, c_out, k, stride=s, padding=p, bias=bias)
    layer = LocallyConnected2d.from_conv(conv, size)
    x = torch.randn(3, c_in, size, size)
    torch.testing.assert_close(layer(x), conv(x), atol=1e-5, rtol=1e-5)


@settings(max_examples=25, deadline=None)
@given(layer_settings)
def test_parameter_count_formula_matches_the_layer(options):
    c_in, c_out, k, size, s, p, bias = options
    layer = LocallyConnected2d(c_in, c_out, k, size, stride=s, padding=p)
    assert count_parameters(layer) == locally_connected_parameters(size, k, c_in, c_out, p, s)


def test_the_three_counts_of_the_argument_match_the_modules():
    assert dense_parameters(28) == 615_440 == count_parameters(nn.Linear(784, 784))
    local = LocallyConnected2d(1, 1, 3, 28, padding=1)
    assert locally_connected_parameters(28, 3, padding=1) == 28 * 28 * 9 + 28 * 28
    assert count_parameters(local) == 7_840
    assert convolution_parameters(3) == 10 == count_parameters(nn.Conv2d(1, 1, 3))
    assert convolution_parameters(3, 16, 32) == count_parameters(nn.Conv2d(16, 32, 3))


def test_initialisation_is_like_conv2d_not_standard_normal():
    torch.manual_seed(0)
    layer = LocallyConnected2d(16, 32, 3, 14, padding=1)
    bound = 1 / math.sqrt(16 * 9)
    assert layer.weight.abs().max() <= bound
    assert layer.bias.abs().max() <= bound
    # a uniform distribution on ±bound has standard deviation bound/√3, as conv2d's weights do
    conv = nn.Conv2d(16, 32, 3)
    assert layer.weight.std().item() == pytest.approx(conv.weight.std().item(), rel=0.1)


def test_kernels_at_different_positions_start_different():
    layer = LocallyConnected2d(1, 1, 3, 8)
    assert not torch.allclose(layer.weight[0, 0], layer.weight[0, 1])


@pytest.mark.parametrize(
    "arguments, word",
    [
        ((0, 1, 3, 8), "in_channels"),
        ((1, 1, 3.0, 8), "kernel_size"),
        ((1, 1, 3, 8, 0), "stride"),
        ((1, 1, 3, 8, 1, -1), "padding"),
        ((1, 1, 9, 8), "kernel_size"),
    ],
)
def test_bad_arguments_are_refused_with_their_name(arguments, word):
    with pytest.raises(ValueError, match=word):
        LocallyConnected2d(*arguments)


def test_input_of_another_size_is_refused_with_the_size_expected():
    layer = LocallyConnected2d(1, 4, 3, 8)
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\)"):
        layer(torch.zeros(2, 1, 9, 9))
