"""Figures of pooling as SVG strings and PNG bytes: windows over a grid, max-unpooling, a pooled photo.

Pure functions built from :mod:`cnn_lib.draw.base` primitives; the explorer in
:mod:`cnn_lib.widgets.pooling` shows them live and notebook 03 shows them as
static figures. Symbols: ``i`` input size, ``k`` window size, ``s`` stride,
``p`` padding (square grids and windows).
"""

from __future__ import annotations

import numpy as np

from cnn_lib.draw.base import CELL, array_to_png, arrow, grid, label, svg, tint, value_fills, window
from cnn_lib.ops import pool2d
from cnn_lib.palette import EXTRA_COLOR, HIGHLIGHT_COLOR, INPUT_COLOR, OUTPUT_COLOR, TEXT_COLOR

__all__ = [
    "pool_grid",
    "draw_pooling",
    "draw_unpooling",
    "pooled_photo_png",
]

# What each mode pads with: the value that never wins (max, min) or adds nothing (avg).
PAD_TEXT = {"max": "−∞", "min": "+∞", "avg": "0", "lp": "0"}
GRID_PIXELS = 300


def pool_grid(
    x, k: int, s: int | None = None, p: int = 0, mode: str = "max", ceil_mode: bool = False
):
    """Return the 2-D grid ``x`` pooled with :func:`cnn_lib.ops.pool2d` (raises its ValueError for bad settings)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D grid, got shape {x.shape}.")
    return pool2d(x[None, None], k, stride=s, padding=p, mode=mode, ceil_mode=ceil_mode)[0, 0]


def _padded_text(x: np.ndarray, p: int, mode: str) -> np.ndarray:
    """Return the padded grid as text: the input's numbers inside, the mode's padding value around."""
    size = x.shape[0] + 2 * p
    text = np.full((size, size), PAD_TEXT[mode], dtype=object)
    text[p : p + x.shape[0], p : p + x.shape[1]] = [[f"{v:g}" for v in row] for row in x]
    return text


def draw_pooling(
    x, k: int = 2, s: int | None = None, p: int = 0, mode: str = "max", ceil_mode: bool = False
) -> str:
    """Return an SVG of pooling a small grid: padded input, every window (first one solid), the pooled output.

    Window colours alternate so overlapping windows (s < k) stay visible; the
    cell each max/min window picks is ringed. Raises pool2d's ValueError.
    """
    x = np.asarray(x, dtype=float)
    out = pool_grid(x, k, s, p, mode, ceil_mode)
    s = k if s is None else s
    i, o = x.shape[0], out.shape[0]
    size = i + 2 * p
    # In ceil mode the last window may reach past the padded grid: draw room for it.
    reach = max(size, (o - 1) * s + k)
    cell = min(CELL, GRID_PIXELS / reach)
    left, top = 20, 48
    title = f"input {i}×{i}" + (f", padded by {p} (padding holds {PAD_TEXT[mode]})" if p else "")
    parts = [label(left, 18, title, 13, INPUT_COLOR, "start")]
    inside = {(r, c): tint(INPUT_COLOR, 0.18) for r in range(p, p + i) for c in range(p, p + i)}
    text = _padded_text(x, p, mode)
    parts.append(
        grid(text, x=left, y=top, cell=cell, fills=inside, padding=p, font_size=cell * 0.4)
    )
    parts += _window_outlines(o, k, s, left, top, cell)
    if mode in ("max", "min"):
        parts += _picked_cells(x, k, s, p, o, mode, left, top, cell)
    out_cell = min(CELL + 6, 200 / o)
    out_x, out_y = left + reach * cell + 70, top
    fills = value_fills(out, OUTPUT_COLOR) if np.all(np.isfinite(out)) else None
    parts.append(grid(out, x=out_x, y=out_y, cell=out_cell, fills=fills, font_size=out_cell * 0.38))
    parts.append(label(out_x, out_y - 10, f"{mode} pool → {o}×{o}", 13, OUTPUT_COLOR, "start"))
    parts.append(
        arrow(
            left + reach * cell + 8,
            top + k * cell / 2,
            out_x - 6,
            out_y + out_cell / 2,
            HIGHLIGHT_COLOR,
        )
    )
    note = f"k={k}, s={s}: " + (
        "windows overlap" if s < k else "windows tile" if s == k else "pixels skipped"
    )
    parts.append(label(left, top + reach * cell + 22, note, 12, TEXT_COLOR, "start"))
    width = out_x + max(o * out_cell, 120) + 20
    return svg(parts, width, top + reach * cell + 32, title=f"{mode} pooling")


def _window_outlines(o: int, k: int, s: int, left: float, top: float, cell: float) -> list[str]:
    """Return one outline per window: the first solid, the rest dashed in alternating colours."""
    colours = (HIGHLIGHT_COLOR, EXTRA_COLOR)
    outlines = []
    for row in range(o):
        for col in range(o):
            first = row == col == 0
            # A 0–2 px nudge keeps the edges of overlapping windows apart.
            nudge = 2 * (row + col) % 3
            outlines.append(
                window(
                    row * s,
                    col * s,
                    k,
                    x=left + nudge,
                    y=top,
                    cell=cell,
                    colour=colours[(row + col) % 2],
                    stroke_width=3 if first else 1.5,
                    dashed=not first,
                    fill_opacity=0.12 if first else 0.0,
                )
            )
    return outlines


def _picked_cells(x, k, s, p, o, mode, left, top, cell) -> list[str]:
    """Return rings around the input cell each max (min) window picks (the first such cell)."""
    padded = np.pad(x, p, constant_values=-np.inf if mode == "max" else np.inf)
    rings = []
    for row in range(o):
        for col in range(o):
            patch = padded[row * s : row * s + k, col * s : col * s + k]
            flat = np.argmax(patch) if mode == "max" else np.argmin(patch)
            r, c = divmod(int(flat), patch.shape[1])
            cx, cy = left + (col * s + c + 0.5) * cell, top + (row * s + r + 0.5) * cell
            rings.append(
                f'<circle cx="{cx:g}" cy="{cy:g}" r="{cell * 0.42:g}" fill="none" '
                f'stroke="{OUTPUT_COLOR}" stroke-width="2"/>'
            )
    return rings


def draw_unpooling(x, values, indices, unpooled, k: int = 2) -> str:
    """Return an SVG of max-unpooling: input with maxima marked, the pooled values, and the unpooled grid.

    ``values`` and ``indices`` are what ``max_pool2d(..., return_indices=True)``
    returns for the 2-D grid ``x`` (indices count row-major in ``x``);
    ``unpooled`` is ``max_unpool2d``'s result: each max back at its place, zeros elsewhere.
    """
    x, values = np.asarray(x, dtype=float), np.asarray(values, dtype=float)
    indices, unpooled = np.asarray(indices), np.asarray(unpooled, dtype=float)
    if x.ndim != 2 or values.shape != indices.shape or unpooled.shape != x.shape:
        raise ValueError(
            "x and unpooled must be 2-D grids of one shape, values and indices of another; "
            f"got {x.shape}, {values.shape}, {indices.shape}, {unpooled.shape}."
        )
    picked = {divmod(int(index), x.shape[1]): tint(OUTPUT_COLOR, 0.55) for index in indices.ravel()}
    inside = {(r, c): tint(INPUT_COLOR, 0.18) for r in range(x.shape[0]) for c in range(x.shape[1])}
    parts, top, left = [], 40, 20
    panels = [
        ("input (maxima marked)", x, {**inside, **picked}),
        (f"max pool {k}×{k}", values, None),
        ("indices", indices, None),
        ("max-unpool: back in place", unpooled, picked),
    ]
    for title, array, fills in panels:
        colour = OUTPUT_COLOR if fills is None else INPUT_COLOR
        parts.append(label(left, top - 12, title, 13, colour, "start"))
        parts.append(
            grid(
                array,
                x=left,
                y=top,
                fills=fills,
                fill=tint(OUTPUT_COLOR, 0.25) if fills is None else "#ffffff",
            )
        )
        for r in range(0, array.shape[0], k if array.shape == x.shape else array.shape[0]):
            for c in range(0, array.shape[1], k if array.shape == x.shape else array.shape[1]):
                if array.shape == x.shape:
                    parts.append(
                        window(r, c, k, x=left, y=top, colour=TEXT_COLOR, stroke_width=1.5)
                    )
        left += max(array.shape[1] * CELL, 150) + 30
    height = top + x.shape[0] * CELL + 10
    return svg(parts, left - 10, height, title="max unpooling")


def pooled_photo_png(
    feature_map,
    k: int,
    s: int | None = None,
    p: int = 0,
    mode: str = "max",
    ceil_mode: bool = False,
) -> tuple[bytes, tuple[int, int]]:
    """Return PNG bytes of a pooled feature map, enlarged back to about the map's size, and the pooled shape."""
    feature_map = np.asarray(feature_map, dtype=float)
    pooled = pool_grid(feature_map, k, s, p, mode, ceil_mode)
    scale = max(1, round(feature_map.shape[0] / pooled.shape[0]))
    bound = float(np.percentile(np.abs(feature_map), 99)) or 1.0
    # Min pooling of a ReLU map is mostly 0; one fixed scale keeps all four modes comparable.
    return array_to_png(pooled, vmin=0.0, vmax=bound, scale=scale), pooled.shape
