"""The course's one colour scheme and plot style.

Colours come from the Okabe–Ito palette, which stays distinguishable with the
common forms of colour blindness. Every figure and explorer uses these names:
input is always blue, the kernel orange, the output green, padding grey.
"""

from __future__ import annotations

import numpy as np

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
    "axes.prop_cycle": None,  # filled in by apply_style from PALETTE
    "image.cmap": "gray",
}


def apply_style() -> None:
    """Apply the course's matplotlib style (fonts, colour cycle). Called by setup_notebook."""
    import matplotlib as mpl
    from cycler import cycler

    style = dict(STYLE)
    style["axes.prop_cycle"] = cycler(
        color=[INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, HIGHLIGHT_COLOR, EXTRA_COLOR, SKY_COLOR]
    )
    mpl.rcParams.update(style)


# ----------------------------------------------------------------------------
# Plotting helpers shared by notebooks 05 and 06. Each returns a matplotlib
# Figure already closed in pyplot, so a notebook cell that ends with the call
# shows it exactly once and nothing is left open.
# ----------------------------------------------------------------------------


def _figure(width: float, height: float):
    """Return a new constrained-layout Figure of ``width × height`` inches, already closed in pyplot."""
    import matplotlib.pyplot as plt

    # Made through pyplot so IPython's inline backend knows how to display it, then closed
    # at once so a cell ending with the call shows it exactly once and nothing stays open.
    figure = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(figure)
    return figure


def _as_image_stack(images) -> np.ndarray:
    """Return images as a float array (N, H, W) or (N, H, W, 3), from NCHW/NHWC/NHW input."""
    array = np.asarray(images.detach().cpu() if hasattr(images, "detach") else images, dtype=float)
    if array.ndim == 4 and array.shape[1] in (1, 3) and array.shape[-1] not in (1, 3):
        array = array.transpose(0, 2, 3, 1)  # NCHW → NHWC
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (3, 4) or len(array) == 0:
        raise ValueError(
            f"images must be a non-empty stack (N, H, W), (N, 1|3, H, W) or (N, H, W, 3); "
            f"got shape {array.shape}."
        )
    return array


def plot_history(history: dict[str, list[float]], x: str = "epoch", title: str = "Training"):
    """Return loss curves (every key with ``loss``) beside accuracy curves (keys with ``accuracy``)."""
    if x not in history or not history[x]:
        raise ValueError(
            f"history must have a non-empty {x!r} list to plot against; got {sorted(history)}."
        )
    groups = [(word, [k for k in history if word in k]) for word in ("loss", "accuracy")]
    groups = [(word, keys) for word, keys in groups if keys]
    if not groups:
        raise ValueError("history has no key containing 'loss' or 'accuracy' to plot.")
    figure = _figure(5.2 * len(groups), 3.4)
    colours = {"train": INPUT_COLOR, "test": KERNEL_COLOR}
    for axes, (word, keys) in zip(
        figure.subplots(1, len(groups), squeeze=False)[0], groups, strict=True
    ):
        for index, key in enumerate(keys):
            fallback = [INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, HIGHLIGHT_COLOR][index % 4]
            colour = colours.get(key.split("_")[0], fallback)
            axes.plot(
                history[x],
                history[key],
                marker="o",
                ms=3,
                color=colour,
                label=key.replace("_", " "),
            )
        axes.set_xlabel(x)
        axes.set_ylabel(word)
        axes.set_title(f"{title}: {word}")
        axes.legend(frameon=False)
    return figure


