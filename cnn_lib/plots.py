"""Plots of data: matplotlib figures of images, training curves, kernels, feature maps and counts.

Every ``plot_*`` function in cnn_lib returns a matplotlib Figure (``draw_*`` returns an SVG
string or PNG bytes, see :mod:`cnn_lib.draw`). Each figure here is already closed in
pyplot, so a notebook cell that ends with the call shows it exactly once and nothing
stays open; a cell that keeps it in a variable shows it with ``display(figure)``.
The course figures (the same pictures every time) are in :mod:`cnn_lib.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cnn_lib.ops.transposed import overlap_count
from cnn_lib.palette import (
    EXTRA_COLOR,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    SKY_COLOR,
    STYLE,
    TEXT_COLOR,
)

__all__ = [
    "apply_style",
    "new_figure",
    "plot_image_grid",
    "plot_history",
    "plot_kernels",
    "plot_feature_maps",
    "plot_confusion_matrix",
    "plot_kernel_learning",
    "plot_overlap_maps",
]


def apply_style() -> None:
    """Apply the course's matplotlib style (fonts, colour cycle). Called by setup_notebook."""
    import matplotlib as mpl
    from cycler import cycler

    style = dict(STYLE)
    style["axes.prop_cycle"] = cycler(
        color=[INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, HIGHLIGHT_COLOR, EXTRA_COLOR, SKY_COLOR]
    )
    mpl.rcParams.update(style)


def new_figure(width: float, height: float):
    """Return a new constrained-layout Figure of ``width × height`` inches, already closed in pyplot."""
    import matplotlib.pyplot as plt

    # Made through pyplot so IPython's inline backend knows how to display it, then closed
    # at once so a cell ending with the call shows it exactly once and nothing stays open.
    figure = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(figure)
    return figure


def _as_image_list(images) -> list[np.ndarray]:
    """Return images as a list of float arrays (H, W) or (H, W, 3), from a stack or a list.

    A stack may be NCHW, NHWC or NHW (a torch tensor too); a list may hold images of
    different sizes (a photo beside its smaller feature map).
    """
    if isinstance(images, (list, tuple)):
        stack = [np.asarray(image, dtype=float) for image in images]
    else:
        array = np.asarray(
            images.detach().cpu() if hasattr(images, "detach") else images, dtype=float
        )
        if array.ndim == 4 and array.shape[1] in (1, 3) and array.shape[-1] not in (1, 3):
            array = array.transpose(0, 2, 3, 1)  # NCHW → NHWC
        if array.ndim == 4 and array.shape[-1] == 1:
            array = array[..., 0]
        stack = list(array) if array.ndim in (3, 4) else [np.empty((0,))]  # refused below
    if not stack or any(a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] != 3) for a in stack):
        raise ValueError(
            "images must be a non-empty stack (N, H, W), (N, 1|3, H, W) or (N, H, W, 3), "
            "or a list of (H, W) / (H, W, 3) images."
        )
    return stack


