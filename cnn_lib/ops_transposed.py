"""Transposed convolution and the convolution matrix, from scratch in numpy (NCHW).

A convolution is linear, so for one image it is a matrix ``M`` acting on the
flattened input: ``conv2d(x) = M @ x``. Its transpose ``Mᵀ`` is the transposed
convolution, which is also the gradient of the convolution with respect to its
input. Both are importable from :mod:`cnn_lib.ops`.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnn_lib.arithmetic import conv_output_size, transposed_output_size
from cnn_lib.ops_checks import Pair, as_bias, as_images, as_pair, as_weights, output_sizes

__all__ = ["conv_transpose2d", "conv_matrix"]

MAX_MATRIX_BYTES = 2 * 10**9


def check_transposed(x, w, stride, padding, output_padding, dilation):
    """Return validated (x, w, s, p, output_padding, d, (H_out, W_out)) of a transposed convolution."""
    x = as_images(x)
    w = as_weights(w, x.shape[1], 0, "(C_in, C_out, kH, kW)")
    s, p = as_pair("stride", stride, 1), as_pair("padding", padding, 0)
    extra, d = as_pair("output_padding", output_padding, 0), as_pair("dilation", dilation, 1)
    (height, width), (kh, kw) = x.shape[2:], w.shape[2:]
    out_size = output_sizes(
        transposed_output_size,
        (height, kh, s[0], p[0], d[0], extra[0]),
        (width, kw, s[1], p[1], d[1], extra[1]),
    )
    return x, w, s, p, extra, d, out_size


def conv_transpose2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    output_padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the transposed convolution of ``x`` (N, C_in, H, W) with ``w`` (C_in, C_out, kH, kW), as PyTorch.

    Every input pixel stamps a copy of its kernel, scaled by the pixel's value,
    onto the output at (row·s, col·s); where stamps overlap they add up.
    ``padding`` then crops p rows/columns from every side and ``output_padding``
    adds rows/columns on the bottom/right only. The loop below runs over kernel
    taps instead of input pixels (the same sum in another order): tap (i, j) of
    every stamp lands on a grid with spacing s, shifted by (i·d, j·d).
    """
    x, w, s, p, _, d, (out_height, out_width) = check_transposed(
        x, w, stride, padding, output_padding, dilation
    )
    b = as_bias(b, w.shape[1])
    (height, width), (kh, kw) = x.shape[2:], w.shape[2:]
    dtype = np.result_type(x, w)
    # The uncropped result: all stamps plus the output_padding rows, before padding crops.
    full = np.zeros(
        (x.shape[0], w.shape[1], out_height + 2 * p[0], out_width + 2 * p[1]), dtype=dtype
    )
    for i in range(kh):
        for j in range(kw):
            tap = np.einsum("nchw,co->nohw", x, w[:, :, i, j], optimize=True)
            rows = slice(i * d[0], i * d[0] + (height - 1) * s[0] + 1, s[0])
            cols = slice(j * d[1], j * d[1] + (width - 1) * s[1] + 1, s[1])
            full[:, :, rows, cols] += tap
    out = full[:, :, p[0] : p[0] + out_height, p[1] : p[1] + out_width]
    if b is not None:
        out = out + b.astype(dtype, copy=False)[None, :, None, None]
    return np.ascontiguousarray(out)


def _check_input_shape(input_shape) -> tuple[int, int, int]:
    """Return ``input_shape`` as (C, H, W), or raise naming the problem."""
    if (
        not isinstance(input_shape, (tuple, list))
        or len(input_shape) != 3
        or not all(isinstance(v, numbers.Integral) and v >= 1 for v in input_shape)
    ):
        raise ValueError(
            f"input_shape must be (C, H, W) of one image, three positive whole numbers, "
            f"got {input_shape!r}."
        )
    return int(input_shape[0]), int(input_shape[1]), int(input_shape[2])


def conv_matrix(
    w: np.ndarray,
    input_shape: tuple[int, int, int],
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the dense matrix ``M`` with ``M @ x.ravel() == conv2d(x[None], w, …).ravel()`` for one image ``x``.

    ``input_shape`` is (C, H, W); ``M`` has shape (C_out·H_out·W_out, C·H·W). Row
    (c_out, r, c) holds the kernel ``w[c_out]`` placed where output pixel (r, c)
    reads the input; taps that fall in the zero padding have no column. ``M.T @
    y.ravel()`` is ``conv_transpose2d(y[None], w, …)`` with the output_padding that
    gives back (H, W). Refuses matrices over about 2 GB: crop the image (about
    64×64) or use a sparse solver instead.
    """
    channels, height, width = _check_input_shape(input_shape)
    w = as_weights(w, channels, 1, "(C_out, C_in, kH, kW)", source="input_shape")
    s, p = as_pair("stride", stride, 1), as_pair("padding", padding, 0)
    d = as_pair("dilation", dilation, 1)
    out_channels, _, kh, kw = w.shape
    out_height, out_width = output_sizes(
        conv_output_size, (height, kh, s[0], p[0], d[0]), (width, kw, s[1], p[1], d[1])
    )
    shape = (out_channels, out_height, out_width, channels, height, width)
    size_gb = np.prod(shape, dtype=float) * w.dtype.itemsize / 1e9
    if size_gb * 1e9 > MAX_MATRIX_BYTES:
        raise ValueError(
            f"input_shape {input_shape!r} is too large: the dense matrix would need "
            f"{size_gb:.1f} GB (limit 2 GB); crop the image (e.g. to 64×64) or use a sparse solver."
        )
    matrix = np.zeros(shape, dtype=w.dtype)
    out_rows, out_cols = np.arange(out_height), np.arange(out_width)
    for i in range(kh):
        for j in range(kw):
            in_rows = out_rows * s[0] - p[0] + i * d[0]
            in_cols = out_cols * s[1] - p[1] + j * d[1]
            inside_rows = (in_rows >= 0) & (in_rows < height)
            inside_cols = (in_cols >= 0) & (in_cols < width)
            r, c = out_rows[inside_rows][:, None], out_cols[inside_cols][None, :]
            ir, ic = in_rows[inside_rows][:, None], in_cols[inside_cols][None, :]
            # Fancy indices split by ':' move to the front, so the value broadcasts
            # from (C_out, C) to (rows, cols, C_out, C). No two taps share an entry.
            matrix[:, r, c, :, ir, ic] = w[:, :, i, j]
    return matrix.reshape(out_channels * out_height * out_width, channels * height * width)
