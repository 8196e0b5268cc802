"""The labelled digits of notebook 05, split into train and test as tensors.

Images are float32 tensors of shape (N, 1, H, W) with values in [0, 1]; labels are
int64 class numbers. The raw arrays come from :mod:`cnn_lib.data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from cnn_lib.data import (
    MNIST_SIZE,
    frame_digits,
    load_digits,
    load_mnist,
    load_mnist5k,
    resize_images,
)

DIGITS_TEST_FRACTION = 0.2  # 360 of the 1,797 digits (1,000 of mnist5k's 5,000) are held out
DIGITS_SPLIT_SEED = 0  # fixed, so every notebook and test sees the same held-out digits
# The labelled digit data sets and their native sizes (what image_size=None gives).
DIGIT_SIZES = {"digits": 8, "mnist5k": MNIST_SIZE, "mnist": MNIST_SIZE}


@dataclass
class DigitsSplit:
    """Labelled digits as tensors: a train/test split, images (N, 1, H, W) in [0, 1], int64 labels."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    dataset: str = "digits"

    @property
    def train(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(train_images, train_labels)``."""
        return self.train_images, self.train_labels

    @property
    def test(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(test_images, test_labels)``."""
        return self.test_images, self.test_labels


def digit_split(
    dataset: str = "digits",
    image_size: int | None = None,
    test_fraction: float = DIGITS_TEST_FRACTION,
    seed: int = DIGITS_SPLIT_SEED,
    root: str | Path = "data",
    download: bool = True,
) -> DigitsSplit:
    """Return a labelled digit data set split into train and test, images at ``image_size``.

    ``digits`` (8×8) and ``mnist5k`` (28×28) are split at random with each class in the
    same share (``test_fraction``, ``seed``); ``mnist`` keeps its published split (60,000
    train, 10,000 t10k), read from ``root`` (downloaded by torchvision when missing).
    ``image_size=None`` keeps the native size. Digits are enlarged by bilinear interpolation;
    MNIST digits are framed as LeNet read them (:func:`cnn_lib.data.frame_digits`).
    """
    from sklearn.model_selection import train_test_split

    if dataset not in DIGIT_SIZES:
        raise ValueError(
            f"dataset must be one of {', '.join(DIGIT_SIZES)} (labelled digits), got {dataset!r}."
        )
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}.")
    size = DIGIT_SIZES[dataset] if image_size is None else image_size
    as_images = lambda a: torch.from_numpy(np.ascontiguousarray(a))[:, None]  # noqa: E731
    if dataset == "mnist":
        (train_x, train_y), (test_x, test_y) = (
            load_mnist(part, root, download) for part in ("train", "test")
        )
        train_x, test_x = (frame_digits(x / np.float32(255), size) for x in (train_x, test_x))
    else:
        images, labels = load_digits() if dataset == "digits" else load_mnist5k()
        images = resize_images(images, size) if dataset == "digits" else frame_digits(images, size)
        train_x, test_x, train_y, test_y = train_test_split(
            images, labels, test_size=test_fraction, random_state=seed, stratify=labels
        )
    return DigitsSplit(
        as_images(train_x),
        torch.from_numpy(train_y),
        as_images(test_x),
        torch.from_numpy(test_y),
        dataset,
    )
