"""Every number notebooks 01 and 02 teach, checked against PyTorch (the notebooks print the same numbers)."""

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.arithmetic import conv_output_size, effective_kernel_size
from cnn_lib.data import load_photo
from cnn_lib.ops.kernels import kernel
from tests.torch_oracles import torch_conv_size


@pytest.mark.parametrize(
    "k, s, p, at_224, at_32",
    [
        (3, 1, 1, 224, 32),
        (1, 1, 0, 224, 32),
        (3, 2, 1, 112, 16),
        (4, 2, 1, 112, 16),
        (7, 2, 3, 112, 16),
        (11, 4, 2, 55, 7),
    ],
)
def test_common_configurations_table(k, s, p, at_224, at_32):
    assert conv_output_size(224, k, s, p) == torch_conv_size(224, k, s, p) == at_224
    assert conv_output_size(32, k, s, p) == torch_conv_size(32, k, s, p) == at_32


@pytest.mark.parametrize(
    "i, k, s, p, right, typo", [(7, 3, 1, 1, 7, 4), (9, 3, 3, 0, 3, 4), (8, 4, 2, 1, 4, 4)]
)
def test_the_slash_two_typo_is_right_only_for_stride_two(i, k, s, p, right, typo):
    assert conv_output_size(i, k, s, p) == torch_conv_size(i, k, s, p) == right
    assert (i + 2 * p - k) // 2 + 1 == typo


def test_counting_window_starts_gives_the_formula():
    assert list(range(0, 7 + 2 - 3 + 1, 2)) == [0, 2, 4, 6]
    assert torch_conv_size(7, 3, 2, 1) == 4
    assert torch_conv_size(8, 3, 2, 0) == 3  # the last column is never read


@pytest.mark.parametrize("d, span, size", [(1, 3, 7), (2, 5, 5), (3, 7, 3)])
def test_dilation_spans_and_sizes(d, span, size):
    assert effective_kernel_size(3, d) == span
    assert conv_output_size(9, 3, d=d) == torch_conv_size(9, 3, d=d) == size


@pytest.mark.parametrize("k, valid", [(3, 8), (5, 6), (7, 4)])
def test_same_keeps_the_size_and_valid_shrinks_it(k, valid):
    x = torch.zeros(1, 1, 10, 10)
    assert torch.nn.Conv2d(1, 1, k, padding="same")(x).shape[-1] == 10
    assert torch.nn.Conv2d(1, 1, k, padding=(k - 1) // 2)(x).shape[-1] == 10
    assert (
        torch.nn.Conv2d(1, 1, k, padding="valid")(x).shape[-1] == conv_output_size(10, k) == valid
    )


def test_torch_refuses_same_padding_with_a_stride():
    with pytest.raises(ValueError, match="strided"):
        torch.nn.Conv2d(1, 1, 3, stride=2, padding="same")


def test_the_900_combination_grid_agrees_747_times_and_both_refuse_153():
    agreed = refused = 0
    for i, k, s, p, d in itertools.product(range(1, 11), range(1, 6), (1, 2, 3), (0, 1, 2), (1, 2)):
        try:
            expected = torch_conv_size(i, k, s, p, d)
        except RuntimeError:
            with pytest.raises(ValueError):
                conv_output_size(i, k, s, p, d)
            refused += 1
            continue
        assert conv_output_size(i, k, s, p, d) == expected
        agreed += 1
    assert (agreed, refused) == (747, 153)


def test_notebook_02_exercise_answers():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 1, 5), torch.nn.Conv2d(1, 1, 3, stride=2, padding=1)
    )
    assert net(torch.zeros(1, 1, 28, 28)).shape[-1] == 12
    assert all(torch_conv_size(i, 3, 2, 1) == math.ceil(i / 2) for i in range(1, 21))
    halving = [
        (k, s, p)
        for k in range(1, 8)
        for s in range(1, 5)
        for p in range(4)
        if torch_conv_size(64, k, s, p) == 32
    ]
    assert halving == [(1, 2, 0), (2, 2, 0), (3, 2, 1), (4, 2, 1), (5, 2, 2), (6, 2, 2), (7, 2, 3)]
    assert torch_conv_size(10, 3, d=4) == 2
    with pytest.raises(RuntimeError):
        torch_conv_size(10, 3, d=5)


