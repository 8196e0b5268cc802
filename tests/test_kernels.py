"""The classic kernels, apply_kernel checked against torch.nn.functional.conv2d, and learning Sobel x from crops."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.data import load_photo
from cnn_lib.ops.kernels import INTEGER_KERNELS, KERNELS, apply_kernel, kernel, random_crops

NAMES = [
    "identity",
    "box blur",
    "Gaussian blur",
    "sharpen",
    "Sobel x",
    "Sobel y",
    "Laplacian",
    "emboss",
    "outline",
]


def test_the_nine_classic_kernels_are_there_and_3x3():
    assert list(KERNELS) == NAMES
    assert all(w.shape == (3, 3) for w in KERNELS.values())


@pytest.mark.parametrize(
    "name, total",
    [
        ("identity", 1),
        ("box blur", 1),
        ("Gaussian blur", 1),
        ("sharpen", 1),
        ("Sobel x", 0),
        ("Sobel y", 0),
        ("Laplacian", 0),
        ("emboss", 1),
        ("outline", 0),
    ],
)
def test_blurs_keep_brightness_and_edge_detectors_sum_to_zero(name, total):
    assert KERNELS[name].sum() == pytest.approx(total)


def test_integer_kernels_are_those_with_whole_weights():
    assert "box blur" not in INTEGER_KERNELS and "Sobel x" in INTEGER_KERNELS


def test_kernel_returns_a_writable_copy_and_names_unknown_kernels():
    w = kernel("Sobel x")
    w[0, 0] = 99
    assert KERNELS["Sobel x"][0, 0] == -1
    with pytest.raises(ValueError, match="Sobel z"):
        kernel("Sobel z")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("padding", [0, 1])
def test_apply_kernel_on_the_gray_photo_matches_torch(name, padding):
    photo = load_photo(size=32)
    expected = F.conv2d(
        torch.from_numpy(photo)[None, None],
        torch.from_numpy(kernel(name))[None, None],
        padding=padding,
    )
    np.testing.assert_allclose(
        apply_kernel(photo, kernel(name), padding), expected[0, 0].numpy(), atol=1e-12
    )


def test_apply_kernel_on_colour_filters_each_channel_like_torch_groups():
    photo = load_photo(gray=False, size=24)
    w = kernel("sharpen")
    x = torch.from_numpy(photo).permute(2, 0, 1)[None]
    expected = F.conv2d(x, torch.from_numpy(w).expand(3, 1, 3, 3), groups=3)[0].permute(1, 2, 0)
    np.testing.assert_allclose(apply_kernel(photo, w), expected.numpy(), atol=1e-12)


def test_sobel_x_responds_to_a_vertical_edge_and_not_to_a_horizontal_one():
    step = np.zeros((5, 5))
    step[:, 3:] = 1
    assert np.all(apply_kernel(step, kernel("Sobel x"))[:, 1:] == 4)
    assert np.all(apply_kernel(step.T, kernel("Sobel x")) == 0)


@pytest.mark.parametrize(
    "image, w", [(np.zeros((4, 4, 2)), np.ones((3, 3))), (np.zeros((4, 4)), np.ones(3))]
)
def test_apply_kernel_rejects_bad_shapes(image, w):
    with pytest.raises(ValueError, match="shape"):
        apply_kernel(image, w)


def test_random_crops_are_reproducible_pieces_of_the_image():
    image = np.arange(100, dtype=float).reshape(10, 10)
    crops = random_crops(image, count=5, size=4, seed=3)
    assert crops.shape == (5, 1, 4, 4) and crops.dtype == np.float32
    np.testing.assert_array_equal(crops, random_crops(image, count=5, size=4, seed=3))
    for crop in crops[:, 0]:
        top, left = divmod(int(crop[0, 0]), 10)
        np.testing.assert_array_equal(crop, image[top : top + 4, left : left + 4])


@pytest.mark.parametrize(
    "image, count, size, word",
    [
        (np.zeros((4, 4, 3)), 1, 2, "2-D"),
        (np.zeros((4, 4)), 0, 2, "count"),
        (np.zeros((4, 4)), 1, 5, "size"),
    ],
)
def test_random_crops_refuse_bad_parameters(image, count, size, word):
    with pytest.raises(ValueError, match=word):
        random_crops(image, count, size)


@pytest.mark.slow  # 150 optimiser steps, as in the notebook
def test_gradient_descent_recovers_sobel_x_as_notebook_01_does():
    # The same data, optimiser and quick-run step count as notebook 01's training cell.
    torch.manual_seed(0)
    images = torch.from_numpy(random_crops(load_photo(size=64), count=16, size=24))
    sobel = torch.from_numpy(kernel("Sobel x")).float()[None, None]
    targets = F.conv2d(images, sobel)
    w = torch.randn(1, 1, 3, 3, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.5, momentum=0.9)
    losses = []
    for _ in range(150):
        loss = F.mse_loss(F.conv2d(images, w), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 1e-4 * losses[0]
    assert (w.detach() - sobel).abs().max().item() < 0.05
