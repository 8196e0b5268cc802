"""Feature maps and digits as PNG bytes, for notebook 05's explorer: a stack of maps tiled, one digit enlarged."""

from __future__ import annotations

import numpy as np

from cnn_lib.draw.base import array_to_png

__all__ = ["feature_maps_png", "digit_png"]

GAP_VALUE = 0.75  # light grey between tiles, so black (zero) maps still show their edges


def feature_maps_png(maps, columns: int = 8, tile: int = 64, gap: int = 4) -> bytes:
    """Return PNG bytes of a (C, H, W) stack tiled ``columns`` wide, each map on its own scale.

    Non-negative maps (after ReLU or pooling) run from black (0) to white (their
    maximum); signed maps (straight out of a convolution) put 0 at mid-grey.
    Each map is enlarged to about ``tile`` pixels, nearest neighbour.
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3 or maps.size == 0:
        raise ValueError(f"maps must have shape (C, H, W), got {maps.shape}.")
    if not np.all(np.isfinite(maps)):
        raise ValueError("maps contain NaN or infinite values; check the model's weights.")
    count, height, width = maps.shape
    scale = max(1, tile // max(height, width))
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    side_h, side_w = height * scale, width * scale
    canvas = np.full((rows * (side_h + gap) - gap, columns * (side_w + gap) - gap), GAP_VALUE)
    for index, feature_map in enumerate(maps):
        if feature_map.min() < 0:
            bound = np.abs(feature_map).max()
            shown = feature_map / (2 * bound) + 0.5
        else:
            peak = feature_map.max()
            shown = feature_map / peak if peak > 0 else feature_map
        row, col = divmod(index, columns)
        top, left = row * (side_h + gap), col * (side_w + gap)
        enlarged = shown.repeat(scale, axis=0).repeat(scale, axis=1)
        canvas[top : top + side_h, left : left + side_w] = enlarged
    return array_to_png(canvas, vmin=0, vmax=1)


def digit_png(image, size: int = 128) -> bytes:
    """Return PNG bytes of one digit (H, W) or (1, H, W) in [0, 1], enlarged to about ``size`` pixels."""
    image = np.asarray(image, dtype=float)
    if image.ndim == 3 and image.shape[0] == 1:
        image = image[0]
    if image.ndim != 2:
        raise ValueError(f"image must have shape (H, W) or (1, H, W), got {image.shape}.")
    return array_to_png(image, vmin=0, vmax=1, scale=max(1, size // max(image.shape)))
