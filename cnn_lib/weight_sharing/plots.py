"""The figures of notebook 06, part 1: accuracy against shift and against data, and equivariance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from cnn_lib.palette import EXTRA_COLOR, HIGHLIGHT_COLOR, INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR
from cnn_lib.plots import new_figure

# One colour and marker per model name, the same in every figure of the notebook.
MODEL_STYLES = {
    "MLP": (KERNEL_COLOR, "s"),
    "locally connected": (EXTRA_COLOR, "^"),
    "CNN (notebook 05)": (INPUT_COLOR, "o"),
    "CNN, global-average head": (OUTPUT_COLOR, "D"),
}


def _style(name: str, index: int) -> tuple[str, str]:
    fallback = [INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, HIGHLIGHT_COLOR, EXTRA_COLOR][index % 5]
    return MODEL_STYLES.get(name, (fallback, "o"))


def _check_curves(curves: Mapping[str, Sequence[float]], xs: Sequence, what: str) -> None:
    if not curves:
        raise ValueError("curves must hold at least one model's accuracies.")
    for name, values in curves.items():
        if len(values) != len(xs):
            raise ValueError(
                f"curves[{name!r}] has {len(values)} accuracies but there are {len(xs)} {what}; "
                "give one accuracy per value."
            )


def _plot_curves(axes, xs, curves: Mapping[str, Sequence[float]]) -> None:
    for index, (name, values) in enumerate(curves.items()):
        colour, marker = _style(name, index)
        axes.plot(xs, np.asarray(values) * 100, marker=marker, ms=5, lw=2, color=colour, label=name)
    axes.set_ylabel("held-out accuracy (%)")
    axes.set_ylim(0, 100)
    axes.grid(alpha=0.3)
    axes.legend(frameon=False)


def plot_shift_curves(curves: Mapping[str, Sequence[float]], title: str = "Accuracy against shift"):
    """Return accuracy (%) against the shift in pixels (0, 1, …), one curve per model."""
    shifts = list(range(len(next(iter(curves.values()), []))))
    _check_curves(curves, shifts, "shifts")
    figure = new_figure(6.4, 3.8)
    axes = figure.subplots()
    _plot_curves(axes, shifts, curves)
    axes.axhline(10, color="0.6", lw=1, ls="--")
    axes.text(shifts[-1], 11, "chance", ha="right", va="bottom", color="0.4", fontsize=9)
    axes.set_xlabel("shift of the test digits (pixels, mean of up, down, left, right)")
    axes.set_title(title)
    return figure


def plot_data_efficiency(
    sizes: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    title: str = "Accuracy against data",
):
    """Return accuracy (%) against the number of training digits (log scale), one curve per model."""
    _check_curves(curves, sizes, "sizes")
    figure = new_figure(6.4, 3.8)
    axes = figure.subplots()
    _plot_curves(axes, sizes, curves)
    axes.set_xscale("log")
    axes.set_xticks(list(sizes), [f"{n:,}" for n in sizes])
    axes.minorticks_off()
    axes.set_xlabel("training digits")
    axes.set_title(title)
    return figure


def plot_equivariance(
    errors: Mapping[str, Sequence[float]],
    shifts: Sequence[int],
    title: str = "Map of the shifted digit vs the shifted map",
):
    """Return a table-like heat map: one row per layer, one column per shift, the relative mismatch."""
    _check_curves(errors, shifts, "shifts")
    names = list(errors)
    values = np.array([errors[name] for name in names])
    figure = new_figure(1.1 * len(shifts) + 2.2, 0.34 * len(names) + 1.2)
    axes = figure.subplots()
    axes.imshow(values, cmap="Oranges", vmin=0, vmax=1, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        colour = "white" if value > 0.6 else "black"
        axes.text(column, row, f"{value:.2f}", ha="center", va="center", color=colour, fontsize=9)
    axes.set_xticks(range(len(shifts)), [f"{s} px" for s in shifts])
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel("shift of the input digits")
    axes.set_title(title)
    for side in ("top", "right"):
        axes.spines[side].set_visible(True)
    return figure
