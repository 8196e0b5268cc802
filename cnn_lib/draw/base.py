"""The drawing primitives every explorer and figure is built from: numbers in → SVG/HTML strings or PNG bytes out.

Every function here is pure (no widgets, no state), so tests call it without a
browser and the notebooks show the same strings as static figures. Figures are
built from *fragments* (``grid``, ``window``, ``arrow``, ``label`` …), each a
piece of SVG placed in pixel coordinates, and wrapped once by :func:`svg`.

Coordinates: ``x`` grows to the right, ``y`` downwards, in pixels; a grid's
cell ``(row, col)`` has its top-left corner at ``(x + col·cell, y + row·cell)``.
Colours always come from :mod:`cnn_lib.palette`.

The HTML pieces :func:`formula_html`, :func:`error_html` and :func:`check_html`
fill the explorers' ``cnn-formula``, ``cnn-error`` and ``cnn-check`` elements.
"""

from __future__ import annotations

import html
import io
import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np

from cnn_lib.palette import HIGHLIGHT_COLOR, OUTPUT_COLOR, PADDING_COLOR, TEXT_COLOR

__all__ = [
    "CELL",
    "FONT",
    "svg",
    "grid",
    "window",
    "dilated_window",
    "arrow",
    "label",
    "format_number",
    "tint",
    "value_fills",
    "formula_html",
    "error_html",
    "check_html",
    "array_to_png",
]

CELL = 28  # default cell side in pixels: room for a two-digit or "-1.5" number
FONT = "font-family:DejaVu Sans,Arial,sans-serif"

Cell = tuple[int, int]


def _check_positive(name: str, value, meaning: str) -> None:
    """Raise ValueError unless ``value`` is a positive number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value <= 0:
        raise ValueError(f"{name} ({meaning}) must be a positive number, got {value!r}.")


def _check_count(name: str, value, minimum: int, meaning: str) -> None:
    """Raise ValueError unless ``value`` is an int ≥ ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} ({meaning}) must be a whole number ≥ {minimum}, got {value!r}.")


def format_number(value: float, digits: int = 2) -> str:
    """Return ``value`` as short text: ``3``, ``-0.5``, ``0.25`` (trailing zeros dropped)."""
    value = float(value)
    if not math.isfinite(value) or abs(value) >= 1e6:
        return f"{value:.{digits}g}"  # huge numbers in scientific notation, not 300 digits
    if value == int(value):
        return str(int(value))
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tint(colour: str, amount: float) -> str:
    """Return ``colour`` (``#rrggbb``) mixed with white: ``amount`` 0 → white, 1 → the colour."""
    if not (isinstance(colour, str) and len(colour) == 7 and colour.startswith("#")):
        raise ValueError(f"colour must be a '#rrggbb' string, got {colour!r}.")
    amount = min(max(float(amount), 0.0), 1.0)
    channels = [int(colour[index : index + 2], 16) for index in (1, 3, 5)]
    mixed = [round(255 + (channel - 255) * amount) for channel in channels]
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def value_fills(values, colour: str, light: float = 0.12, strong: float = 0.6) -> np.ndarray:
    """Return an array of fill colours: ``colour`` tinted by each value's magnitude (a heat map)."""
    values = np.asarray(values, dtype=float)
    scale = np.max(np.abs(values)) if values.size else 0.0
    amounts = np.abs(values) / scale if scale > 0 else np.zeros_like(values)
    fills = np.empty(values.shape, dtype=object)
    for index, amount in np.ndenumerate(amounts):
        fills[index] = tint(colour, light + (strong - light) * amount)
    return fills


def svg(body: str | Iterable[str], width: float, height: float, title: str | None = None) -> str:
    """Return a complete ``<svg>`` document of ``width × height`` pixels around the fragments in ``body``."""
    _check_positive("width", width, "figure width in pixels")
    _check_positive("height", height, "figure height in pixels")
    if not isinstance(body, str):
        body = "".join(body)
    heading = f"<title>{html.escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" style="{FONT}">{heading}{body}</svg>'
    )


def label(
    x: float,
    y: float,
    text: str,
    size: float = 13,
    colour: str = TEXT_COLOR,
    anchor: str = "middle",
    bold: bool = False,
) -> str:
    """Return a text fragment at ``(x, y)`` (baseline); ``anchor`` is ``start``, ``middle`` or ``end``."""
    if anchor not in ("start", "middle", "end"):
        raise ValueError(f"anchor must be 'start', 'middle' or 'end', got {anchor!r}.")
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{colour}" '
        f'text-anchor="{anchor}"{weight}>{html.escape(str(text))}</text>'
    )


