"""Transposed convolution from scratch in numpy (NCHW): the fast version, three teaching routes, the matrix.

A convolution is linear, so for one image it is a matrix ``M`` acting on the
flattened input: ``conv2d(x) = M @ x``. Its transpose ``Mᵀ`` is the transposed
convolution, which is also the gradient of the convolution with respect to its
input. :func:`conv_transpose2d` is the fast version; :func:`conv_matrix` builds ``M``.

Symbols, as in the notebooks: ``k`` kernel size, ``s`` stride, ``p`` padding,
``d`` dilation, ``output_padding`` the extra rows/columns on the bottom/right.
The three routes of notebook 04 take ``x`` (N, C_in, H, W) and ``w`` (C_in, C_out, kH, kW),
the layout of ``torch.nn.functional.conv_transpose2d``, and return the same numbers:

1. :func:`transposed_by_scatter` — every input pixel stamps a scaled copy of the
   kernel onto the output; overlapping stamps add up.
2. :func:`transposed_by_zero_insertion` — insert s−1 zeros between input pixels,
   pad by d(k−1)−p, and run an ordinary stride-1 convolution with the flipped
   kernel (input and output channels swapped).
3. :func:`transposed_by_matrix` — multiply by Cᵀ, the transpose of the matrix of
   the convolution that maps the output size back to the input size.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnn_lib.arithmetic import conv_output_size, transposed_output_size
from cnn_lib.ops.checks import Pair, as_bias, as_images, as_pair, as_weights, output_sizes
from cnn_lib.ops.conv import conv2d

__all__ = [
    "conv_transpose2d",
    "conv_matrix",
    "transposed_by_scatter",
    "zero_insert",
    "transposed_padding",
    "transposed_by_zero_insertion",
    "transposed_by_matrix",
    "overlap_count",
    "upsample_three_ways",
]

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


def transposed_by_scatter(
    x: np.ndarray,
    w: np.ndarray,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    output_padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the transposed convolution as a sum of kernel copies, one per input pixel (plain loops)."""
    x, w, s, p, _, d, (out_h, out_w) = check_transposed(
        x, w, stride, padding, output_padding, dilation
    )
    batch, in_channels, height, width = x.shape
    kh, kw = w.shape[2:]
    # The canvas before padding crops p from every side (output_padding is inside it).
    canvas = np.zeros((batch, w.shape[1], out_h + 2 * p[0], out_w + 2 * p[1]), np.result_type(x, w))
    for n in range(batch):
        for c in range(in_channels):
            for row in range(height):
                for col in range(width):
                    top, left = row * s[0], col * s[1]
                    # The stamp: the kernel scaled by this pixel, its taps d apart.
                    rows = slice(top, top + d[0] * (kh - 1) + 1, d[0])
                    cols = slice(left, left + d[1] * (kw - 1) + 1, d[1])
                    canvas[n, :, rows, cols] += x[n, c, row, col] * w[c]
    return canvas[:, :, p[0] : p[0] + out_h, p[1] : p[1] + out_w]


def zero_insert(x: np.ndarray, stride: int | Pair) -> np.ndarray:
    """Return ``x`` (N, C, H, W) with s−1 zeros inserted between neighbouring pixels: (N, C, (H−1)s+1, (W−1)s+1)."""
    x = as_images(x)
    s = as_pair("stride", stride, 1)
    height, width = x.shape[2:]
    out = np.zeros((*x.shape[:2], (height - 1) * s[0] + 1, (width - 1) * s[1] + 1), x.dtype)
    out[:, :, :: s[0], :: s[1]] = x
    return out


def transposed_padding(k: int, p: int = 0, d: int = 1) -> int:
    """Return ``d(k−1) − p``: the padding of the equivalent stride-1 convolution (negative means crop)."""
    k = as_pair("k", k, 1)[0]
    p, d = as_pair("p", p, 0)[0], as_pair("d", d, 1)[0]
    return d * (k - 1) - p


def _pad_or_crop(x: np.ndarray, before: Pair, after: Pair) -> np.ndarray:
    """Return ``x`` with zeros added (positive amounts) or rows/columns removed (negative amounts)."""
    widths = [(0, 0), (0, 0)] + [(max(b, 0), max(a, 0)) for b, a in zip(before, after, strict=True)]
    x = np.pad(x, widths)
    height, width = x.shape[2:]
    top, left = max(-before[0], 0), max(-before[1], 0)
    return x[:, :, top : height - max(-after[0], 0), left : width - max(-after[1], 0)]


