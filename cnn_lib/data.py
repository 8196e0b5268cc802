"""Data sets that need no download: scikit-learn's digits and matplotlib's sample photo."""

from __future__ import annotations

import numpy as np

DIGITS_ATTRIBUTION = (
    "Handwritten digits: the UCI 'Optical Recognition of Handwritten Digits' data set "
    "(Alpaydin & Kaynak, 1998), as shipped by scikit-learn (sklearn.datasets.load_digits)."
)
PHOTO_ATTRIBUTION = (
    "Photo: 'grace_hopper.jpg', the portrait of Rear Admiral Grace Hopper that ships with "
    "matplotlib's sample data (U.S. Navy photo, public domain)."
)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return scikit-learn's 1,797 digits as float32 images in [0, 1], shape (N, 8, 8), and int64 labels."""
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    images = (bunch.images / 16.0).astype(np.float32)
    return images, bunch.target.astype(np.int64)


def load_photo(gray: bool = True, size: int | None = None) -> np.ndarray:
    """Return matplotlib's sample photo as float64 in [0, 1]: (H, W) if gray else (H, W, 3).

    ``size`` crops the centre square and resizes it to ``size × size`` pixels.
    """
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as file:
        image = Image.open(file).convert("L" if gray else "RGB")
        image.load()
    if size is not None:
        if not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive integer number of pixels, got {size!r}.")
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 4
        image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.LANCZOS)
    return np.asarray(image, dtype=np.float64) / 255.0


def resize_images(images: np.ndarray, size: int) -> np.ndarray:
    """Return ``images`` (N, H, W) resized to (N, size, size) by bilinear interpolation, as float32.

    The digits are 8×8; networks that want more pixels (notebook 05 at 16×16, the
    DCGAN at 32×32) see the same strokes, smoothly enlarged.
    """
    import torch
    import torch.nn.functional as F

    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive whole number of pixels, got {size!r}.")
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), got shape {images.shape}.")
    if images.shape[1:] == (size, size):
        return images.copy()
    tensor = torch.from_numpy(images)[:, None]
    resized = F.interpolate(tensor, size=(size, size), mode="bilinear", align_corners=False)
    # Bilinear weights are a convex combination, so values stay within the input's range.
    return resized[:, 0].numpy()