def grid(
    values=None,
    *,
    shape: Cell | None = None,
    x: float = 0,
    y: float = 0,
    cell: float = CELL,
    fill: str = "#ffffff",
    fills=None,
    padding: int = 0,
    padding_fill: str = PADDING_COLOR,
    text_colour: str = TEXT_COLOR,
    digits: int = 2,
    font_size: float | None = None,
) -> str:
    """Return a fragment drawing a grid of cells, with each value written in its cell.

    ``values`` is a 2-D array of numbers (an object array may also hold strings,
    written as they are, and ``None`` for an empty cell), or ``None`` with
    ``shape=(rows, cols)`` for an empty grid. ``fills`` gives per-cell colours: a 2-D array of colour strings
    (``None`` entries keep ``fill``) or a ``{(row, col): colour}`` mapping. The
    outer ``padding`` rings of cells are shaded with ``padding_fill`` (pass the
    padded array as ``values``, so the padding's zeros are written in).
    """
    if values is not None:
        values = np.asarray(values)
        if values.ndim != 2 or values.size == 0:
            raise ValueError(f"values must be a non-empty 2-D array, got shape {values.shape}.")
        rows, cols = values.shape
    elif shape is not None:
        rows, cols = shape
        _check_count("shape[0]", rows, 1, "number of rows")
        _check_count("shape[1]", cols, 1, "number of columns")
    else:
        raise ValueError("grid needs values (a 2-D array) or shape=(rows, cols).")
    _check_positive("cell", cell, "cell side in pixels")
    _check_count("padding", padding, 0, "rings of padding cells")
    if 2 * padding >= min(rows, cols):
        raise ValueError(
            f"padding={padding} leaves no inner cells in a {rows}×{cols} grid; use less padding."
        )
    fill_at = _fill_lookup(fills, rows, cols)
    size = font_size or max(8.0, cell * 0.42)
    parts = []
    for row in range(rows):
        for col in range(cols):
            in_padding = min(row, col, rows - 1 - row, cols - 1 - col) < padding
            colour = fill_at(row, col) or (padding_fill if in_padding else fill)
            left, top = x + col * cell, y + row * cell
            parts.append(
                f'<rect x="{left:g}" y="{top:g}" width="{cell:g}" height="{cell:g}" '
                f'fill="{colour}" stroke="#666666" stroke-width="1"/>'
            )
            text = _cell_text(values, row, col, digits)
            if text:
                parts.append(
                    label(left + cell / 2, top + cell / 2 + size * 0.36, text, size, text_colour)
                )
    return "".join(parts)


def _cell_text(values, row: int, col: int, digits: int) -> str:
    """Return the text of one cell: a number formatted short, a string as is, None as nothing."""
    if values is None:
        return ""
    value = values[row, col]
    if value is None or isinstance(value, str):
        return value or ""
    return format_number(value, digits)


def _fill_lookup(fills, rows: int, cols: int):
    """Return a function (row, col) → colour or None, from an array or a mapping of fills."""
    if fills is None:
        return lambda row, col: None
    if isinstance(fills, Mapping):
        return lambda row, col: fills.get((row, col))
    fills = np.asarray(fills, dtype=object)
    if fills.shape != (rows, cols):
        raise ValueError(f"fills must have the grid's shape {(rows, cols)}, got {fills.shape}.")
    return lambda row, col: fills[row, col]


def window(
    row: int,
    col: int,
    rows: int,
    cols: int | None = None,
    *,
    x: float = 0,
    y: float = 0,
    cell: float = CELL,
    colour: str = HIGHLIGHT_COLOR,
    stroke_width: float = 3,
    fill_opacity: float = 0.0,
    dashed: bool = False,
) -> str:
    """Return a rectangle outlining ``rows × cols`` cells whose top-left cell is ``(row, col)`` of a grid at ``(x, y)``."""
    cols = rows if cols is None else cols
    _check_count("row", row, 0, "top row of the window")
    _check_count("col", col, 0, "left column of the window")
    _check_count("rows", rows, 1, "window height in cells")
    _check_count("cols", cols, 1, "window width in cells")
    dash = ' stroke-dasharray="6 3"' if dashed else ""
    return (
        f'<rect x="{x + col * cell:g}" y="{y + row * cell:g}" width="{cols * cell:g}" '
        f'height="{rows * cell:g}" fill="{colour}" fill-opacity="{fill_opacity:g}" '
        f'stroke="{colour}" stroke-width="{stroke_width:g}"{dash}/>'
    )


