"""A digit drawn with the mouse, made to look like an MNIST digit so the trained network can read it.

MNIST's recipe (LeCun, Cortes & Burges): crop the ink, scale it to fit a 20×20 box keeping
its aspect ratio (anti-aliased), then place it in a 28×28 frame so that its centre of mass
sits at the centre. A digit drawn large in a corner of the pad therefore reaches the network
the way the training digits did.
"""

from __future__ import annotations

import numpy as np

__all__ = ["strokes_to_image", "center_like_mnist", "DIGIT_SIDE", "BOX_SIDE"]

DIGIT_SIDE = 28  # MNIST's frame
BOX_SIDE = 20  # the box the ink is scaled to fit


def strokes_to_image(strokes, pad_size: int, line_width: float) -> np.ndarray:
    """Return a (pad_size, pad_size) float array in [0, 1]: the strokes (lists of (x, y) points) drawn as ink."""
    from PIL import Image, ImageDraw

    picture = Image.new("L", (pad_size, pad_size), 0)
    pen = ImageDraw.Draw(picture)
    radius = line_width / 2
    for stroke in strokes:
        points = [(float(x), float(y)) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=int(round(line_width)), joint="curve")
        for x, y in points:  # round caps and single clicks
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(picture, dtype=np.float32) / 255


def center_like_mnist(pixels) -> np.ndarray:
    """Return a (28, 28) float32 digit: the ink of ``pixels`` (H, W in [0, 1]) fit to 20×20 and centred by mass.

    An empty drawing (no ink) gives an all-zero frame.
    """
    from PIL import Image

    pixels = np.clip(np.asarray(pixels, dtype=np.float32), 0, 1)
    if pixels.ndim != 2:
        raise ValueError(f"pixels must be a 2-D (H, W) drawing, got shape {pixels.shape}.")
    rows, cols = np.nonzero(pixels > 0.05)
    frame = np.zeros((DIGIT_SIDE, DIGIT_SIDE), dtype=np.float32)
    if rows.size == 0:
        return frame
    ink = pixels[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = BOX_SIDE / max(ink.shape)
    height, width = (max(1, round(side * scale)) for side in ink.shape)
    box = Image.fromarray((ink * 255).astype(np.uint8)).resize((width, height), Image.LANCZOS)
    box = np.asarray(box, dtype=np.float32) / 255
    total = box.sum()
    if total == 0:
        return frame
    centre_row = (box.sum(axis=1) * np.arange(height)).sum() / total
    centre_col = (box.sum(axis=0) * np.arange(width)).sum() / total
    top = int(round((DIGIT_SIDE - 1) / 2 - centre_row))
    left = int(round((DIGIT_SIDE - 1) / 2 - centre_col))
    top = min(max(top, 0), DIGIT_SIDE - height)  # keep the whole box inside the frame
    left = min(max(left, 0), DIGIT_SIDE - width)
    frame[top : top + height, left : left + width] = box
    return frame
