"""Convolution from scratch in numpy, on NCHW arrays, agreeing with ``torch.nn.functional.conv2d``.

Symbols, as in the notebooks: ``N`` batch size, ``C`` channels, ``H, W`` height and
width, ``k`` kernel size, ``s`` stride, ``p`` padding, ``d`` dilation. ``stride``,
``padding`` and ``dilation`` take one int or a (height, width) pair. Sizes come
from :mod:`cnn_lib.arithmetic`, which also refuses every combination PyTorch refuses.

``conv2d`` is the fast version (one matrix product over all windows, the "im2col"
trick); ``conv2d_loops`` computes the same numbers with plain loops, to be read.
:func:`step_grid` is the small grid notebook 01 steps a kernel over.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnn_lib.arithmetic import conv_output_size
from cnn_lib.ops.checks import Pair, as_bias, as_images, as_pair, as_weights, output_sizes

__all__ = ["conv2d", "conv2d_loops", "pad_images", "sliding_windows", "step_grid"]

WINDOWS_PER_PRODUCT = 2048  # windows (output pixels) per matrix product in conv2d


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


def pad_images(x: np.ndarray, before: Pair, after: Pair, value: float) -> np.ndarray:
    """Return ``x`` with ``before``/``after`` rows and columns of ``value`` around each image."""
    batch, channels, height, width = x.shape
    padded_shape = (batch, channels, before[0] + height + after[0], before[1] + width + after[1])
    padded = np.full(padded_shape, value, dtype=x.dtype)
    padded[:, :, before[0] : before[0] + height, before[1] : before[1] + width] = x
    return padded


def sliding_windows(x: np.ndarray, kernel: Pair, s: Pair, d: Pair, out_size: Pair) -> np.ndarray:
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
    padded = pad_images(x.astype(dtype, copy=False), p, p, 0.0)
    windows = sliding_windows(padded, w.shape[2:], s, d, (out_height, out_width))
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
    x = pad_images(x, p, p, 0.0)
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


def step_grid(size: int = 7, seed: int = 0) -> np.ndarray:
    """Return the small grid of whole numbers 0–3 that notebook 01's step-through slides over."""
    if not isinstance(size, int) or size < 3:
        raise ValueError(f"size must be a whole number ≥ 3 (room for a 3×3 kernel), got {size!r}.")
    return np.random.default_rng(seed).integers(0, 4, (size, size)).astype(float)
