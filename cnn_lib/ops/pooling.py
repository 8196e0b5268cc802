"""Pooling from scratch in numpy, on NCHW arrays, agreeing with ``torch.nn.functional``'s pooling.

Symbols as in :mod:`cnn_lib.ops.conv`. :func:`pooling_grid` is the grid of notebook
03's explorer.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnn_lib.arithmetic import pool_output_size
from cnn_lib.ops.checks import Pair, as_images, as_pair, output_sizes
from cnn_lib.ops.conv import pad_images, sliding_windows

__all__ = ["POOL_MODES", "pool2d", "pooling_grid"]

POOL_MODES = ("max", "avg", "min", "lp")


def _check_pool(x, k, stride, padding, dilation, mode, ceil_mode, norm_type):
    """Return validated (x, k, stride, padding, dilation, output size) for ``pool2d``."""
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {', '.join(POOL_MODES)}; got {mode!r}.")
    x = as_images(x)
    k = as_pair("k", k, 1)
    s = k if stride is None else as_pair("stride", stride, 1)
    p = as_pair("padding", padding, 0)
    d = as_pair("dilation", dilation, 1)
    if mode == "lp" and p != (0, 0):
        raise ValueError(
            f"padding must be 0 for mode='lp' (got {padding!r}): PyTorch's LPPool2d has no "
            "padding; pad x yourself if you need it."
        )
    if mode in ("avg", "lp") and d != (1, 1):
        raise ValueError(
            f"dilation must be 1 for mode={mode!r} (got {dilation!r}): PyTorch's average "
            "and Lp pooling have no dilation; use mode='max' or 'min' for dilated windows."
        )
    if mode == "lp" and not _is_positive_number(norm_type):
        raise ValueError(
            f"norm_type (the p of the Lp norm) must be a positive number, got {norm_type!r}."
        )
    (height, width) = x.shape[2:]
    out_size = output_sizes(
        pool_output_size,
        (height, k[0], s[0], p[0], d[0], ceil_mode),
        (width, k[1], s[1], p[1], d[1], ceil_mode),
    )
    return x, k, s, p, d, out_size


def _is_positive_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and 0 < value < np.inf


def _pool_windows(x, k: Pair, s: Pair, p: Pair, d: Pair, out_size: Pair, fill: float):
    """Return the (N, C, H_out, W_out, kH, kW) windows of ``x`` padded with ``fill``."""
    # In ceil mode the last window may run past the padded edge; extend it with
    # ``fill`` so the window exists (the extension never changes a max or a sum).
    extra = [
        max(0, (o - 1) * stride + dil * (kk - 1) + 1 - (size + 2 * pad))
        for o, stride, dil, kk, size, pad in zip(out_size, s, d, k, x.shape[2:], p, strict=True)
    ]
    padded = pad_images(x, p, (p[0] + extra[0], p[1] + extra[1]), fill)
    return sliding_windows(padded, k, s, d, out_size)


def _average_divisor(size: int, k: int, s: int, p: int, o: int, count_include_pad: bool):
    """Return, for each of the ``o`` windows along one axis, how many pixels its mean divides by."""
    start = np.arange(o) * s - p
    # Like PyTorch: a window is clipped at the padded edge (ceil mode may overrun it) …
    end = np.minimum(start + k, size + p)
    if not count_include_pad:
        # … and, without count_include_pad, also at the real image edge.
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


def pool2d(
    x: np.ndarray,
    k: int | Pair,
    stride: int | Pair | None = None,
    padding: int | Pair = 0,
    dilation: int | Pair = 1,
    mode: str = "max",
    ceil_mode: bool = False,
    norm_type: float = 2,
    count_include_pad: bool = True,
) -> np.ndarray:
    """Return ``x`` (N, C, H, W) pooled over k×k windows: their max, mean, min or Lp norm.

    ``stride=None`` means ``stride = k``. The rules are PyTorch's: max pooling pads
    with −∞, average pooling with zeros that count towards the mean only with
    ``count_include_pad`` (in ceil mode a window that runs past the padded edge
    divides by the pixels it actually covers), padding is at most ⌊k/2⌋.
    ``mode="min"`` is ``-pool2d(-x, mode="max")``.

    ``mode="lp"`` returns (Σ|x|^p)^(1/p) over each window, with ``p = norm_type`` and
    no padding (``LPPool2d`` has none). It matches ``F.lp_pool2d`` on non-negative
    input such as post-ReLU feature maps. On negative input they differ because
    PyTorch raises x to the power *without* the absolute value, computing
    ``(sign(S)·relu(|S|))^(1/p)`` with ``S = Σ x^p``: for odd p, negative values
    cancel positive ones, and a negative S is raised to the power 1/p, which gives
    ``nan`` (seen with torch 2.13). In ceil mode PyTorch also
    scales a clipped last window up to k·k pixels (mean × kH·kW); here it sums
    the pixels it covers.
    """
    x, k, s, p, d, out_size = _check_pool(
        x, k, stride, padding, dilation, mode, ceil_mode, norm_type
    )
    if mode == "min":
        return -pool2d(-x, k, s, p, d, "max", ceil_mode)
    if mode == "max":
        return _pool_windows(x, k, s, p, d, out_size, -np.inf).max(axis=(-2, -1))
    if mode == "lp":
        sums = _pool_windows(np.abs(x) ** norm_type, k, s, p, d, out_size, 0.0).sum(axis=(-2, -1))
        return sums ** (1.0 / norm_type)
    sums = _pool_windows(x, k, s, p, d, out_size, 0.0).sum(axis=(-2, -1))
    rows, cols = (
        _average_divisor(size, kk, ss, pp, o, count_include_pad)
        for size, kk, ss, pp, o in zip(x.shape[2:], k, s, p, out_size, strict=True)
    )
    return sums / np.outer(rows, cols).astype(x.dtype)


def pooling_grid(size: int = 6, seed: int = 0) -> np.ndarray:
    """Return the grid of whole numbers 0–9 that notebook 03's explorer pools (its top-left ``size × size``)."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a whole number ≥ 1, got {size!r}.")
    return np.random.default_rng(seed).integers(0, 10, (size, size)).astype(float)
