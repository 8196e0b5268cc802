"""Figures of transposed convolution as SVG strings: the zero-inserted grid, the kernel and the output.

:func:`draw_transposed` is pure (numbers in, SVG string out); the explorer in
:mod:`cnn_lib.widgets.transposed` shows it live and notebook 04 as a static
figure (its overlap heatmaps are :func:`cnn_lib.plots.plot_overlap_maps`).
Symbols: ``i`` input size, ``k`` kernel size, ``s`` stride, ``p`` padding,
``d`` dilation, ``output_padding`` extra rows/columns on the bottom/right.
"""

from __future__ import annotations

import numpy as np

from cnn_lib.arithmetic import transposed_output_size
from cnn_lib.draw.base import (
    CELL,
    arrow,
    dilated_window,
    grid,
    label,
    svg,
    tint,
    value_fills,
    window,
)
from cnn_lib.ops.transposed import overlap_count, transposed_padding
from cnn_lib.palette import (
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    PADDING_COLOR,
    TEXT_COLOR,
)

__all__ = ["stretched_grid", "draw_transposed"]

PANEL_PIXELS = 300


def stretched_grid(i: int, s: int, pad: int, output_padding: int = 0) -> np.ndarray:
    """Return the grid the equivalent convolution reads, as labels: "x" input, "0" inserted zero, "p" padding.

    ``pad`` is d(k−1)−p; when it is negative the grid is shown uncropped (the
    caller marks what is cut off). ``output_padding`` adds rows/columns of "p"
    on the bottom/right.
    """
    inner = (i - 1) * s + 1
    ring = max(pad, 0)
    size = inner + 2 * ring + output_padding
    labels = np.full((size, size), "p", dtype=object)
    labels[ring : ring + inner, ring : ring + inner] = "0"
    labels[ring : ring + inner : s, ring : ring + inner : s] = "x"
    return labels


def _stretched_fills(labels: np.ndarray) -> np.ndarray:
    colours = {"x": tint(INPUT_COLOR, 0.45), "0": "#ffffff", "p": PADDING_COLOR}
    return np.vectorize(colours.get, otypes=[object])(labels)


def _stretched_panel(labels, s: int, k: int, d: int, pad: int, x: float, top: float, cell: float):
    """Return the fragments of the middle panel: title, zero-inserted grid, kernel or crop outline."""
    size = labels.shape[0]
    first = f"{s - 1} zero{'s' if s != 2 else ''} between inputs,"
    second = f"padded by d(k−1)−p = {pad}" if pad >= 0 else f"cropped by p−d(k−1) = {-pad}"
    text = np.where(labels == "x", "", "0") if cell >= 14 else None
    parts = [
        label(x, 16, first, 12, TEXT_COLOR, "start"),
        label(x, 32, second, 12, TEXT_COLOR, "start"),
        grid(
            text,
            shape=(size, size),
            x=x,
            y=top,
            cell=cell,
            fills=_stretched_fills(labels),
            font_size=cell * 0.45,
        ),
    ]
    if pad >= 0:
        parts.append(dilated_window(0, 0, k, d, x=x, y=top, cell=cell, colour=KERNEL_COLOR))
    else:
        kept = size + 2 * pad  # what survives cropping -pad from each side
        parts.append(
            window(
                -pad,
                -pad,
                kept,
                x=x,
                y=top,
                cell=cell,
                colour=HIGHLIGHT_COLOR,
                stroke_width=2.5,
                dashed=True,
            )
        )
    return parts


def _output_panel(counts: np.ndarray, x: float, top: float, cell: float) -> list[str]:
    """Return the fragments of the output panel: its title and the grid of copy counts."""
    o = counts.shape[0]
    return [
        label(x, 16, f"output {o}×{o}:", 12, OUTPUT_COLOR, "start"),
        label(x, 32, "kernel copies per pixel", 12, OUTPUT_COLOR, "start"),
        grid(
            counts if cell >= 14 else None,
            shape=(o, o),
            x=x,
            y=top,
            cell=cell,
            fills=value_fills(counts, OUTPUT_COLOR, 0.1, 0.75),
            font_size=cell * 0.45,
        ),
    ]


def draw_transposed(
    i: int = 3, k: int = 3, s: int = 2, p: int = 0, output_padding: int = 0, d: int = 1
) -> str:
    """Return an SVG of a transposed convolution's sizes: input, zero-inserted and padded grid, output.

    The output cells hold how many kernel copies land on each (uneven counts are
    the checkerboard). Raises ValueError (from :func:`transposed_output_size`)
    for a combination PyTorch refuses.
    """
    o = transposed_output_size(i, k, s, p, d, output_padding)
    pad = transposed_padding(k, p, d)
    labels = stretched_grid(i, s, pad, output_padding)
    size = labels.shape[0]
    in_cell = min(CELL, 110 / i)
    cell = min(CELL - 4, PANEL_PIXELS / size)
    left, top = 10, 48
    parts = [label(left, 18, f"input {i}×{i}", 13, INPUT_COLOR, "start")]
    parts.append(grid(shape=(i, i), x=left, y=top, cell=in_cell, fill=tint(INPUT_COLOR, 0.45)))
    mid = left + i * in_cell + 60
    parts.append(arrow(left + i * in_cell + 8, top + 20, mid - 8, top + 20, INPUT_COLOR))
    parts += _stretched_panel(labels, s, k, d, pad, mid, top, cell)
    right = mid + max(size * cell, 190) + 50
    parts.append(arrow(mid + size * cell + 8, top + 20, right - 8, top + 20, OUTPUT_COLOR))
    counts = overlap_count(i, k, s, p, d, output_padding)
    out_cell = min(CELL - 4, PANEL_PIXELS / o)
    parts += _output_panel(counts, right, top, out_cell)
    notes = [
        "blue: input values · white: inserted zeros · grey: padding"
        + (" and output_padding (bottom/right)" if output_padding else ""),
        "orange: the flipped kernel's first position"
        if pad >= 0
        else "dashed: what the crop keeps",
    ]
    bottom = top + max(size * cell, o * out_cell, i * in_cell) + 22
    for index, note in enumerate(notes):
        parts.append(label(left, bottom + 16 * index, note, 12, TEXT_COLOR, "start"))
    width = max(right + max(o * out_cell, 170) + 10, 560)
    return svg(parts, width, bottom + 26, title="transposed convolution sizes")
