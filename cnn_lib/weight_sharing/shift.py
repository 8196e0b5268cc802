"""Moving digits: a zero-filled shift (what enters at the border is background, not the far edge)."""

from __future__ import annotations

import torch

DIRECTIONS = {"right": (0, 1), "left": (0, -1), "down": (1, 0), "up": (-1, 0)}


def shift_images(images: torch.Tensor, down: int = 0, right: int = 0) -> torch.Tensor:
    """Return ``images`` (…, H, W) moved ``down`` rows and ``right`` columns, the gap filled with 0.

    Negative values move up or left. Pixels pushed past the border are lost. ``torch.roll``
    would wrap them round to the opposite side instead, which no camera does.
    """
    for name, value in (("down", down), ("right", right)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number of pixels, got {value!r}.")
    height, width = images.shape[-2:]
    shifted = torch.zeros_like(images)
    if abs(down) >= height or abs(right) >= width:
        return shifted
    rows_from, rows_to = _span(down, height)
    cols_from, cols_to = _span(right, width)
    shifted[..., rows_to, cols_to] = images[..., rows_from, cols_from]
    return shifted


def _span(offset: int, size: int) -> tuple[slice, slice]:
    """Return (source slice, destination slice) along one axis for a shift by ``offset``."""
    if offset >= 0:
        return slice(0, size - offset), slice(offset, size)
    return slice(-offset, size), slice(0, size + offset)


def shifted_copies(images: torch.Tensor, pixels: int) -> torch.Tensor:
    """Return the images shifted ``pixels`` in each of the four directions, stacked (4·N, …)."""
    if isinstance(pixels, bool) or not isinstance(pixels, int) or pixels < 0:
        raise ValueError(f"pixels must be a whole number ≥ 0, got {pixels!r}.")
    return torch.cat(
        [shift_images(images, dy * pixels, dx * pixels) for dy, dx in DIRECTIONS.values()]
    )
