"""The receptive-field figure as an SVG string: what one output pixel of a stack of layers sees.

Pure function built from :mod:`cnn_lib.draw.base` primitives; the explorer in
:mod:`cnn_lib.widgets.receptive_field` shows it live and notebook 02 shows it as
a static figure. Two copies of the input side by side: on the left the field the
recurrence predicts (an ``r × r`` square centred at ``start + index·jump``), on
the right the pixels where PyTorch's input gradient is non-zero, with the same
square outlined, so the two can be compared by eye; then the output grid with
the chosen pixel.
"""

from __future__ import annotations

import numpy as np

from cnn_lib.draw.base import arrow, format_number, grid, label, svg, tint, window
from cnn_lib.palette import HIGHLIGHT_COLOR, INPUT_COLOR, OUTPUT_COLOR, TEXT_COLOR
from cnn_lib.receptive_field import FieldComparison, compare_field

__all__ = ["draw_field_comparison", "draw_receptive_field"]

PANEL_PIXELS = 260  # each input copy is drawn this wide, whatever the input size


def _panel(x: float, y: float, size: int, cell: float, fills, box, centre, title: str) -> str:
    """Return one input copy: shaded cells, the field's square and a dot at its centre."""
    (top, bottom), (left, right) = box
    cy, cx = (y + (centre[0] + 0.5) * cell, x + (centre[1] + 0.5) * cell)
    return "".join(
        [
            label(x, y - 10, title, 13, INPUT_COLOR, "start"),
            grid(shape=(size, size), x=x, y=y, cell=cell, fills=fills),
            window(
                top, left, bottom - top + 1, right - left + 1, x=x, y=y, cell=cell, stroke_width=2.5
            ),
            f'<circle cx="{cx:g}" cy="{cy:g}" r="{max(cell / 4, 2):g}" fill="{HIGHLIGHT_COLOR}"/>',
        ]
    )


def _gradient_fills(gradient: np.ndarray, levels: int = 8) -> dict:
    """Return {(row, col): colour} for non-zero gradient cells, darker for larger values, in a few tints."""
    tints = [tint(INPUT_COLOR, 0.2 + 0.7 * level / levels) for level in range(levels + 1)]
    scaled = np.ceil(gradient / gradient.max() * levels).astype(int)
    return {(a, b): tints[scaled[a, b]] for a, b in zip(*np.nonzero(gradient), strict=True)}


def draw_receptive_field(layers, input_size: int = 20, row: int = 1, column: int = 2) -> str:
    """Return an SVG: the field the recurrence predicts, torch's gradient support, and the output grid.

    ``layers`` as for :func:`cnn_lib.receptive_field.receptive_field`; ``row`` and
    ``column`` pick the output pixel of the last layer. Raises ValueError when the
    stack does not fit the input or the pixel is outside the output.
    """
    return draw_field_comparison(compare_field(layers, input_size, row, column))


def draw_field_comparison(comparison: FieldComparison) -> str:
    """Return the SVG of :func:`draw_receptive_field` for an already computed comparison."""
    input_size, (row, column) = comparison.input_size, comparison.pixel
    last = comparison.row
    cell = PANEL_PIXELS / input_size
    top, left = 34, 10
    predicted = {
        (a, b): tint(INPUT_COLOR, 0.45)
        for a in range(comparison.predicted[0][0], comparison.predicted[0][1] + 1)
        for b in range(comparison.predicted[1][0], comparison.predicted[1][1] + 1)
    }
    measured = _gradient_fills(comparison.gradient)
    right_x = left + PANEL_PIXELS + 40
    o = last.output_size
    out_cell = min(24.0, 140 / o)
    out_x = right_x + PANEL_PIXELS + 60
    r = last.receptive_field
    parts = [
        _panel(
            left,
            top,
            input_size,
            cell,
            predicted,
            comparison.predicted,
            comparison.centre,
            f"recurrence: r = {r}, j = {last.jump}",
        ),
        _panel(
            right_x,
            top,
            input_size,
            cell,
            measured,
            comparison.measured,
            comparison.centre,
            "torch: input gradient ≠ 0",
        ),
        label(out_x, top - 10, f"output {o}×{o}", 13, OUTPUT_COLOR, "start"),
        grid(
            shape=(o, o),
            x=out_x,
            y=top,
            cell=out_cell,
            fill=tint(OUTPUT_COLOR, 0.3),
            fills={(row, column): HIGHLIGHT_COLOR},
        ),
        # The arrow ends beside the panel at the height of the field's centre row.
        arrow(
            out_x - 6,
            top + (row + 0.5) * out_cell,
            right_x + input_size * cell + 8,
            top + (comparison.centre[0] + 0.5) * cell,
            HIGHLIGHT_COLOR,
        ),
    ]
    centre = ", ".join(format_number(value) for value in comparison.centre)
    notes = [
        f"output pixel ({row}, {column}) is centred at input ({centre}) = start + index·jump",
        "darker = larger gradient (more paths lead there); white inside the square = no path (holes)",
    ]
    if comparison.clipped:
        notes.append("the field runs past the border: only the part inside the input is drawn")
    for index, note in enumerate(notes):
        parts.append(
            label(left, top + PANEL_PIXELS + 22 + 17 * index, note, 12, TEXT_COLOR, "start")
        )
    height = top + PANEL_PIXELS + 22 + 17 * len(notes)
    return svg(parts, out_x + max(o * out_cell, 90) + 10, height, title="receptive field")
