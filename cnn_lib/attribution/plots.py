"""Notebook 06's part-2 figures: attribution maps side by side, the sanity and deletion checks, FGSM.

Each function returns a matplotlib Figure already closed in pyplot (see :mod:`cnn_lib.plots`).
The maps are drawn with :func:`cnn_lib.draw.attribution.attribution_overlay`, the same
picture the explorer shows.
"""

from __future__ import annotations

import numpy as np

from cnn_lib.draw.attribution import attribution_overlay
from cnn_lib.palette import (
    EXTRA_COLOR,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    PADDING_COLOR,
    TEXT_COLOR,
)
from cnn_lib.plots import new_figure

__all__ = [
    "plot_attributions",
    "plot_sanity_check",
    "plot_deletion_curves",
    "plot_fgsm_accuracy",
    "plot_adversarial_examples",
]

METHOD_COLORS = {
    "saliency": INPUT_COLOR,
    "SmoothGrad": OUTPUT_COLOR,
    "Grad-CAM": KERNEL_COLOR,
    "occlusion": EXTRA_COLOR,
    "random": PADDING_COLOR,
}


def _as_array(x) -> np.ndarray:
    return np.asarray(x.detach().cpu() if hasattr(x, "detach") else x, dtype=float)


def plot_attributions(images, maps: dict[str, list], titles: list[str], size: float = 1.45):
    """Return one row per digit: the digit, then each method's map over it (``maps[method][row]``)."""
    images = [_as_array(image).reshape(_as_array(image).shape[-2:]) for image in images]
    if len(titles) != len(images) or any(len(m) != len(images) for m in maps.values()):
        raise ValueError("give one title and one map per method for every image.")
    columns = 1 + len(maps)
    figure = new_figure(size * columns, (size + 0.1) * len(images) + 0.3)
    grid = figure.subplots(len(images), columns, squeeze=False)
    for row, image in enumerate(images):
        grid[row, 0].imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        grid[row, 0].set_ylabel(titles[row], fontsize=9)
        for column, (method, method_maps) in enumerate(maps.items(), start=1):
            overlay = attribution_overlay(image, _as_array(method_maps[row]))
            grid[row, column].imshow(overlay, interpolation="nearest")
            if row == 0:
                grid[row, column].set_title(method, fontsize=10)
        if row == 0:
            grid[row, 0].set_title("digit", fontsize=10)
    for axes in grid.flat:
        axes.set_xticks([])
        axes.set_yticks([])
    return figure


def plot_sanity_check(result: dict[str, list]):
    """Return the rank correlation with the trained model's maps as layers are randomised from the top."""
    layers = result["layers"]
    figure = new_figure(6.0, 3.4)
    axes = figure.subplots()
    steps = np.arange(len(layers) + 1)
    for method, values in result.items():
        if method == "layers":
            continue
        axes.plot(
            steps, [1.0, *values], marker="o", ms=4, label=method, color=METHOD_COLORS.get(method)
        )
    axes.axhline(0, color=PADDING_COLOR, lw=0.8)
    axes.set_xticks(steps, ["trained", *[f"+{name.split('.')[-1]}" for name in layers]])
    axes.set_xlabel("layers randomised (cascading from the output layer down)")
    axes.set_ylabel("rank correlation of |map|")
    axes.set_title("Sanity check: do the maps depend on the learned weights?")
    axes.set_ylim(-0.2, 1.05)
    axes.legend(frameon=False, fontsize=9)
    return figure


def plot_deletion_curves(curves: dict[str, np.ndarray], areas: dict[str, float]):
    """Return the mean class probability against the share of pixels deleted, one curve per method."""
    figure = new_figure(6.0, 3.4)
    axes = figure.subplots()
    for method, curve in curves.items():
        x = np.linspace(0, 100, len(curve))
        style = "--" if method == "random" else "-"
        axes.plot(
            x,
            curve,
            style,
            label=f"{method} (area {areas[method]:.3f})",
            color=METHOD_COLORS.get(method),
        )
    axes.set_xlabel("pixels deleted, highest-ranked first (%)")
    axes.set_ylabel("probability of the class")
    axes.set_title("Deletion curves: lower area = the map found the pixels that matter")
    axes.set_ylim(0, 1.02)
    axes.legend(frameon=False, fontsize=9)
    return figure


def plot_fgsm_accuracy(epsilons, accuracies: dict[str, list[float]]):
    """Return held-out accuracy against the FGSM step ε, one curve per model."""
    figure = new_figure(5.6, 3.4)
    axes = figure.subplots()
    colours = [INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, HIGHLIGHT_COLOR]
    for index, (name, values) in enumerate(accuracies.items()):
        axes.plot(epsilons, values, marker="o", ms=4, label=name, color=colours[index % 4])
    axes.set_xlabel("ε (change of each pixel, pixel values in [0, 1])")
    axes.set_ylabel("held-out accuracy")
    axes.set_title("FGSM: accuracy against the size of the attack")
    axes.set_ylim(0, 1.02)
    axes.legend(frameon=False)
    return figure


def plot_adversarial_examples(
    originals, perturbed, labels, predictions, epsilon: float, size: float = 1.3
):
    """Return originals (top row) over their FGSM versions (bottom row), each titled with its prediction."""
    originals, perturbed = _as_array(originals), _as_array(perturbed)
    count = len(originals)
    figure = new_figure(size * count, 2 * (size + 0.3) + 0.3)
    grid = figure.subplots(2, count, squeeze=False)
    for index in range(count):
        for row, (stack, title) in enumerate(
            [
                (originals, f"label {int(labels[index])}"),
                (perturbed, f"→ {int(predictions[index])}"),
            ]
        ):
            axes = grid[row, index]
            axes.imshow(stack[index].reshape(stack.shape[-2:]), cmap="gray_r", vmin=0, vmax=1)
            fooled = row == 1 and int(predictions[index]) != int(labels[index])
            axes.set_title(title, fontsize=10, color=HIGHLIGHT_COLOR if fooled else TEXT_COLOR)
            axes.axis("off")
    figure.suptitle(
        f"FGSM with ε = {epsilon:g}: original (top), perturbed and its new prediction (bottom)"
    )
    return figure
