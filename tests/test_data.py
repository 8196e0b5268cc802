"""The offline data: scikit-learn's digits, matplotlib's photo, and resizing digits for bigger networks."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.data import load_digits, load_photo, resize_images


def test_load_digits_gives_1797_images_in_unit_range_with_ten_classes():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.dtype == np.int64 and sorted(set(labels.tolist())) == list(range(10))


def test_load_photo_gray_and_colour_crops():
    gray = load_photo(size=64)
    colour = load_photo(gray=False, size=32)
    assert gray.shape == (64, 64) and colour.shape == (32, 32, 3)
    assert 0 <= gray.min() and gray.max() <= 1
    with pytest.raises(ValueError, match="size"):
        load_photo(size=0)


@pytest.mark.parametrize("size", [8, 16, 32])
def test_resize_images_matches_torch_bilinear_and_keeps_the_range(size):
    images, _ = load_digits()
    resized = resize_images(images[:20], size)
    expected = F.interpolate(
        torch.from_numpy(images[:20])[:, None],
        size=(size, size),
        mode="bilinear",
        align_corners=False,
    )[:, 0].numpy()
    assert resized.shape == (20, size, size) and resized.dtype == np.float32
    np.testing.assert_allclose(resized, expected, atol=1e-6)
    assert resized.min() >= 0 and resized.max() <= 1


def test_resize_images_returns_a_copy_at_the_same_size():
    images, _ = load_digits()
    resized = resize_images(images[:3], 8)
    resized[0, 0, 0] = 99
    assert images[0, 0, 0] != 99


@pytest.mark.parametrize("size", [0, 2.5, True])
def test_resize_images_rejects_a_size_that_is_not_a_positive_integer(size):
    with pytest.raises(ValueError, match="size must be"):
        resize_images(np.zeros((1, 8, 8)), size)


def test_resize_images_rejects_images_without_a_batch_axis():
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        resize_images(np.zeros((8, 8)), 16)
