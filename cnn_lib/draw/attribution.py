"""Attribution maps over a digit (colour PNG) and a class-probability bar chart (SVG), for notebook 06.

One picture for the explorer and the static figures alike: the digit in grey on white,
the map laid over it in :data:`~cnn_lib.palette.HIGHLIGHT_COLOR`, strong where the map
is large. Each map is scaled to its own 99th percentile, because the four methods'
numbers have different units (gradients, probability drops); negative values (an
occlusion that *raised* the probability) are shown as 0.
"""

from __future__ import annotations

import numpy as np

from cnn_lib.draw.base import array_to_png, label, svg
from cnn_lib.palette import HIGHLIGHT_COLOR, INPUT_COLOR, PADDING_COLOR, TEXT_COLOR

__all__ = ["normalize_attribution", "attribution_overlay", "attribution_png", "probabilities_svg"]

INK_SHADE = 0.55  # how dark the digit's ink is under the map (0 = invisible, 1 = black)


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def normalize_attribution(attribution) -> np.ndarray:
    """Return the map's positive part divided by its 99th percentile, clipped to [0, 1]."""
    values = np.clip(np.asarray(attribution, dtype=float), 0, None)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"attribution must have shape (H, W), got {values.shape}.")
    if not np.all(np.isfinite(values)):
        raise ValueError("attribution contains NaN or infinite values; check the model's weights.")
    bound = float(np.percentile(values, 99)) or float(values.max()) or 1.0
    return np.clip(values / bound, 0.0, 1.0)


def attribution_overlay(image, attribution) -> np.ndarray:
    """Return an (H, W, 3) RGB array in [0, 1]: the digit in grey on white, the map over it in colour."""
    image = np.asarray(image, dtype=float)
    if image.ndim == 3 and image.shape[0] == 1:
        image = image[0]
    strength = normalize_attribution(attribution)
    if image.shape != strength.shape:
        raise ValueError(
            f"image {image.shape} and attribution {strength.shape} must have the same shape."
        )
    base = 1.0 - INK_SHADE * np.clip(image, 0, 1)
    alpha = (0.85 * strength)[..., None]
    return base[..., None] * (1 - alpha) + _rgb(HIGHLIGHT_COLOR) * alpha


def attribution_png(image, attribution, size: int = 168) -> bytes:
    """Return PNG bytes of :func:`attribution_overlay`, enlarged to about ``size`` pixels."""
    overlay = attribution_overlay(image, attribution)
    return array_to_png(overlay, vmin=0, vmax=1, scale=max(1, size // max(overlay.shape[:2])))


def probabilities_svg(probabilities, target: int | None = None, width: int = 220) -> str:
    """Return an SVG bar chart of 10 class probabilities, the predicted class bold and ``target`` marked."""
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.shape != (10,):
        raise ValueError(f"probabilities must be 10 numbers, got shape {probabilities.shape}.")
    row, left, right = 17, 18, 44
    predicted = int(probabilities.argmax())
    parts = []
    for digit, p in enumerate(probabilities):
        y = digit * row
        bar = max(0.0, min(1.0, p)) * (width - left - right)
        colour = HIGHLIGHT_COLOR if digit == target else INPUT_COLOR
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{width - left - right}" height="{row - 6}" '
            f'fill="none" stroke="{PADDING_COLOR}" stroke-width="0.5"/>'
            f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="{colour}"/>'
        )
        bold = digit == predicted
        parts.append(label(4, y + row - 4, str(digit), 12, TEXT_COLOR, "start", bold))
        parts.append(label(width - 2, y + row - 4, f"{100 * p:.1f}%", 11, TEXT_COLOR, "end", bold))
    return svg(parts, width, 10 * row, title="class probabilities (softmax)")