def dilated_window(
    row: int,
    col: int,
    k: int,
    d: int = 1,
    *,
    x: float = 0,
    y: float = 0,
    cell: float = CELL,
    colour: str = HIGHLIGHT_COLOR,
    fill_opacity: float = 0.35,
) -> str:
    """Return a fragment marking the ``k × k`` cells a kernel with dilation ``d`` touches, from ``(row, col)``.

    The span ``d(k−1)+1`` is outlined; the touched cells (every d-th) are filled.
    """
    _check_count("k", k, 1, "kernel size")
    _check_count("d", d, 1, "dilation")
    span = d * (k - 1) + 1
    parts = [window(row, col, span, x=x, y=y, cell=cell, colour=colour, stroke_width=2.5)]
    for a in range(k):
        for b in range(k):
            parts.append(
                window(
                    row + a * d,
                    col + b * d,
                    1,
                    x=x,
                    y=y,
                    cell=cell,
                    colour=colour,
                    stroke_width=0,
                    fill_opacity=fill_opacity,
                )
            )
    return "".join(parts)


def arrow(
    x1: float, y1: float, x2: float, y2: float, colour: str = OUTPUT_COLOR, width: float = 2
) -> str:
    """Return a line from ``(x1, y1)`` to ``(x2, y2)`` with an arrowhead at the end."""
    length = float(np.hypot(x2 - x1, y2 - y1))
    if length == 0:
        raise ValueError("arrow needs two different points; the start equals the end.")
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    head = 4 + 3 * width
    # Two barbs at ±25° from the shaft, so the head stays the same shape at any angle.
    left = (x2 - head * (ux * 0.906 - uy * 0.423), y2 - head * (uy * 0.906 + ux * 0.423))
    right = (x2 - head * (ux * 0.906 + uy * 0.423), y2 - head * (uy * 0.906 - ux * 0.423))
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2 - ux * head * 0.8:g}" y2="{y2 - uy * head * 0.8:g}" '
        f'stroke="{colour}" stroke-width="{width:g}"/>'
        f'<polygon points="{x2:g},{y2:g} {left[0]:g},{left[1]:g} {right[0]:g},{right[1]:g}" '
        f'fill="{colour}"/>'
    )


# ----------------------------------------------------------------------------
# HTML pieces of an explorer
# ----------------------------------------------------------------------------


def formula_html(text: str) -> str:
    """Return the substituted formula as HTML for a ``cnn-formula`` element (monospace, escaped)."""
    return (
        # pre-wrap keeps the spaces that line up aligned columns of a formula.
        '<div style="font-family:monospace;font-size:15px;padding:4px 0;white-space:pre-wrap">'
        f"{html.escape(text)}</div>"
    )


def error_html(message: str) -> str:
    """Return an error message as HTML for a ``cnn-error`` element; empty text gives an empty string."""
    if not message:
        return ""
    return (
        f'<div style="color:{HIGHLIGHT_COLOR};border-left:4px solid {HIGHLIGHT_COLOR};'
        f'padding:4px 8px;background:#fff4ee">⚠ {html.escape(message)}</div>'
    )


def check_html(agrees: bool, text: str) -> str:
    """Return a ✓/✗ line for a ``cnn-check`` element, e.g. the comparison with PyTorch."""
    mark, colour = ("✓", OUTPUT_COLOR) if agrees else ("✗", HIGHLIGHT_COLOR)
    return f'<div style="color:{colour}">{mark} {html.escape(text)}</div>'


# ----------------------------------------------------------------------------
# Photos and feature maps
# ----------------------------------------------------------------------------


def array_to_png(image, *, symmetric: bool = False, vmin=None, vmax=None, scale: int = 1) -> bytes:
    """Return PNG bytes of a (H, W) grayscale or (H, W, 3) colour array, stretched to [vmin, vmax].

    ``symmetric=True`` maps 0 to mid-grey and ±max|value| to black/white, the
    honest view of a feature map with negative responses (edges). ``scale``
    enlarges each pixel to ``scale × scale`` (nearest neighbour) for small grids.
    """
    from PIL import Image

    image = np.asarray(image, dtype=float)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3) or image.size == 0:
        raise ValueError(f"image must have shape (H, W) or (H, W, 3), got {image.shape}.")
    _check_count("scale", scale, 1, "pixel enlargement")
    if not np.all(np.isfinite(image)):
        raise ValueError("image contains NaN or infinite values; check the kernel's numbers.")
    if symmetric:
        bound = float(np.max(np.abs(image))) or 1.0
        low, high = -bound, bound
    else:
        low = float(np.min(image)) if vmin is None else float(vmin)
        high = float(np.max(image)) if vmax is None else float(vmax)
    span = high - low if high > low else 1.0
    pixels = np.clip((image - low) / span, 0.0, 1.0)
    pixels = (pixels * 255 + 0.5).astype(np.uint8)
    if scale > 1:
        pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    # compress_level=1: a 256×256 map encodes in ~2 ms instead of ~10 ms, fine for a live view.
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
