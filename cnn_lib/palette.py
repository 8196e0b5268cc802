"""The course's one colour scheme and plot style: every drawing, figure, plot and explorer imports it.

Colours come from the Okabe–Ito palette, which stays distinguishable with the
common forms of colour blindness. Every figure and explorer uses these names:
input is always blue, the kernel orange, the output green, padding grey.
Constants only (no matplotlib here): :func:`cnn_lib.plots.apply_style` applies :data:`STYLE`.
"""

from __future__ import annotations

INPUT_COLOR = "#0072B2"  # blue
KERNEL_COLOR = "#E69F00"  # orange
OUTPUT_COLOR = "#009E73"  # bluish green
PADDING_COLOR = "#BBBBBB"  # grey
HIGHLIGHT_COLOR = "#D55E00"  # vermillion: the element being looked at now
EXTRA_COLOR = "#CC79A7"  # reddish purple: a fifth category (e.g. pooling)
SKY_COLOR = "#56B4E9"  # sky blue: a lighter input tone
TEXT_COLOR = "#222222"

PALETTE = {
    "input": INPUT_COLOR,
    "kernel": KERNEL_COLOR,
    "output": OUTPUT_COLOR,
    "padding": PADDING_COLOR,
    "highlight": HIGHLIGHT_COLOR,
    "extra": EXTRA_COLOR,
    "sky": SKY_COLOR,
}

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled in by cnn_lib.plots.apply_style from PALETTE
    "image.cmap": "gray",
}
