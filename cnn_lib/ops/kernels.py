"""The classic hand-made 3×3 kernels of image processing, before networks learned their own (notebook 01).

Each kernel is a float64 (3, 3) array used as PyTorch uses weights: cross-correlation,
so the kernel is laid over the image as printed (not flipped). Sobel x responds to
intensity changing from left to right (vertical edges), Sobel y from top to bottom.
:func:`random_crops` cuts the training images for learning a kernel by gradient descent
(the loop itself stays in the notebook, where the learner reads it).
"""

from __future__ import annotations

import numpy as np

from cnn_lib.ops.conv import conv2d

__all__ = ["KERNELS", "INTEGER_KERNELS", "apply_kernel", "kernel", "random_crops"]

KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
    "outline": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
}
for _weights in KERNELS.values():
    _weights.flags.writeable = False  # shared constants: callers get copies from kernel()

# Kernels whose weights are whole numbers: their products stay readable in the step-through.
INTEGER_KERNELS = tuple(name for name, w in KERNELS.items() if np.all(w == np.round(w)))


def kernel(name: str) -> np.ndarray:
    """Return a writable copy of the classic kernel called ``name`` (a key of :data:`KERNELS`)."""
    if name not in KERNELS:
        raise ValueError(f"kernel name {name!r} is unknown; choose one of {', '.join(KERNELS)}.")
    return KERNELS[name].copy()


def apply_kernel(image, w, padding: int = 0) -> np.ndarray:
    """Return ``image`` (H, W) or (H, W, 3) cross-correlated with the 2-D kernel ``w``, channel by channel.

    A colour image gets the same kernel on each channel (a "depthwise" filter), so
    the result is a colour image again; :func:`cnn_lib.ops.conv.conv2d` does the work.
    """
    image, w = np.asarray(image, dtype=float), np.asarray(w, dtype=float)
    if w.ndim != 2:
        raise ValueError(f"w must be a 2-D kernel such as a (3, 3) array, got shape {w.shape}.")
    if image.ndim == 2:
        return conv2d(image[None, None], w[None, None], padding=padding)[0, 0]
    if image.ndim == 3 and image.shape[2] == 3:
        channels = image.transpose(2, 0, 1)[:, None]  # each channel as its own one-channel image
        return conv2d(channels, w[None, None], padding=padding)[:, 0].transpose(1, 2, 0)
    raise ValueError(f"image must have shape (H, W) or (H, W, 3), got {image.shape}.")


def random_crops(image, count: int, size: int, seed: int = 0) -> np.ndarray:
    """Return ``count`` random ``size × size`` crops of a 2-D image as a float32 (count, 1, size, size) batch."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2:
        raise ValueError(f"image must be a 2-D grayscale array, got shape {image.shape}.")
    for name, value in (("count", count), ("size", size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}.")
    if size > min(image.shape):
        raise ValueError(
            f"size={size} is larger than the image {image.shape}; use size ≤ {min(image.shape)}."
        )
    rng = np.random.default_rng(seed)
    tops = rng.integers(0, image.shape[0] - size + 1, count)
    lefts = rng.integers(0, image.shape[1] - size + 1, count)
    crops = [
        image[top : top + size, left : left + size] for top, left in zip(tops, lefts, strict=True)
    ]
    return np.stack(crops)[:, None]
