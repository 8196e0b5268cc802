"""Learning a kernel by gradient descent (notebook 01): training pairs and the picture of convergence.

The training loop itself stays in the notebook, where the learner reads it;
this module only cuts the training images and draws the result.
"""

from __future__ import annotations

import numpy as np

from cnn_lib.viz import HIGHLIGHT_COLOR, INPUT_COLOR, KERNEL_COLOR

__all__ = ["random_crops", "plot_kernel_learning"]


def random_crops(image, count: int, size: int, seed: int = 0) -> np.ndarray:
    """Return ``count`` random ``size × size`` crops of a 2-D image as a float32 (count, 1, size, size) batch."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2:
        raise ValueError(f"image must be a 2-D grayscale array, got shape {image.shape}.")
    for name, value in (("count", count), ("size", size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}.")
    if size > min(image.shape):
        raise ValueError(
            f"size={size} is larger than the image {image.shape}; use size ≤ {min(image.shape)}."
        )
    rng = np.random.default_rng(seed)
    tops = rng.integers(0, image.shape[0] - size + 1, count)
    lefts = rng.integers(0, image.shape[1] - size + 1, count)
    crops = [
        image[top : top + size, left : left + size] for top, left in zip(tops, lefts, strict=True)
    ]
    return np.stack(crops)[:, None]


def plot_kernel_learning(losses, history, target, snapshots: int = 4):
    """Return a figure: the loss per step (log scale) and the kernel at a few steps beside the target.

    ``history`` is a sequence of (3, 3) kernels, one per step (``history[0]`` the
    random start); ``snapshots`` of them are drawn, evenly spaced, then the target.
    """
    import matplotlib.pyplot as plt
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
    figure = plt.figure(figsize=(2.0 * (snapshots + 1) + 3.5, 2.6))
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
    figure.tight_layout()
    return figure
