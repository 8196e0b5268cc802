"""Input checks shared by every operation in :mod:`cnn_lib.ops`.

Every public operation validates its arguments here, once, and raises
``ValueError`` with a sentence naming the parameter and what to change, so a
learner never sees an ``IndexError`` from deep inside numpy.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

Pair = tuple[int, int]


def as_pair(name: str, value: int | tuple[int, int], minimum: int) -> Pair:
    """Return ``value`` as a (height, width) pair of ints, each at least ``minimum``."""
    values = value if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(_is_int(v) for v in values):
        raise ValueError(
            f"{name} must be a whole number or a (height, width) pair of whole numbers, "
            f"got {value!r}."
        )
    if min(values) < minimum:
        raise ValueError(f"{name} must be at least {minimum} in each direction, got {value!r}.")
    return int(values[0]), int(values[1])


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_images(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a 4-D floating array (N, C, H, W), or raise naming the problem."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(
            f"{name} must be a batch of images with 4 dimensions (N, C, H, W), got shape "
            f"{x.shape}; for a single image use {name}[None]."
        )
    if min(x.shape) == 0:
        raise ValueError(f"{name} must not have an empty dimension, got shape {x.shape}.")
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return x


def as_weights(
    w, in_channels: int, channel_axis: int, layout: str, source: str = "x"
) -> np.ndarray:
    """Return ``w`` as a 4-D floating array whose ``channel_axis`` matches the input channels."""
    w = np.asarray(w)
    if w.ndim != 4 or min(w.shape) == 0:
        raise ValueError(f"w must have 4 non-empty dimensions {layout}, got shape {w.shape}.")
    if w.shape[channel_axis] != in_channels:
        raise ValueError(
            f"w has {w.shape[channel_axis]} input channels (axis {channel_axis} of {layout}) but "
            f"{source} has {in_channels}; make them equal."
        )
    if not np.issubdtype(w.dtype, np.floating):
        w = w.astype(np.float64)
    return w


def as_bias(b, out_channels: int) -> np.ndarray | None:
    """Return ``b`` as a 1-D array of length ``out_channels`` (or None when there is no bias)."""
    if b is None:
        return None
    b = np.asarray(b)
    if b.shape != (out_channels,):
        raise ValueError(
            f"b must have one value per output channel, shape ({out_channels},), got {b.shape}."
        )
    return b


def output_sizes(size_fn: Callable[..., int], *per_dimension: tuple) -> Pair:
    """Return the output (height, width), naming the direction when ``size_fn`` refuses one."""
    sizes = []
    for direction, args in zip(("height", "width"), per_dimension, strict=True):
        try:
            sizes.append(size_fn(*args))
        except ValueError as error:
            raise ValueError(f"Along the {direction}: {error}") from None
    return sizes[0], sizes[1]
