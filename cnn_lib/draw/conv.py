"""Figures of a convolution as SVG strings: the output-size picture and one step of the sliding window.

Pure functions built from :mod:`cnn_lib.draw.base` primitives; the explorers in
:mod:`cnn_lib.widgets.conv` show them live and the notebooks show them as static
figures. Symbols: ``i`` input size, ``k`` kernel size, ``s`` stride, ``p`` padding,
``d`` dilation (square inputs and kernels).
"""

from __future__ import annotations

import numpy as np

from cnn_lib.arithmetic import conv_output_size, effective_kernel_size
from cnn_lib.draw.base import (
    CELL,
    array_to_png,
    arrow,
    dilated_window,
    format_number,
    grid,
    label,
    svg,
    tint,
    value_fills,
    window,
)
from cnn_lib.ops import conv2d
from cnn_lib.palette import (
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    TEXT_COLOR,
)

__all__ = [
    "draw_conv_arithmetic",
    "draw_conv_step",
    "draw_kernel_overhang",
    "draw_padded_input",
    "draw_padding_modes",
    "pad_grid",
    "feature_map_png",
    "window_positions",
]

GRID_PIXELS = 330  # the padded input is drawn at most this wide, so the figure never jumps


def window_positions(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> list[int]:
    """Return the padded-input coordinate where each window starts along one axis: 0, s, 2s, …"""
    return [index * s for index in range(conv_output_size(i, k, s, p, d))]


def _padded_labels(i: int, p: int) -> np.ndarray:
    """Return an (i+2p)² object array: "0" in the padding, empty inside (the input's values do not matter here)."""
    size = i + 2 * p
    labels = np.full((size, size), "0", dtype=object)
    labels[p : p + i, p : p + i] = None
    return labels


def draw_padded_input(
    i: int, p: int = 0, *, x: float = 10, y: float = 10, cell: float = CELL
) -> str:
    """Return a fragment of the padded input: i×i input cells, p rings of zero padding shaded."""
    inside = {(r, c): tint(INPUT_COLOR, 0.18) for r in range(p, p + i) for c in range(p, p + i)}
    # Below ~20 px a "0" in every padding cell is clutter; the grey alone says "padding".
    return grid(
        _padded_labels(i, p) if cell >= 20 else None,
        shape=(i + 2 * p, i + 2 * p),
        x=x,
        y=y,
        cell=cell,
        fills=inside,
        padding=p,
        font_size=cell * 0.38,
    )


def _input_caption(i: int, p: int) -> str:
    """Return the caption above the input grid: its size, and the padded size when p > 0."""
    size = i + 2 * p
    return f"input {i}×{i}, padded to {size}×{size}" if p else f"input {i}×{i}, no padding"


def _coverage(i: int, k: int, s: int, p: int, d: int, positions: list[int]) -> np.ndarray:
    """Return a boolean (i+2p) vector: which padded rows some kernel tap touches."""
    covered = np.zeros(i + 2 * p, dtype=bool)
    for start in positions:
        covered[start : start + d * (k - 1) + 1 : d] = True
    return covered


def draw_conv_arithmetic(i: int = 7, k: int = 3, s: int = 2, p: int = 1, d: int = 1) -> str:
    """Return an SVG of a convolution's sizes: padded input, every window the stride visits, output grid.

    Above the input, one bar per window position (along the columns) shows where
    each window starts and how far it reaches; a dot marks the top-left pixel of
    every window; rows/columns no kernel tap touches are dashed. The first window is highlighted and an arrow leads to output
    cell (0, 0). Raises ValueError (from :func:`conv_output_size`) if no window fits.
    """
    o = conv_output_size(i, k, s, p, d)
    size, span = i + 2 * p, effective_kernel_size(k, d)
    positions = window_positions(i, k, s, p, d)
    cell = min(CELL, GRID_PIXELS / size)
    bar_step = min(8.0, 90 / len(positions))
    left, top = 30, 40 + bar_step * len(positions)
    parts = [label(left, 16, _input_caption(i, p), 13, INPUT_COLOR, "start")]
    for index, start in enumerate(positions):
        bar_y = top - 6 - bar_step * (len(positions) - index)
        parts.append(
            f'<rect x="{left + start * cell:g}" y="{bar_y:g}" width="{span * cell:g}" '
            f'height="{max(bar_step - 2, 2):g}" fill="{KERNEL_COLOR}" rx="2"/>'
        )
    parts.append(draw_padded_input(i, p, x=left, y=top, cell=cell))
    # Shade rows and columns that no kernel tap touches: the pixels the stride (and floor) skips.
    covered = _coverage(i, k, s, p, d, positions)
    for index in np.flatnonzero(~covered):
        parts.append(_skipped_band(index, size, left, top, cell))
    parts.append(dilated_window(0, 0, k, d, x=left, y=top, cell=cell))
    # One dot in the top-left cell of every window the stride visits (o × o of them).
    radius = max(1.5, cell * 0.1)
    for row in positions:
        for col in positions:
            parts.append(
                f'<circle cx="{left + col * cell + radius + 2:g}" cy="{top + row * cell + radius + 2:g}" '
                f'r="{radius:g}" fill="{HIGHLIGHT_COLOR}"/>'
            )
    out_cell = min(CELL, 220 / o)
    out_x, out_y = left + size * cell + 70, top
    fills = {(0, 0): tint(HIGHLIGHT_COLOR, 0.45)}
    parts.append(
        grid(
            shape=(o, o), x=out_x, y=out_y, cell=out_cell, fill=tint(OUTPUT_COLOR, 0.3), fills=fills
        )
    )
    parts.append(label(out_x, out_y - 10, f"output {o}×{o}", 13, OUTPUT_COLOR, "start"))
    parts.append(
        # From the input's right edge, level with the first window, so it crosses no numbers.
        arrow(
            left + size * cell + 6,
            top + min(span, size) * cell / 2,
            out_x - 4,
            out_y + out_cell / 2,
            HIGHLIGHT_COLOR,
        )
    )
    starts = ", ".join(map(str, positions[:8])) + (" …" if len(positions) > 8 else "")
    count = f"{len(positions)} window position" + ("s" if len(positions) > 1 else "")
    notes = [
        f"bars: the {count} per row, starting at {starts}",
        f"dots: the top-left pixel of each of the {o}×{o} = {o * o} windows",
    ]
    if not covered.all():
        notes.append("dashed: rows and columns that no kernel tap touches")
    for index, note in enumerate(notes):
        parts.append(
            label(left, top + size * cell + 20 + 16 * index, note, 12, TEXT_COLOR, "start")
        )
    width = max(out_x + max(o * out_cell, 90) + 20, left + 400)
    return svg(
        parts, width, top + size * cell + 20 + 16 * len(notes), title="convolution output size"
    )


def draw_kernel_overhang(i: int, k: int, p: int = 0, d: int = 1) -> str:
    """Return an SVG of a kernel too large for its padded input: the input, and the kernel's span dashed over it.

    This is what the arithmetic explorer shows when no window fits.
    """
    size, span = i + 2 * p, effective_kernel_size(k, d)
    cell = min(CELL, GRID_PIXELS / max(size, span))
    left, top = 30, 40
    caption = f"the kernel spans {span} pixels, the padded input only {size}: it fits nowhere"
    parts = [
        label(left, 16, _input_caption(i, p), 13, INPUT_COLOR, "start"),
        draw_padded_input(i, p, x=left, y=top, cell=cell),
        window(0, 0, span, x=left, y=top, cell=cell, colour=HIGHLIGHT_COLOR, dashed=True),
        label(left, top + span * cell + 20, caption, 12, HIGHLIGHT_COLOR, "start"),
    ]
    return svg(
        parts, left + max(size, span) * cell + 420, top + span * cell + 32, title="kernel too large"
    )


def _skipped_band(index: int, size: int, left: float, top: float, cell: float) -> str:
    """Return hatch-free white marks on the edges of a row and column that no window touches."""
    mark = f'fill="none" stroke="{HIGHLIGHT_COLOR}" stroke-width="1.5" stroke-dasharray="3 3"'
    return (
        f'<rect x="{left + index * cell + 2:g}" y="{top + 2:g}" width="{cell - 4:g}" height="{size * cell - 4:g}" {mark}/>'
        f'<rect x="{left + 2:g}" y="{top + index * cell + 2:g}" width="{size * cell - 4:g}" height="{cell - 4:g}" {mark}/>'
    )


def draw_conv_step(x, w, position: int, *, bias: float = 0.0, cell: float = CELL) -> str:
    """Return an SVG of one step of a stride-1, unpadded convolution of a small grid ``x`` with kernel ``w``.

    ``position`` counts windows row by row (0 is the top-left). Shown: the input
    with the window highlighted, the kernel, the element-wise products, their sum,
    the ``bias`` added to it (as ``torch.nn.Conv2d`` adds one per output channel) and the
    output grid filled up to this position.
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if x.ndim != 2 or w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(
            f"x must be a 2-D grid and w a square kernel; got shapes {x.shape} and {w.shape}."
        )
    out = conv2d(x[None, None], w[None, None])[0, 0] + bias
    rows, cols = out.shape
    if not (isinstance(position, (int, np.integer)) and 0 <= position < rows * cols):
        raise ValueError(
            f"position must be a whole number from 0 to {rows * cols - 1}, got {position!r}."
        )
    row, col = divmod(int(position), cols)
    k = w.shape[0]
    patch = x[row : row + k, col : col + k]
    products = patch * w
    top, left = 34, 10
    kernel_x = left + x.shape[1] * cell + 40
    product_cell = cell * 1.6
    product_x = kernel_x + k * cell + 40
    output_x = product_x + k * product_cell + 70
    parts = [
        label(left, 20, f"input {x.shape[0]}×{x.shape[1]}", 13, INPUT_COLOR, "start"),
        grid(x, x=left, y=top, cell=cell, fills=_window_fills(x.shape, row, col, k)),
        window(row, col, k, x=left, y=top, cell=cell),
        label(kernel_x, 20, "kernel", 13, KERNEL_COLOR, "start"),
        grid(w, x=kernel_x, y=top, cell=cell, fill=tint(KERNEL_COLOR, 0.35)),
        label(kernel_x - 20, top + k * cell / 2 + 6, "⊙", 18),
        label(product_x - 20, top + k * cell / 2 + 6, "=", 18),
        label(product_x, 20, "products", 13, TEXT_COLOR, "start"),
        grid(
            _product_text(patch, w),
            x=product_x,
            y=top,
            cell=product_cell,
            fills=value_fills(products, KERNEL_COLOR),
            font_size=11,
        ),
        label(
            product_x + k * product_cell / 2,
            top + k * product_cell + 20,
            f"sum = {format_number(products.sum())}",
            14,
            HIGHLIGHT_COLOR,
            bold=True,
        ),
        label(
            product_x + k * product_cell / 2,
            top + k * product_cell + 40,
            f"+ bias {_signed(bias)} → output[{row}, {col}] = {format_number(out[row, col])}",
            14,
            HIGHLIGHT_COLOR,
            bold=True,
        ),
        label(output_x, 20, f"output {rows}×{cols}", 13, OUTPUT_COLOR, "start"),
        grid(
            _filled_output(out, position),
            x=output_x,
            y=top,
            cell=cell,
            fills=_output_fills(out.shape, row, col, position),
        ),
        arrow(
            product_x + k * product_cell + 6,
            top + k * product_cell / 2,
            output_x - 4,
            top + row * cell + cell / 2,
            HIGHLIGHT_COLOR,
        ),
    ]
    height = top + max(x.shape[0] * cell, k * product_cell + 50) + 12
    return svg(parts, output_x + cols * cell + 12, height, title="one step of a convolution")


def _signed(value: float) -> str:
    """Return a number as a term of a sum: negative ones in parentheses, as in the products."""
    return f"({format_number(value)})" if value < 0 else format_number(value)


def _product_text(patch: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Return 'a·b' strings for each element-wise product of the window and the kernel."""
    text = np.empty(patch.shape, dtype=object)
    for index, value in np.ndenumerate(patch):
        weight = format_number(w[index])
        text[index] = f"{format_number(value)}·" + (f"({weight})" if w[index] < 0 else weight)
    return text


def _window_fills(shape: tuple[int, int], row: int, col: int, k: int) -> np.ndarray:
    fills = np.full(shape, tint(INPUT_COLOR, 0.15), dtype=object)
    fills[row : row + k, col : col + k] = tint(HIGHLIGHT_COLOR, 0.3)
    return fills


def _filled_output(out: np.ndarray, position: int) -> np.ndarray:
    """Return the output grid with values up to ``position`` and empty cells after it."""
    values = np.empty(out.shape, dtype=object)
    flat = values.reshape(-1)
    flat[: position + 1] = [format_number(v) for v in out.reshape(-1)[: position + 1]]
    return values


def _output_fills(shape: tuple[int, int], row: int, col: int, position: int) -> np.ndarray:
    fills = np.full(shape, "#ffffff", dtype=object)
    fills.reshape(-1)[:position] = tint(OUTPUT_COLOR, 0.3)
    fills[row, col] = tint(HIGHLIGHT_COLOR, 0.45)
    return fills


def feature_map_png(feature_map, w=None) -> bytes:
    """Return PNG bytes of a feature map, shown the way its kernel asks.

    A kernel whose weights sum to about 0 (an edge detector) gives signed
    responses: 0 becomes mid-grey, strong ± responses black/white (the
    strongest 1 % saturate). Otherwise
    (blurs, sharpen, identity) the map is an image again, clipped to [0, 1].
    """
    feature_map = np.asarray(feature_map, dtype=float)
    if w is not None and abs(float(np.sum(w))) < 1e-6:
        # Scale by the 99th percentile, not the maximum: a few very strong edges
        # would otherwise leave every other response an invisible grey.
        bound = float(np.percentile(np.abs(feature_map), 99)) or 1.0
        return array_to_png(feature_map, vmin=-bound, vmax=bound)
    return array_to_png(feature_map, vmin=0.0, vmax=1.0)


PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge"}  # torch → numpy


def pad_grid(x, p: int, mode: str) -> np.ndarray:
    """Return the 2-D grid ``x`` padded by ``p`` on each side with PyTorch's ``padding_mode`` ``mode``."""
    if mode not in PADDING_MODES:
        raise ValueError(
            f"mode must be one of {', '.join(PADDING_MODES)} (torch's padding_mode), got {mode!r}."
        )
    x = np.asarray(x, dtype=float)
    if mode == "reflect" and p >= min(x.shape):
        raise ValueError(
            f"p={p} is too large for reflect padding of a {x.shape} grid; use p < {min(x.shape)}."
        )
    return np.pad(x, p, mode=PADDING_MODES[mode])


def draw_padding_modes(x, p: int = 2, modes: tuple[str, ...] = tuple(PADDING_MODES)) -> str:
    """Return an SVG of the grid ``x`` padded by ``p`` with each padding mode, side by side, padding shaded."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D grid, got shape {x.shape}.")
    parts, left = [], 10
    for mode in modes:
        padded = pad_grid(x, p, mode)
        parts.append(label(left, 18, f"padding_mode='{mode}'", 13, TEXT_COLOR, "start"))
        parts.append(grid(padded, x=left, y=28, padding=p, fill=tint(INPUT_COLOR, 0.18)))
        left += padded.shape[1] * CELL + 30
    return svg(parts, left - 20, 28 + (x.shape[0] + 2 * p) * CELL + 10, title="padding modes")