def _signed_to_unit(image: np.ndarray) -> np.ndarray:
    """Return a signed map scaled to [0, 1] with 0 at mid-grey, ±(99th percentile of |value|) at the ends.

    The percentile, not the maximum, so a few strong edges do not wash out the rest.
    """
    bound = float(np.percentile(np.abs(image), 99)) or 1.0
    return np.clip(image / bound, -1, 1) / 2 + 0.5


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
    figure = new_figure(5.2 * len(groups), 3.4)
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
    signed=None,
):
    """Return a grid of images (grey or RGB), each with an optional title above it.

    ``images`` is a stack (N, H, W), (N, C, H, W) or (N, H, W, C), a list of images
    (sizes may differ), or a dict from title to image. ``signed[n]`` (or ``signed=True``
    for all) draws image n with 0 as mid-grey, for edge responses and other signed maps.
    """
    if isinstance(images, Mapping):
        if titles is not None:
            raise ValueError("give titles either as the dict's keys or as titles=, not both.")
        titles, images = list(images), list(images.values())
    stack = _as_image_list(images)
    if titles is not None and len(titles) != len(stack):
        raise ValueError(f"give one title per image: {len(stack)} images, {len(titles)} titles.")
    if signed is None or isinstance(signed, bool):
        signed = [bool(signed)] * len(stack)
    columns = max(1, min(columns, len(stack)))
    rows = -(-len(stack) // columns)
    extra = 0.25 if titles is not None else 0.0
    figure = new_figure(size * columns, (size + extra) * rows + (0.35 if title else 0.0))
    grid = figure.subplots(rows, columns, squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index >= len(stack):
            continue
        shown, low, high = stack[index], vmin, vmax
        if signed[index]:
            shown, low, high = _signed_to_unit(shown), 0.0, 1.0
        if shown.ndim == 3:  # RGB: imshow ignores vmin/vmax, so map to [0, 1] here
            low, high = (0.0 if low is None else low), (1.0 if high is None else high)
            shown = np.clip((shown - low) / (high - low), 0.0, 1.0)
        axes.imshow(shown, cmap="gray", vmin=low, vmax=high, interpolation="nearest")
        if titles is not None:
            colour = title_colors[index] if title_colors is not None else TEXT_COLOR
            axes.set_title(str(titles[index]), fontsize=9 if size < 2 else 11, color=colour)
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
    figure = new_figure(size * min(columns, len(w)), (size + 0.25) * -(-len(w) // columns) + 0.35)
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
    figure = new_figure(size * min(columns, len(array)), (size + 0.25) * rows + 0.35)
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
    figure = new_figure(0.42 * len(matrix) + 1.6, 0.42 * len(matrix) + 1.2)
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


def plot_kernel_learning(losses, history, target, snapshots: int = 4):
    """Return a figure: the loss per step (log scale) and the kernel at a few steps beside the target.

    ``history`` is a sequence of (3, 3) kernels, one per step (``history[0]`` the
    random start); ``snapshots`` of them are drawn, evenly spaced, then the target.
    """
    from matplotlib.colors import LinearSegmentedColormap

    # Negative weights blue, positive orange (the kernel's colour), zero white.
    weight_colours = LinearSegmentedColormap.from_list(
        "weights", [INPUT_COLOR, "#ffffff", KERNEL_COLOR]
    )
    losses, history, target = np.asarray(losses), np.asarray(history), np.asarray(target)
    if len(losses) == 0 or history.ndim != 3 or history.shape[1:] != target.shape:
        raise ValueError(
            "losses must be non-empty and history a list of kernels shaped like target."
        )
    steps = np.linspace(0, len(history) - 1, snapshots).round().astype(int)
    figure = new_figure(2.0 * (snapshots + 1) + 3.5, 2.6)
    grid = figure.add_gridspec(1, snapshots + 2, width_ratios=[2.2] + [1] * (snapshots + 1))
    loss_axes = figure.add_subplot(grid[0])
    loss_axes.semilogy(losses, color=INPUT_COLOR)
    loss_axes.set(title="loss (mean squared error)", xlabel="step", ylabel="loss")
    bound = float(np.abs(target).max())
    panels = [(f"step {step}", history[step]) for step in steps] + [("target", target)]
    for index, (title, weights) in enumerate(panels):
        axes = figure.add_subplot(grid[index + 1])
        axes.imshow(weights, cmap=weight_colours, vmin=-bound, vmax=bound)
        for (row, col), value in np.ndenumerate(weights):
            shade = "white" if abs(value) > 0.6 * bound else "black"  # readable on strong colours
            axes.text(
                col,
                row,
                f"{round(float(value), 1) + 0.0:.1f}",
                ha="center",
                va="center",
                fontsize=9,
                color=shade,
            )
        colour = HIGHLIGHT_COLOR if title == "target" else "black"
        axes.set_title(title, color=colour)
        axes.set_xticks([])
        axes.set_yticks([])
    return figure


def plot_overlap_maps(cases: list[tuple[int, int, int, int]], i: int = 6):
    """Return one overlap-count heatmap per (k, s, p, output_padding) case, counts written in."""
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("output", ["#ffffff", OUTPUT_COLOR])
    fig = new_figure(3.3 * len(cases), 3.6)
    axes = fig.subplots(1, len(cases), squeeze=False)[0]
    for ax, (k, s, p, extra) in zip(axes, cases, strict=True):
        counts = overlap_count(i, k, s, p, 1, extra)
        ax.imshow(counts, cmap=cmap, vmin=0, vmax=counts.max())
        if counts.shape[0] <= 16:
            for (r, c), value in np.ndenumerate(counts):
                ax.text(c, r, str(value), ha="center", va="center", fontsize=7, color=TEXT_COLOR)
        even = "even inside" if len(np.unique(counts[2:-2, 2:-2])) == 1 else "uneven"
        ax.set_title(f"k={k}, s={s}, p={p}: {even}", fontsize=11)
        ax.set_xlabel(f"output column ({counts.shape[1]})")
        ax.set_ylabel(f"output row ({counts.shape[0]})")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("kernel copies landing on each output pixel", fontsize=12)
    return fig
