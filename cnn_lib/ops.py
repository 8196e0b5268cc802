"""Convolution and pooling from scratch in numpy, on NCHW arrays, agreeing with ``torch.nn.functional``.

Symbols, as in the notebooks: ``N`` batch size, ``C`` channels, ``H, W`` height and
width, ``k`` kernel size, ``s`` stride, ``p`` padding, ``d`` dilation. ``stride``,
``padding`` and ``dilation`` take one int or a (height, width) pair. Sizes come
from :mod:`cnn_lib.arithmetic`, which also refuses every combination PyTorch refuses.

``conv2d`` is the fast version (one matrix product over all windows, the "im2col"
trick); ``conv2d_loops`` computes the same numbers with plain loops, to be read.
Transposed convolution and the convolution matrix live in
:mod:`cnn_lib.ops_transposed` and are importable from here.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_lib.arithmetic import conv_output_size, pool_output_size
from cnn_lib.ops_checks import Pair, as_bias, as_images, as_pair, as_weights, output_sizes
from cnn_lib.ops_transposed import conv_matrix, conv_transpose2d

__all__ = ["conv2d", "conv2d_loops", "pool2d", "conv_transpose2d", "conv_matrix"]

POOL_MODES = ("max", "avg", "min", "lp")
WINDOWS_PER_PRODUCT = 2048  # windows (output pixels) per matrix product in conv2d


# ----------------------------------------------------------------------------
# Convolution
# ----------------------------------------------------------------------------


def _check_conv(x, w, b, stride, padding, dilation):
    """Return validated (x, w, b, stride, padding, dilation, output size) for ``conv2d``."""
    x = as_images(x)
    w = as_weights(w, x.shape[1], 1, "(C_out, C_in, kH, kW)")
    b = as_bias(b, w.shape[0])
    s = as_pair("stride", stride, 1)
    p = as_pair("padding", padding, 0)
    d = as_pair("dilation", dilation, 1)
    (height, width), (kh, kw) = x.shape[2:], w.shape[2:]
    out_size = output_sizes(
        conv_output_size, (height, kh, s[0], p[0], d[0]), (width, kw, s[1], p[1], d[1])
    )
    return x, w, b, s, p, d, out_size


def _pad(x: np.ndarray, before: Pair, after: Pair, value: float) -> np.ndarray:
    """Return ``x`` with ``before``/``after`` rows and columns of ``value`` around each image."""
    batch, channels, height, width = x.shape
    padded_shape = (batch, channels, before[0] + height + after[0], before[1] + width + after[1])
    padded = np.full(padded_shape, value, dtype=x.dtype)
    padded[:, :, before[0] : before[0] + height, before[1] : before[1] + width] = x
    return padded


def _windows(x: np.ndarray, kernel: Pair, s: Pair, d: Pair, out_size: Pair) -> np.ndarray:
    """Return a view (N, C, H_out, W_out, kH, kW) of every window the kernel visits in ``x``."""
    span = (d[0] * (kernel[0] - 1) + 1, d[1] * (kernel[1] - 1) + 1)
    # A view, not a copy: each window is the same memory seen through different strides.
    patches = sliding_window_view(x, span, axis=(2, 3))
    # Stride skips window positions; dilation keeps every d-th pixel inside a window.
    return patches[:, :, :: s[0], :: s[1], :: d[0], :: d[1]][:, :, : out_size[0], : out_size[1]]


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the convolution (cross-correlation, like PyTorch) of ``x`` (N, C_in, H, W) with ``w`` (C_out, C_in, kH, kW).

    The result has shape (N, C_out, H_out, W_out) and the dtype of ``x`` and ``w``
    combined (float32 stays float32). Every output pixel is the dot product of
    one window of the padded input with one kernel, so the windows are laid out
    as columns of a matrix and multiplied by all kernels in one matrix product.
    """
    x, w, b, s, p, d, (out_height, out_width) = _check_conv(x, w, b, stride, padding, dilation)
    dtype = np.result_type(x, w)
    padded = _pad(x.astype(dtype, copy=False), p, p, 0.0)
    windows = _windows(padded, w.shape[2:], s, d, (out_height, out_width))
    kernels = w.reshape(w.shape[0], -1).astype(dtype, copy=False)  # (C_out, C_in·kH·kW)
    out = np.empty((x.shape[0], w.shape[0], out_height, out_width), dtype=dtype)
    # A few output rows at a time: the column matrix holds C_in·kH·kW copies of
    # each pixel, so blocks keep it small and in cache (and keep each product too
    # small for OpenBLAS to start threads, which cost more than they save here).
    rows_per_block = max(1, WINDOWS_PER_PRODUCT // out_width)
    for n in range(x.shape[0]):
        for top in range(0, out_height, rows_per_block):
            block = windows[n, :, top : top + rows_per_block]  # (C_in, rows, W_out, kH, kW)
            # "im2col": one column per window, one row per kernel weight.
            columns = block.transpose(0, 3, 4, 1, 2).reshape(kernels.shape[1], -1)
            products = kernels @ columns  # (C_out, rows·W_out)
            out[n, :, top : top + rows_per_block] = products.reshape(w.shape[0], -1, out_width)
    if b is not None:
        out += b.astype(dtype, copy=False)[None, :, None, None]
    return out


def conv2d_loops(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the same result as :func:`conv2d`, computed with plain loops (slow, to be read)."""
    x, w, b, s, p, d, (out_height, out_width) = _check_conv(x, w, b, stride, padding, dilation)
    x = _pad(x, p, p, 0.0)
    batch, out_channels = x.shape[0], w.shape[0]
    kernel_height, kernel_width = w.shape[2:]
    out = np.zeros((batch, out_channels, out_height, out_width), dtype=np.result_type(x, w))
    for n in range(batch):
        for c_out in range(out_channels):
            for row in range(out_height):
                for col in range(out_width):
                    top, left = row * s[0], col * s[1]
                    # A dilated kernel touches every d-th pixel of a larger patch.
                    bottom = top + d[0] * (kernel_height - 1) + 1
                    right = left + d[1] * (kernel_width - 1) + 1
                    patch = x[n, :, top : bottom : d[0], left : right : d[1]]
                    out[n, c_out, row, col] = np.sum(patch * w[c_out])
            if b is not None:
                out[n, c_out] += b[c_out]
    return out


# ----------------------------------------------------------------------------
# Pooling
# ----------------------------------------------------------------------------


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
    padded = _pad(x, p, (p[0] + extra[0], p[1] + extra[1]), fill)
    return _windows(padded, k, s, d, out_size)


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
