"""The explorer of notebook 03: max, average, min and Lp pooling on a small grid and on a photo's feature map.

Wiring only: what is drawn comes from :mod:`cnn_lib.draw.pooling`, what is
computed from :mod:`cnn_lib.arithmetic` and :mod:`cnn_lib.ops`; every move is
checked against PyTorch (min pooling as ``−max_pool2d(−x)``, which PyTorch
lacks as a layer) and the check shown in the ``cnn-check`` line.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F

from cnn_lib.arithmetic import substituted_formula
from cnn_lib.device import torch_threads
from cnn_lib.draw.base import array_to_png, check_html, formula_html, grid, label, svg, tint
from cnn_lib.draw.pooling import draw_pooling, pool_grid, pooled_photo_png
from cnn_lib.ops.pooling import POOL_MODES, pooling_grid
from cnn_lib.palette import INPUT_COLOR
from cnn_lib.pooling import photo_feature_map
from cnn_lib.widgets import register
from cnn_lib.widgets.base import CheckControl, ChoiceControl, Explorer, IntControl

__all__ = ["PoolingExplorer", "torch_pool"]

TORCH_NAMES = {
    "max": "F.max_pool2d(x, {})",
    "avg": "F.avg_pool2d(x, {})",
    "min": "−F.max_pool2d(−x, {})",
    "lp": "F.lp_pool2d(x, 2, {})",
}


def torch_pool(x, k: int, s: int | None, p: int, mode: str, ceil_mode: bool) -> np.ndarray:
    """Return PyTorch's pooling of the 2-D grid ``x``; min pooling is ``−max_pool2d(−x)``."""
    t = torch.from_numpy(np.asarray(x, dtype=float))[None, None]
    s = k if s is None else s
    with torch.no_grad(), torch_threads(1):
        if mode == "max":
            out = F.max_pool2d(t, k, s, p, ceil_mode=ceil_mode)
        elif mode == "min":
            out = -F.max_pool2d(-t, k, s, p, ceil_mode=ceil_mode)
        elif mode == "avg":
            out = F.avg_pool2d(t, k, s, p, ceil_mode=ceil_mode)
        else:
            out = F.lp_pool2d(t, 2, k, s, ceil_mode=ceil_mode)
    return out[0, 0].numpy()


@register
class PoolingExplorer(Explorer):
    """Sliders for i, k, s, p, ceil_mode and the mode: windows on a grid, the pooled grid and photo, torch's check."""

    name = "pooling"
    controls = {
        "mode": ChoiceControl("mode", POOL_MODES, "max"),
        "i": IntControl("i (input size)", 2, 9, 6),
        "k": IntControl("k (window)", 1, 4, 2),
        "s": IntControl("s (stride)", 1, 4, 2),
        "p": IntControl("p (padding)", 0, 2, 0),
        "ceil_mode": CheckControl("ceil_mode", False),
    }
    figure_height = "360px"

    def __init__(self, photo_size: int = 128, **values: Any) -> None:
        self.grid_values = pooling_grid(9)
        self.feature_map = photo_feature_map(photo_size)
        bound = float(np.percentile(self.feature_map, 99)) or 1.0
        self.map_image = widgets.Image(
            value=array_to_png(self.feature_map, vmin=0, vmax=bound),
            format="png",
            layout=widgets.Layout(width="200px", height="200px"),
        )
        self.pooled_image = widgets.Image(
            format="png", layout=widgets.Layout(width="200px", height="200px")
        )
        # Shown instead of the pooled photo while the parameters are impossible, so no stale result stays.
        self.blank_png = array_to_png(np.ones(self.feature_map.shape), vmin=0, vmax=1)
        self.photo_caption = widgets.HTML()
        super().__init__(**values)

    def body(self) -> list[widgets.Widget]:
        caption = widgets.HTML("<b>photo feature map</b> (ReLU of Sobel x) and its pooled version:")
        return [
            self.figure,
            caption,
            widgets.HBox([self.map_image, self.pooled_image]),
            self.photo_caption,
        ]

    def draw(self, values: dict[str, Any]) -> None:
        i, k, s, p, mode, ceil_mode = (
            values[key] for key in ("i", "k", "s", "p", "mode", "ceil_mode")
        )
        x = self.grid_values[:i, :i]
        self.formula.value = formula_html(
            substituted_formula("pool", i, k, s, p, ceil_mode=ceil_mode)
        )
        self.figure.value = draw_pooling(x, k, s, p, mode, ceil_mode)
        ours = pool_grid(x, k, s, p, mode, ceil_mode)
        png, shape = pooled_photo_png(self.feature_map, k, s, p, mode, ceil_mode)
        self.pooled_image.value = png
        size = self.feature_map.shape[0]
        self.photo_caption.value = f"{size}×{size} → {shape[0]}×{shape[1]}"
        reference = torch_pool(x, k, s, p, mode, ceil_mode)
        call = TORCH_NAMES[mode].format(f"k={k}, s={s}, p={p}, ceil_mode={ceil_mode}")
        agrees = reference.shape == ours.shape and np.allclose(reference, ours)
        text = f"{call} gives the same {ours.shape[0]}×{ours.shape[1]} values"
        if not agrees:
            text = (
                f"{call} differs: in ceil mode it scales a clipped last window "
                "up to k·k pixels, cnn_lib sums only the pixels it covers"
            )
        self.check.value = check_html(agrees, text)

    def on_error(self, values: dict[str, Any], error: ValueError) -> None:
        x = self.grid_values[: values["i"], : values["i"]]
        fills = np.full(x.shape, tint(INPUT_COLOR, 0.18), dtype=object)
        self.figure.value = svg(
            [
                label(20, 18, f"input {x.shape[0]}×{x.shape[0]}", 13, INPUT_COLOR, "start"),
                grid(x, x=20, y=28, fills=fills),
            ],
            300,
            40 + 28 * x.shape[0],
        )
        self.check.value = ""
        self.pooled_image.value = self.blank_png
        self.photo_caption.value = ""

    def benchmark_moves(self) -> list[dict[str, Any]]:
        return [
            {"k": 3},
            {"s": 1},
            {"mode": "avg"},
            {"ceil_mode": True},
            {"p": 1},
            {"p": 0},
            {"ceil_mode": False},
            {"mode": "max"},
            {"s": 2},
            {"k": 2},
        ]