def plot_image_grid(
    images,
    titles=None,
    columns: int = 10,
    size: float = 1.1,
    title: str | None = None,
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    title_colors=None,
):
    """Return a grid of images (grey or RGB), each with an optional title above it."""
    stack = _as_image_stack(images)
    if titles is not None and len(titles) != len(stack):
        raise ValueError(f"give one title per image: {len(stack)} images, {len(titles)} titles.")
    columns = max(1, min(columns, len(stack)))
    rows = -(-len(stack) // columns)
    extra = 0.25 if titles is not None else 0.0
    figure = _figure(size * columns, (size + extra) * rows + (0.35 if title else 0.0))
    grid = figure.subplots(rows, columns, squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index >= len(stack):
            continue
        shown = stack[index]
        if stack.ndim == 4:  # RGB: imshow ignores vmin/vmax, so map to [0, 1] here
            low, high = (0.0 if vmin is None else vmin), (1.0 if vmax is None else vmax)
            shown = np.clip((shown - low) / (high - low), 0.0, 1.0)
        axes.imshow(shown, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
        if titles is not None:
            colour = title_colors[index] if title_colors is not None else TEXT_COLOR
            axes.set_title(str(titles[index]), fontsize=9, color=colour)
    if title:
        figure.suptitle(title)
    return figure


def _symmetric_limits(array: np.ndarray) -> tuple[float, float]:
    bound = float(np.max(np.abs(array))) or 1.0
    return -bound, bound


def plot_kernels(weights, columns: int = 8, size: float = 0.9, title: str = "Learned kernels"):
    """Return each kernel of a conv weight (C_out, C_in, k, k) as an image: 0 mid-grey, + light, − dark.

    One input channel: one grey image per kernel. Three input channels (RGB):
    colour images, each kernel stretched to [0, 1].
    """
    w = np.asarray(weights.detach().cpu() if hasattr(weights, "detach") else weights, dtype=float)
    if w.ndim != 4 or w.shape[1] not in (1, 3):
        raise ValueError(f"weights must have shape (C_out, 1 or 3, k, k), got {w.shape}.")
    if w.shape[1] == 3:
        low = w.min(axis=(1, 2, 3), keepdims=True)
        span = w.max(axis=(1, 2, 3), keepdims=True) - low
        images = (w - low) / np.where(span > 0, span, 1.0)
        return plot_image_grid(images, [str(i) for i in range(len(w))], columns, size, title)
    figure = _figure(size * min(columns, len(w)), (size + 0.25) * -(-len(w) // columns) + 0.35)
    grid = figure.subplots(-(-len(w) // columns), min(columns, len(w)), squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index < len(w):
            low, high = _symmetric_limits(w[index, 0])  # each kernel's own scale, 0 at mid-grey
            axes.imshow(w[index, 0], cmap="gray", vmin=low, vmax=high, interpolation="nearest")
            axes.set_title(str(index), fontsize=9)
    figure.suptitle(title)
    return figure


def plot_feature_maps(maps, columns: int = 8, size: float = 0.9, title: str = "Feature maps"):
    """Return every map of a (C, H, W) stack, each on its own scale; signed maps put 0 at mid-grey."""
    array = np.asarray(maps.detach().cpu() if hasattr(maps, "detach") else maps, dtype=float)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 3:
        raise ValueError(f"maps must have shape (C, H, W), got {array.shape}.")
    rows = -(-len(array) // columns)
    figure = _figure(size * min(columns, len(array)), (size + 0.25) * rows + 0.35)
    for index, axes in enumerate(
        figure.subplots(rows, min(columns, len(array)), squeeze=False).flat
    ):
        axes.axis("off")
        if index < len(array):
            low, high = (
                _symmetric_limits(array[index])
                if array[index].min() < 0
                else (0.0, float(array[index].max()) or 1.0)
            )
            axes.imshow(array[index], cmap="gray", vmin=low, vmax=high, interpolation="nearest")
            axes.set_title(str(index), fontsize=9)
    figure.suptitle(title)
    return figure


def plot_confusion_matrix(matrix, class_names=None, title: str = "Confusion matrix"):
    """Return the (true × predicted) count matrix as a heat map with every count written in."""
    from matplotlib.colors import LinearSegmentedColormap

    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square (classes × classes), got shape {matrix.shape}.")
    names = [str(n) for n in (class_names if class_names is not None else range(len(matrix)))]
    figure = _figure(0.42 * len(matrix) + 1.6, 0.42 * len(matrix) + 1.2)
    axes = figure.subplots()
    colormap = LinearSegmentedColormap.from_list("output", ["#FFFFFF", OUTPUT_COLOR])
    axes.imshow(matrix, cmap=colormap, vmin=0, vmax=max(1, matrix.max()))
    for (row, col), count in np.ndenumerate(matrix):
        if count:
            colour = TEXT_COLOR if row == col else HIGHLIGHT_COLOR  # mistakes stand out
            axes.text(
                col,
                row,
                str(count),
                ha="center",
                va="center",
                fontsize=9,
                color=colour,
                fontweight="normal" if row == col else "bold",
            )
    axes.set_xticks(range(len(names)), names)
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title(title)
    return figure
