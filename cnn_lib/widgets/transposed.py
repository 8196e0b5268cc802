"""The explorer of notebook 04: the size of a transposed convolution, with the grid it really convolves.

Wiring only: what is drawn comes from :mod:`cnn_lib.draw.transposed`, what is
computed from :mod:`cnn_lib.arithmetic` and :mod:`cnn_lib.ops.transposed`; every move
builds a real ``torch.nn.ConvTranspose2d`` and shows in the ``cnn-check`` line
whether its output size and per-pixel copy counts agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnn_lib.arithmetic import substituted_formula, transposed_output_size
from cnn_lib.device import torch_threads
from cnn_lib.draw.base import check_html, formula_html, grid, label, svg, tint
from cnn_lib.draw.transposed import draw_transposed
from cnn_lib.ops.transposed import overlap_count
from cnn_lib.palette import INPUT_COLOR
from cnn_lib.widgets import register
from cnn_lib.widgets.base import Explorer, IntControl

__all__ = ["TransposedExplorer", "torch_copy_counts"]


def torch_copy_counts(i: int, k: int, s: int, p: int, output_padding: int, d: int) -> np.ndarray:
    """Return ``ConvTranspose2d`` (weights 1, no bias) applied to an i×i input of ones: the copies per pixel."""
    layer = torch.nn.ConvTranspose2d(
        1, 1, k, stride=s, padding=p, output_padding=output_padding, dilation=d, bias=False
    )
    with torch.no_grad(), torch_threads(1):
        layer.weight.fill_(1.0)
        return layer(torch.ones(1, 1, i, i))[0, 0].numpy()


@register
class TransposedExplorer(Explorer):
    """Sliders for i, k, s, p, output_padding, d: input, zero-inserted grid, output, formula, torch's check."""

    name = "transposed"
    controls = {
        "i": IntControl("i (input size)", 1, 6, 3),
        "k": IntControl("k (kernel size)", 1, 5, 3),
        "s": IntControl("s (stride)", 1, 3, 2),
        "p": IntControl("p (padding)", 0, 3, 0),
        "output_padding": IntControl("output_padding", 0, 2, 0),
        "d": IntControl("d (dilation)", 1, 3, 1),
    }
    figure_height = "400px"

    def draw(self, values: dict[str, Any]) -> None:
        i, k, s, p, extra, d = (values[key] for key in ("i", "k", "s", "p", "output_padding", "d"))
        self.formula.value = formula_html(substituted_formula("transposed", i, k, s, p, d, extra))
        self.figure.value = draw_transposed(i, k, s, p, extra, d)
        o = transposed_output_size(i, k, s, p, d, extra)
        reference = torch_copy_counts(i, k, s, p, extra, d)
        agrees = reference.shape == (o, o) and np.array_equal(
            reference, overlap_count(i, k, s, p, d, extra)
        )
        self.check.value = check_html(
            agrees,
            f"torch.nn.ConvTranspose2d(1, 1, {k}, stride={s}, padding={p}, "
            f"output_padding={extra}, dilation={d}) maps (1, 1, {i}, {i}) to "
            f"{(1, 1, *reference.shape)}, with the same copy counts",
        )

    def on_error(self, values: dict[str, Any], error: ValueError) -> None:
        i = values["i"]
        fills = np.full((i, i), tint(INPUT_COLOR, 0.45), dtype=object)
        self.figure.value = svg(
            [
                label(10, 18, f"input {i}×{i}", 13, INPUT_COLOR, "start"),
                grid(shape=(i, i), x=10, y=28, fills=fills),
            ],
            300,
            40 + 28 * i,
        )
        self.check.value = ""

    def benchmark_moves(self) -> list[dict[str, Any]]:
        return [
            {"i": 4},
            {"k": 4},
            {"s": 3},
            {"p": 1},
            {"output_padding": 1},
            {"d": 2},
            {"output_padding": 0},
            {"d": 1},
            {"p": 0},
            {"s": 2},
            {"k": 3},
            {"i": 3},
        ]