def test_torch_computes_cross_correlation_not_convolution():
    signal, k1 = np.array([0.0, 0, 1, 2, 3, 0, 0]), np.array([1.0, 0, -1])
    ours = F.conv1d(torch.tensor(signal)[None, None], torch.tensor(k1)[None, None])[0, 0].numpy()
    np.testing.assert_array_equal(ours, np.correlate(signal, k1, "valid"))
    np.testing.assert_array_equal(ours, [-1, -2, -2, 2, 3])
    np.testing.assert_array_equal(np.convolve(signal, k1, "valid"), -ours)


def torch_map(image, w, stride=1):
    return F.conv2d(
        torch.from_numpy(np.ascontiguousarray(image))[None, None],
        torch.from_numpy(w)[None, None],
        stride=stride,
    )[0, 0].numpy()


@pytest.mark.parametrize("shift", [1, 2, 3])
def test_stride_one_feature_maps_shift_with_the_input(shift):
    photo, w = load_photo(size=64), kernel("Sobel x")
    np.testing.assert_allclose(
        torch_map(photo[:, shift:], w), torch_map(photo, w)[:, shift:], atol=1e-12
    )


@pytest.mark.parametrize("shift, match", [(1, None), (2, 1), (3, None), (4, 2)])
def test_stride_two_keeps_only_even_shifts(shift, match):
    photo, w = load_photo(size=64), kernel("Sobel x")
    strided, moved = torch_map(photo, w, 2), torch_map(photo[:, shift:], w, 2)
    matches = [m for m in range(4) if np.allclose(moved[:, :20], strided[:, m : m + 20])]
    assert matches == ([] if match is None else [match])


def test_zero_padding_makes_a_false_edge_at_the_border():
    photo = torch.from_numpy(load_photo(size=64))[None, None]
    laplacian = torch.from_numpy(kernel("Laplacian"))[None, None]
    ratios = {}
    for mode in ("zeros", "reflect", "replicate"):
        layer = torch.nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode, bias=False).double()
        layer.weight.data = laplacian
        out = layer(photo)[0, 0].detach().abs().numpy()
        border = np.concatenate([out[0], out[-1], out[:, 0], out[:, -1]])
        ratios[mode] = border.mean() / out[1:-1, 1:-1].mean()
    assert ratios["zeros"] > 1.5 and ratios["reflect"] < 1.0 and ratios["replicate"] < 1.0


def test_symmetric_classic_kernels_are_the_same_under_convolution():
    from cnn_lib.ops.kernels import KERNELS

    symmetric = [name for name, w in KERNELS.items() if np.array_equal(w, w[::-1, ::-1])]
    assert symmetric == ["identity", "box blur", "Gaussian blur", "sharpen", "Laplacian", "outline"]
    photo = torch.from_numpy(load_photo(size=16))[None, None]
    for name in KERNELS:
        w = torch.from_numpy(kernel(name))[None, None]
        same = torch.allclose(F.conv2d(photo, w), F.conv2d(photo, w.flip(-1, -2)))
        assert same == (name in symmetric)


def test_a_resnet_body_keeps_the_shape_so_y_equals_x_plus_f_of_x_exists():
    # Notebook 02's skip-connection cell: F(x) of a 3×3, p = 1 body has x's shape; a stride-2
    # block halves it, and a 1×1, stride-2 convolution on the skip path brings x to that shape.
    body = torch.nn.Sequential(
        torch.nn.Conv2d(64, 64, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(64, 64, 3, padding=1),
    )
    x = torch.randn(1, 64, 56, 56, generator=torch.Generator().manual_seed(0))
    assert (x + body(x)).shape == x.shape == body(x).shape
    halving = torch.nn.Conv2d(64, 128, 3, stride=2, padding=1)(x)
    shortcut = torch.nn.Conv2d(64, 128, 1, stride=2)(x)
    assert halving.shape == shortcut.shape == (1, 128, 28, 28)
    assert conv_output_size(56, 1, 2, 0) == conv_output_size(56, 3, 2, 1) == 28
    with pytest.raises(RuntimeError):
        x + halving  # without the shortcut the sum does not exist
