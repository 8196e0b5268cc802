"""PNG pictures of the latent explorers (notebook 07): a walk through z, and digit arithmetic.

Pure numpy → PNG (through :func:`~cnn_lib.draw.base.array_to_png`), so an explorer's redraw is
a few milliseconds and the pictures can be tested without a browser. Images come in as
arrays in [0, 1], (N, H, W) for grey or (N, H, W, 3) for colour.
"""

from __future__ import annotations

import numpy as np

from cnn_lib.draw.base import array_to_png
from cnn_lib.palette import HIGHLIGHT_COLOR

BIG_IMAGE = 128  # pixels for the image being looked at
BORDER = 2  # the highlight frame around the current step of the walk


def _rgb(images) -> np.ndarray:
    """Return images in [0, 1] as (N, H, W, 3) floats; refuse other shapes in one sentence."""
    images = np.asarray(images, dtype=float)
    if images.ndim == 3:
        images = np.repeat(images[..., None], 3, axis=3)
    if images.ndim != 4 or images.shape[3] != 3 or len(images) == 0:
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, 3) with N ≥ 1, got {images.shape}."
        )
    return images


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255


def _enlarged(image: np.ndarray, scale: int) -> np.ndarray:
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def walk_png(images, current: int, big: int = BIG_IMAGE) -> bytes:
    """Return PNG bytes: the ``current`` image of a walk enlarged, beside the whole walk as a strip.

    The strip's ``current`` tile is framed in the highlight colour, so the picture shows where
    on the line between the two ends the big image lies.
    """
    images = _rgb(images)
    count, height, width, _ = images.shape
    if not 0 <= current < count:
        raise ValueError(f"current must be a walk position from 0 to {count - 1}, got {current}.")
    big_scale = max(1, big // max(height, width))
    tile_scale = max(1, 32 // max(height, width))
    tile_h, tile_w = height * tile_scale, width * tile_scale
    pitch = tile_w + 2 * BORDER + 2
    strip_left = width * big_scale + 16
    canvas_h = max(height * big_scale, tile_h + 2 * BORDER)
    canvas = np.ones((canvas_h, strip_left + count * pitch, 3))
    canvas[: height * big_scale, : width * big_scale] = _enlarged(images[current], big_scale)
    top = (canvas_h - tile_h) // 2
    for index, image in enumerate(images):
        left = strip_left + index * pitch + BORDER
        if index == current:
            canvas[top - BORDER : top + tile_h + BORDER, left - BORDER : left + tile_w + BORDER] = (
                _hex_rgb(HIGHLIGHT_COLOR)
            )
        canvas[top : top + tile_h, left : left + tile_w] = _enlarged(image, tile_scale)
    return array_to_png(canvas, vmin=0, vmax=1)


def arithmetic_png(source, result, big: int = 112) -> bytes:
    """Return PNG bytes of two images side by side, enlarged to about ``big`` pixels: source, result."""
    pair = _rgb(np.stack([np.asarray(source, float), np.asarray(result, float)]))
    _, height, width, _ = pair.shape
    scale = max(1, big // max(height, width))
    gap = 24
    canvas = np.ones((height * scale, 2 * width * scale + gap, 3))
    canvas[:, : width * scale] = _enlarged(pair[0], scale)
    canvas[:, width * scale + gap :] = _enlarged(pair[1], scale)
    # An arrow between them: a short bar and a head, in the text colour of the figures.
    middle, left = height * scale // 2, width * scale + 4
    canvas[middle - 1 : middle + 1, left : left + gap - 8] = 0.2
    for offset in range(5):
        canvas[middle - 5 + offset : middle + 5 - offset, left + gap - 13 + offset] = 0.2
    return array_to_png(canvas, vmin=0, vmax=1)
