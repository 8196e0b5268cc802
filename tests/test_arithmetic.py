"""cnn_lib.arithmetic against what torch.nn actually produces, accepted and refused alike."""

import itertools

import pytest
import torch
import torch.nn.functional as F

from cnn_lib.arithmetic import (
    conv_output_size,
    effective_kernel_size,
    pool_output_size,
    substituted_formula,
    transposed_output_size,
)
from tests.torch_oracles import (
    refused_as_none,
    torch_conv_size,
    torch_pool_size,
    torch_transposed_size,
)

SIZES = range(1, 17)
KERNELS = range(1, 8)
STRIDES = range(1, 5)
PADDINGS = range(0, 4)
DILATIONS = range(1, 4)


def ours(function, *args):
    try:
        return function(*args)
    except ValueError:
        return None


def test_conv_output_size_matches_torch_on_every_small_combination():
    mismatches = []
    for i, k, s, p, d in itertools.product(SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS):
        expected = refused_as_none(torch_conv_size, i, k, s, p, d)
        if ours(conv_output_size, i, k, s, p, d) != expected:
            mismatches.append((i, k, s, p, d, expected))
    assert not mismatches, mismatches[:10]


def test_transposed_output_size_matches_torch_on_every_small_combination():
    mismatches = []
    combos = itertools.product(SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS, range(0, 4))
    for i, k, s, p, d, op in combos:
        expected = refused_as_none(torch_transposed_size, i, k, s, p, d, op)
        if ours(transposed_output_size, i, k, s, p, d, op) != expected:
            mismatches.append((i, k, s, p, d, op, expected))
    assert not mismatches, mismatches[:10]


def test_pool_output_size_matches_torch_on_every_small_combination():
    mismatches = []
    combos = itertools.product(SIZES, KERNELS, STRIDES, PADDINGS, DILATIONS, (False, True))
    for i, k, s, p, d, ceil_mode in combos:
        expected = refused_as_none(torch_pool_size, i, k, s, p, d, ceil_mode)
        if ours(pool_output_size, i, k, s, p, d, ceil_mode) != expected:
            mismatches.append((i, k, s, p, d, ceil_mode, expected))
    assert not mismatches, mismatches[:10]


def test_pool_output_size_defaults_stride_to_kernel_like_torch():
    x = torch.zeros(1, 1, 9, 9)
    assert pool_output_size(9, 2) == F.max_pool2d(x, 2).shape[2] == 4


def test_pool_output_size_ceil_mode_drops_window_starting_in_padding():
    # i=5, k=2, s=2, p=1: ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but the 4th window would start at
    # padded index 6, in the right padding, so torch gives 3.
    assert torch_pool_size(5, 2, 2, 1, 1, True) == 3
    assert pool_output_size(5, 2, 2, 1, 1, ceil_mode=True) == 3


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: conv_output_size(0, 3), "i"),
        (lambda: conv_output_size(5, 0), "k"),
        (lambda: conv_output_size(5, 3, s=0), "s"),
        (lambda: conv_output_size(5, 3, p=-1), "p"),
        (lambda: conv_output_size(5, 3, d=0), "d"),
        (lambda: conv_output_size(5.5, 3), "i"),
        (lambda: conv_output_size(5, True), "k"),
        (lambda: conv_output_size(3, 5), "k"),
        (lambda: transposed_output_size(4, 3, s=2, output_padding=2), "output_padding"),
        (lambda: transposed_output_size(1, 1, p=1), "p"),
        (lambda: pool_output_size(8, 3, p=2), "p"),
        (lambda: pool_output_size(1, 3, s=1), "k"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(call, parameter):
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    assert message.startswith(f"{parameter} ") or message.startswith(f"{parameter}="), message


def test_kernel_too_large_message_shows_the_substituted_formula():
    with pytest.raises(ValueError, match=r"o = ⌊\(3 \+ 2·0 − 5\)/1⌋ \+ 1 = −1"):
        conv_output_size(3, 5)


def test_substituted_formula_text_for_the_classic_example():
    assert substituted_formula("conv", 7, 3, 2, 1) == "o = ⌊(7 + 2·1 − 3)/2⌋ + 1 = 4"
    assert conv_output_size(7, 3, 2, 1) == 4


def test_substituted_formula_shows_dilation_only_when_d_above_one():
    assert "(3 − 1)" not in substituted_formula("conv", 9, 3, 1, 0, 1)
    assert substituted_formula("conv", 9, 3, 1, 0, 2) == "o = ⌊(9 + 2·0 − 2·(3 − 1) − 1)/1⌋ + 1 = 5"


def test_substituted_formula_for_transposed_and_pool():
    assert substituted_formula("transposed", 4, 4, 2, 1) == "o = (4 − 1)·2 − 2·1 + 4 = 8"
    assert substituted_formula("transposed", 3, 3, 2, 1, output_padding=1).endswith("+ 1 = 6")
    assert substituted_formula("pool", 9, 2, None) == "o = ⌊(9 + 2·0 − 2)/2⌋ + 1 = 4"
    assert substituted_formula("pool", 9, 2, 2, ceil_mode=True).startswith("o = ⌈")


def test_substituted_formula_latex_uses_frac_and_floor():
    latex = substituted_formula("conv", 7, 3, 2, 1, latex=True)
    assert r"\frac{7 + 2 \cdot 1 - 3}{2}" in latex and r"\lfloor" in latex and latex.endswith("= 4")


def test_effective_kernel_size_is_dilated_span():
    assert effective_kernel_size(3, 1) == 3
    assert effective_kernel_size(3, 2) == 5
    assert effective_kernel_size(5, 3) == 13
