"""The course's static figures, drawn from code: ``python -m cnn_lib.figures [--out DIR]``.

Each ``plot_*`` function returns a matplotlib Figure (as everywhere in cnn_lib: ``plot_*``
is matplotlib, ``draw_*`` in :mod:`cnn_lib.draw` is SVG or PNG); notebooks call it to show the
figure, and the command line writes every figure of :data:`FIGURES` to
``images/<name>.png`` (the files the README and GitHub readers see). The numbers in
the figures come from small worked examples (:func:`feature_map_example`,
:func:`transposed_example`) that the tests check against PyTorch.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cnn_lib.data import MNIST_SIZE
from cnn_lib.draw.base import format_number, tint
from cnn_lib.palette import (
    EXTRA_COLOR,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    PADDING_COLOR,
    TEXT_COLOR,
)

FIGURE_DPI = 100  # images/*.png are exactly figsize × FIGURE_DPI pixels (sizes in quarter inches)
IMAGES_DIR = Path(__file__).resolve().parents[1] / "images"


# ----------------------------------------------------------------------------
# Worked examples behind the figures (checked against torch in the tests)
# ----------------------------------------------------------------------------


def feature_map_example() -> dict[str, np.ndarray | tuple[int, int]]:
    """Return the 6×6 input, 3×3 kernel, 4×4 feature map and highlighted position of the figure."""
    image = np.array(
        [
            [0, 0, 1, 1, 0, 0],
            [0, 0, 1, 1, 0, 0],
            [0, 0, 1, 1, 0, 0],
            [0, 0, 1, 1, 1, 1],
            [0, 0, 1, 1, 1, 1],
            [0, 0, 0, 0, 0, 0],
        ],
        dtype=float,
    )
    kernel = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)  # vertical edges
    size = image.shape[0] - kernel.shape[0] + 1
    output = np.zeros((size, size))
    for row in range(size):
        for col in range(size):
            output[row, col] = np.sum(image[row : row + 3, col : col + 3] * kernel)
    return {"input": image, "kernel": kernel, "output": output, "position": (1, 1)}


def transposed_example() -> dict[str, np.ndarray | int]:
    """Return the 2×2 input, 3×3 kernel, stride, the four scaled kernel copies and the 5×5 sum."""
    x = np.array([[1, 2], [3, -1]], dtype=float)
    kernel = np.array([[1, 1, 0], [1, 2, 1], [0, 1, 1]], dtype=float)
    stride = 2
    size = (x.shape[0] - 1) * stride + kernel.shape[0]
    copies = np.zeros((x.size, size, size))
    for index, (row, col) in enumerate(np.ndindex(*x.shape)):
        top, left = row * stride, col * stride
        copies[index, top : top + 3, left : left + 3] = x[row, col] * kernel
    return {
        "input": x,
        "kernel": kernel,
        "stride": stride,
        "copies": copies,
        "output": copies.sum(0),
    }


# ----------------------------------------------------------------------------
# Drawing helpers: grids of numbered cells in one data-coordinate axes
# ----------------------------------------------------------------------------


def _new_canvas(width: float, height: float, size: tuple[float, float]):
    """Return (figure, axes) with data coordinates 0..width × 0..height, y pointing down.

    The Figure is made through pyplot (so IPython's inline backend can display it)
    and closed at once, so a cell ending with the call shows it exactly once.
    """
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=size, dpi=FIGURE_DPI)
    plt.close(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.set_aspect("equal")
    axes.axis("off")
    return figure, axes


def _grid(
    axes,
    values,
    x0: float,
    y0: float,
    colour: str,
    *,
    cell: float = 1.0,
    blank=None,
    font: float = 11,
) -> None:
    """Draw ``values`` as numbered cells tinted by magnitude; cells where ``blank`` is True stay empty."""
    from matplotlib.patches import Rectangle

    values = np.asarray(values, dtype=float)
    peak = float(np.max(np.abs(values))) or 1.0
    for (row, col), value in np.ndenumerate(values):
        empty = blank is not None and blank[row, col]
        fill = "white" if empty else tint(colour, 0.12 + 0.5 * abs(value) / peak)
        x, y = x0 + col * cell, y0 + row * cell
        axes.add_patch(Rectangle((x, y), cell, cell, facecolor=fill, edgecolor=PADDING_COLOR, lw=1))
        if not empty:
            axes.text(
                x + cell / 2,
                y + cell / 2,
                format_number(value),
                ha="center",
                va="center",
                fontsize=font,
                color=TEXT_COLOR,
            )


def _outline(axes, x: float, y: float, width: float, height: float, colour: str, lw: float = 3):
    """Draw a rectangle's outline (a window, a highlighted cell)."""
    from matplotlib.patches import Rectangle

    axes.add_patch(Rectangle((x, y), width, height, fill=False, edgecolor=colour, lw=lw))


def _signed(value: float, brackets: bool = False) -> str:
    """Return a number as text with a true minus sign, bracketed if negative and asked to."""
    text = format_number(value).replace("-", "−")
    return f"({text})" if brackets and value < 0 else text


def _caption(axes, x: float, y: float, text: str, colour: str = TEXT_COLOR, size: float = 12):
    axes.text(x, y, text, ha="center", va="center", fontsize=size, color=colour)


# ----------------------------------------------------------------------------
# The figures
# ----------------------------------------------------------------------------


def plot_output_feature_map():
    """Return the figure of a 3×3 kernel sliding over a 6×6 input to make a 4×4 feature map."""
    example = feature_map_example()
    image, kernel, output = example["input"], example["kernel"], example["output"]
    row, col = example["position"]
    figure, axes = _new_canvas(18.0, 9.2, (10.75, 5.5))
    _grid(axes, image, 0.5, 1.5, INPUT_COLOR)
    _outline(axes, 0.5 + col, 1.5 + row, 3, 3, KERNEL_COLOR, lw=4)
    _caption(axes, 3.5, 0.8, "input 6×6", INPUT_COLOR, 13)
    _caption(axes, 7.5, 4.5, "⋆", size=34)
    _grid(axes, kernel, 8.5, 3.0, KERNEL_COLOR)
    _caption(axes, 10.0, 2.3, "kernel 3×3", KERNEL_COLOR, 13)
    _caption(axes, 12.5, 4.5, "=", size=22)
    _grid(axes, output, 13.5, 2.5, OUTPUT_COLOR)
    _outline(axes, 13.5 + col, 2.5 + row, 1, 1, HIGHLIGHT_COLOR, lw=4)
    _caption(axes, 15.5, 1.8, "feature map 4×4", OUTPUT_COLOR, 13)
    window = image[row : row + 3, col : col + 3]
    terms = [
        f"{_signed(a)}·{_signed(b, brackets=True)}"
        for a, b in zip(window.ravel(), kernel.ravel(), strict=True)
        if b != 0
    ]
    value = _signed(output[row, col])
    _caption(
        axes,
        9.0,
        8.0,
        "sum of (window × kernel), where the kernel is not 0:  "
        + " + ".join(terms)
        + f"  =  {value}",
        size=11.5,
    )
    _caption(
        axes,
        9.0,
        8.75,
        "orange: the kernel's window on the input · vermillion: the one output it makes",
        size=10.5,
    )
    return figure


def _stack(axes, x: float, y_mid: float, side: float, sheets: int, colour: str, step: float = 0.22):
    """Draw a stack of ``sheets`` squares of size ``side`` (to scale), offset to look 3-D."""
    from matplotlib.patches import Rectangle

    for sheet in range(sheets):
        offset = (sheets - 1 - sheet) * step
        axes.add_patch(
            Rectangle(
                (x + offset, y_mid - side / 2 - offset),
                side,
                side,
                facecolor=tint(colour, 0.35),
                edgecolor=colour,
                lw=1.2,
            )
        )
    return x + (sheets - 1) * step + side  # right edge of the front sheet


def _column(axes, x: float, y_mid: float, height: float, colour: str, width: float = 0.7):
    """Draw a fully connected layer's features as a tall bar of height ∝ features."""
    from matplotlib.patches import Rectangle

    axes.add_patch(
        Rectangle(
            (x, y_mid - height / 2),
            width,
            height,
            facecolor=tint(colour, 0.35),
            edgecolor=colour,
            lw=1.2,
        )
    )
    return x + width


def plot_cnn_architecture(image_size: int = MNIST_SIZE, channels: tuple[int, int] = (16, 32)):
    """Return the general CNN architecture figure, with notebook 05's shapes (28×28 digits) to scale.

    input → conv → pool → conv → pool → fully connected → output; each stack's
    squares have the side of its feature maps and one sheet per 4 channels.
    """
    from cnn_lib.classifier.model import DigitsCNN
    from cnn_lib.layer_cost import model_cost

    costs = model_cost(DigitsCNN(image_size, channels), (1, image_size, image_size))
    shapes = {row.name.split(":")[0].removeprefix("layers."): row.output_shape for row in costs}
    shapes["input"] = (1, image_size, image_size)
    scale = 5.0 / image_size  # the input's side is 5 units
    height = 10.5
    figure, axes = _new_canvas(40.0, height, (20.0, height / 2))
    y_mid, x = 4.6, 0.6
    stages = [
        ("input", INPUT_COLOR, "input"),
        ("relu1", OUTPUT_COLOR, "conv 3×3 + ReLU"),
        ("pool1", EXTRA_COLOR, "max pool 2×2"),
        ("relu2", OUTPUT_COLOR, "conv 3×3 + ReLU"),
        ("pool2", EXTRA_COLOR, "max pool 2×2"),
    ]
    for name, colour, title in stages:
        c, h, w = shapes[name]
        right = _stack(axes, x, y_mid, h * scale, max(1, c // 4), colour)
        centre = (x + right) / 2
        _caption(axes, centre, 8.7, title, colour, 11.5)
        _caption(axes, centre, 9.5, f"{c}×{h}×{w}", TEXT_COLOR, 11)
        axes.annotate(
            "",
            (right + 1.2, y_mid),
            (right + 0.25, y_mid),
            arrowprops={"arrowstyle": "-|>", "color": TEXT_COLOR, "lw": 1.5},
        )
        x = right + 1.45
    features_end = x - 1.45
    for name, colour, title in [
        ("fc1", KERNEL_COLOR, "fully connected\n+ ReLU"),
        ("fc2", HIGHLIGHT_COLOR, "output\n(10 classes)"),
    ]:
        (features,) = shapes[name]
        right = _column(axes, x, y_mid, min(7.0, features * 0.09), colour)
        _caption(axes, (x + right) / 2, 9.0, title, colour, 11.5)
        _caption(axes, (x + right) / 2, 10.0, f"{features}", TEXT_COLOR, 11)
        if name == "fc1":
            axes.annotate(
                "",
                (right + 2.2, y_mid),
                (right + 0.8, y_mid),
                arrowprops={"arrowstyle": "-|>", "color": TEXT_COLOR, "lw": 1.5},
            )
        x = right + 3.0  # room for the two-line labels side by side
    _caption(
        axes,
        features_end / 2,
        0.45,
        "feature extraction: convolution → ReLU → pooling, twice",
        TEXT_COLOR,
        12.5,
    )
    _caption(axes, (features_end + x) / 2, 0.45, "classification", TEXT_COLOR, 12.5)
    # Trim the canvas to what was drawn (a unit is half an inch), to a quarter inch, which
    # floats represent exactly, so the file is exactly width × dpi pixels everywhere.
    width = round((x - 1.6) * 2) / 2
    axes.set_xlim(0, width)
    figure.set_size_inches(width / 2, height / 2)
    return figure


def plot_transposed_layer():
    """Return the figure of a transposed convolution: each input value scales a kernel copy; overlaps add."""
    example = transposed_example()
    x, kernel, copies, output = (
        example["input"],
        example["kernel"],
        example["copies"],
        example["output"],
    )
    stride, k = example["stride"], kernel.shape[0]
    size = output.shape[0]
    figure, axes = _new_canvas(35.0, 35.0 / 3, (15.0, 5.0))
    _grid(axes, x, 1.0, 1.6, INPUT_COLOR)
    _caption(axes, 2.0, 0.9, "input 2×2", INPUT_COLOR, 12.5)
    _grid(axes, kernel, 0.5, 5.6, KERNEL_COLOR)
    _caption(axes, 2.0, 4.9, "kernel 3×3", KERNEL_COLOR, 12.5)
    _caption(axes, 2.0, 9.6, f"stride {stride}", TEXT_COLOR, 12.5)
    left = 5.0
    coverage = np.zeros((size, size), dtype=int)  # how many kernel copies land on each pixel
    for index, (row, col) in enumerate(np.ndindex(*x.shape)):
        blank = np.ones((size, size), dtype=bool)
        blank[row * stride : row * stride + k, col * stride : col * stride + k] = False
        coverage += ~blank
        _grid(axes, copies[index], left, 3.0, KERNEL_COLOR, blank=blank)
        _caption(axes, left + size / 2, 2.2, f"{_signed(x[row, col])} × kernel", INPUT_COLOR, 12)
        _caption(axes, left + size + 0.5, 5.5, "+" if index < x.size - 1 else "=", size=20)
        left += size + 1.0
    # Overlap is where footprints meet, even where a kernel weight of 0 adds nothing.
    overlaps = coverage > 1
    _grid(axes, output, left, 3.0, OUTPUT_COLOR)
    for row, col in zip(*np.nonzero(overlaps), strict=True):
        _outline(axes, left + col + 0.06, 3.0 + row + 0.06, 0.88, 0.88, HIGHLIGHT_COLOR, lw=2.5)
    _caption(axes, left + size / 2, 2.2, "output 5×5", OUTPUT_COLOR, 12.5)
    _caption(
        axes,
        20.5,
        9.6,
        "each input value scales a copy of the kernel, placed "
        f"{stride} pixels apart; where copies overlap (vermillion) they are summed",
        TEXT_COLOR,
        12,
    )
    _caption(axes, 20.5, 10.6, "output size (i − 1)·s + k = (2 − 1)·2 + 3 = 5", TEXT_COLOR, 12)
    return figure


FIGURES: dict[str, Callable] = {
    "output_feature_map": plot_output_feature_map,
    "general_arch_CNN": plot_cnn_architecture,
    "transposedCL": plot_transposed_layer,
}


def write_figures(out: str | Path = IMAGES_DIR) -> list[Path]:
    """Draw every figure of :data:`FIGURES` and write it to ``out/<name>.png``; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, plot in FIGURES.items():
        figure = plot()
        path = out / f"{name}.png"
        # No bbox_inches="tight": the file is exactly figsize × dpi, which the tests check.
        figure.savefig(path, dpi=FIGURE_DPI, facecolor="white")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command line: write every figure to ``--out`` (default: the repository's images/)."""
    parser = argparse.ArgumentParser(description="Redraw the course's figures as PNG files.")
    parser.add_argument("--out", default=str(IMAGES_DIR), help="folder to write the PNGs into")
    arguments = parser.parse_args(argv)
    for path in write_figures(arguments.out):
        print(path)


if __name__ == "__main__":
    main()
