"""Static matplotlib figures of notebook 01: photos and feature maps side by side."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_images"]


def plot_images(images, titles, *, signed=None, columns: int | None = None, size: float = 2.6):
    """Return a figure showing each image with its title; ``signed[n]`` draws image n with 0 as mid-grey.

    Signed maps (edge responses) are scaled to ±(99th percentile of |value|), so a
    few strong edges do not wash out the rest; other images are shown in [0, 1].
    """
    import matplotlib.pyplot as plt

    images = [np.asarray(image, dtype=float) for image in images]
    if len(images) == 0 or len(images) != len(titles):
        raise ValueError(f"give one title per image: {len(images)} images, {len(titles)} titles.")
    signed = [False] * len(images) if signed is None else list(signed)
    columns = columns or len(images)
    rows = -(-len(images) // columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(size * columns, size * rows + 0.3), squeeze=False
    )
    for axis in axes.flat:
        axis.axis("off")
    for axis, image, title, is_signed in zip(axes.flat, images, titles, signed, strict=False):
        if is_signed:
            bound = float(np.percentile(np.abs(image), 99)) or 1.0
            shown = np.clip(image / bound, -1, 1) / 2 + 0.5
        else:
            shown = np.clip(image, 0, 1)
        axis.imshow(shown, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axis.set_title(title, fontsize=11)
    figure.tight_layout()
    return figure