def transposed_by_zero_insertion(
    x: np.ndarray,
    w: np.ndarray,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    output_padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the transposed convolution as zero insertion, padding d(k−1)−p, and a stride-1 convolution.

    The convolution uses the kernel flipped in both directions, with its input and
    output channels swapped. When d(k−1)−p < 0 the grid is cropped instead of
    padded; ``output_padding`` adds rows/columns on the bottom/right only.
    """
    x, w, s, p, extra, d, _ = check_transposed(x, w, stride, padding, output_padding, dilation)
    kh, kw = w.shape[2:]
    before = (d[0] * (kh - 1) - p[0], d[1] * (kw - 1) - p[1])
    after = (before[0] + extra[0], before[1] + extra[1])
    grid = _pad_or_crop(zero_insert(x, s), before, after)
    flipped = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
    return conv2d(grid, flipped, stride=1, padding=0, dilation=d)


def transposed_by_matrix(
    x: np.ndarray,
    w: np.ndarray,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    output_padding: int | Pair = 0,
    dilation: int | Pair = 1,
) -> np.ndarray:
    """Return the transposed convolution as Cᵀ @ x, where C is the matrix of the matching convolution.

    C belongs to the convolution with the same k, s, p, d (weights read as
    (C_out, C_in, kH, kW) = w's shape) that maps the transposed output's size back
    to the input's size; ``cnn_lib.ops.conv_matrix`` builds it densely.
    """
    x, w, s, p, _, d, (out_h, out_w) = check_transposed(
        x, w, stride, padding, output_padding, dilation
    )
    batch, in_channels, height, width = x.shape
    out_channels = w.shape[1]
    matrix = conv_matrix(w, (out_channels, out_h, out_w), stride=s, padding=p, dilation=d)
    # With output_padding ≥ s (allowed when d > s) the convolution has extra output
    # rows that the transposed input does not have: keep only C's first H×W rows.
    rows_h, rows_w = output_sizes(
        conv_output_size,
        (out_h, w.shape[2], s[0], p[0], d[0]),
        (out_w, w.shape[3], s[1], p[1], d[1]),
    )
    matrix = matrix.reshape(in_channels, rows_h, rows_w, -1)[:, :height, :width]
    flat = x.reshape(batch, -1) @ matrix.reshape(in_channels * height * width, -1)
    return flat.reshape(batch, out_channels, out_h, out_w)


def overlap_count(
    i: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0
) -> np.ndarray:
    """Return an (o, o) integer map: how many kernel taps of a transposed convolution land on each output pixel.

    Uneven counts are the "checkerboard" a transposed convolution imprints on its
    output. They are even in the interior when s divides k (and d = 1), but the
    borders still see fewer copies (e.g. k = 4, s = 2).
    """
    i = as_pair("i", i, 1)[0]
    k = as_pair("k", k, 1)[0]
    ones, kernel = np.ones((1, 1, i, i)), np.ones((1, 1, k, k))
    counts = conv_transpose2d(
        ones, kernel, stride=s, padding=p, output_padding=output_padding, dilation=d
    )
    return np.rint(counts[0, 0]).astype(int)


def upsample_three_ways(image: np.ndarray) -> dict[str, np.ndarray]:
    """Return ``image`` (H, W) upsampled ×2 three ways with flat kernels, each scaled to keep the brightness.

    ``"k=3, s=2"``: a transposed convolution whose kernel size the stride does not
    divide (checkerboard); ``"k=4, s=2"``: one where it does (even inside, darker
    border); ``"resize, then 3×3 conv"``: nearest-neighbour resize, then an
    ordinary convolution (even everywhere but the outermost ring).
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or min(image.shape) < 2:
        raise ValueError(f"image must be a 2-D array at least 2×2, got shape {image.shape}.")
    x = image[None, None]
    # Flat kernels divided by the average number of copies landing on a pixel.
    uneven = conv_transpose2d(
        x, np.ones((1, 1, 3, 3)) / 2.25, stride=2, padding=1, output_padding=1
    )
    even = conv_transpose2d(x, np.ones((1, 1, 4, 4)) / 4, stride=2, padding=1)
    resized = image.repeat(2, axis=0).repeat(2, axis=1)[None, None]
    smooth = conv2d(resized, np.ones((1, 1, 3, 3)) / 9, padding=1)
    return {
        "k=3, s=2": uneven[0, 0],
        "k=4, s=2": even[0, 0],
        "resize, then 3×3 conv": smooth[0, 0],
    }
