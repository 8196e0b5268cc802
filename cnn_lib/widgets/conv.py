"""The explorers of notebooks 01 and 02: one convolution step, a photo through a kernel, the output-size formula.

Wiring only: what is drawn comes from :mod:`cnn_lib.draw.conv`, what is
computed from :mod:`cnn_lib.arithmetic`, :mod:`cnn_lib.ops` and :mod:`cnn_lib.ops.kernels`;
every move is checked against PyTorch and the check shown in the ``cnn-check`` line.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch

from cnn_lib.arithmetic import conv_output_size, substituted_formula
from cnn_lib.device import torch_threads
from cnn_lib.draw.base import array_to_png, check_html, format_number, formula_html
from cnn_lib.draw.conv import (
    draw_conv_arithmetic,
    draw_conv_step,
    draw_kernel_overhang,
    feature_map_png,
)
from cnn_lib.ops.conv import step_grid
from cnn_lib.ops.kernels import INTEGER_KERNELS, KERNELS, apply_kernel
from cnn_lib.widgets import register
from cnn_lib.widgets.base import (
    CheckControl,
    ChoiceControl,
    Explorer,
    FloatControl,
    IntControl,
)

__all__ = ["ConvArithmeticExplorer", "ConvStepExplorer", "PhotoKernelExplorer"]


@register
class ConvArithmeticExplorer(Explorer):
    """Sliders for i, k, s, p, d: the padded input, every window position, the output, the formula, torch's check."""

    name = "conv-arithmetic"
    controls = {
        "i": IntControl("i (input size)", 1, 12, 7),
        "k": IntControl("k (kernel size)", 1, 7, 3),
        "s": IntControl("s (stride)", 1, 4, 2),
        "p": IntControl("p (padding)", 0, 4, 1),
        "d": IntControl("d (dilation)", 1, 3, 1),
    }
    figure_height = "480px"

    def draw(self, values: dict[str, Any]) -> None:
        i, k, s, p, d = (values[key] for key in "iksp" + "d")
        self.formula.value = formula_html(substituted_formula("conv", i, k, s, p, d))
        self.figure.value = draw_conv_arithmetic(i, k, s, p, d)
        o = conv_output_size(i, k, s, p, d)
        layer = torch.nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d, bias=False)
        with torch.no_grad(), torch_threads(1):
            shape = tuple(layer(torch.zeros(1, 1, i, i)).shape)
        self.check.value = check_html(
            shape[-2:] == (o, o),
            f"torch.nn.Conv2d(1, 1, kernel_size={k}, stride={s}, padding={p}, dilation={d}) "
            f"maps (1, 1, {i}, {i}) to {shape}",
        )

    def on_error(self, values: dict[str, Any], error: ValueError) -> None:
        self.figure.value = draw_kernel_overhang(values["i"], values["k"], values["p"], values["d"])
        self.check.value = ""


@register
class ConvStepExplorer(Explorer):
    """Sliders for the window's position on a 7×7 grid and the bias: window, products, their sum,
    the bias added, the output cell."""

    name = "conv-step"
    controls = {
        "position": IntControl("window position", 0, 24, 0),
        "kernel": ChoiceControl("kernel", INTEGER_KERNELS, "Sobel x"),
        "bias": IntControl("bias b", -3, 3, 1),
    }
    figure_height = "280px"

    def __init__(self, x=None, **values: Any) -> None:
        self.x = step_grid() if x is None else np.asarray(x, dtype=float)
        if self.x.ndim != 2 or min(self.x.shape) < 3:
            raise ValueError(f"x must be a 2-D grid at least 3×3, got shape {self.x.shape}.")
        super().__init__(**values)
        rows, cols = self.x.shape[0] - 2, self.x.shape[1] - 2
        self.sliders["position"].max = rows * cols - 1

    def draw(self, values: dict[str, Any]) -> None:
        w = KERNELS[values["kernel"]]
        position, bias = values["position"], values["bias"]
        self.figure.value = draw_conv_step(self.x, w, position, bias=bias)
        cols = self.x.shape[1] - 2
        row, col = divmod(position, cols)
        patch = self.x[row : row + 3, col : col + 3]
        terms = " + ".join(
            f"{format_number(a)}·{format_number(b) if b >= 0 else f'({format_number(b)})'}"
            for a, b in zip(patch.ravel(), w.ravel(), strict=True)
        )
        total = float(np.sum(patch * w)) + bias
        bias_text = format_number(bias) if bias >= 0 else f"({format_number(bias)})"
        self.formula.value = formula_html(
            f"output[{row}, {col}] = {terms} + bias {bias_text} = {format_number(total)}"
        )
        with torch_threads(1):
            reference = torch.nn.functional.conv2d(
                torch.from_numpy(self.x)[None, None],
                torch.from_numpy(np.array(w))[None, None],
                bias=torch.tensor([float(bias)], dtype=torch.float64),
            )[0, 0, row, col].item()
        self.check.value = check_html(
            abs(reference - total) < 1e-9,
            f"torch.nn.functional.conv2d with bias {format_number(bias)} gives "
            f"output[{row}, {col}] = {format_number(reference)}",
        )

    def benchmark_moves(self) -> list[dict[str, Any]]:
        return [
            {"position": 12},
            {"position": 0},
            {"kernel": "Laplacian"},
            {"kernel": "Sobel x"},
            {"bias": -2},
        ]


CUSTOM = "custom (edit the numbers)"


@register
class PhotoKernelExplorer(Explorer):
    """A dropdown of classic kernels and nine number boxes: the photo and its feature map, redrawn at once."""

    name = "photo-kernel"
    controls = {
        "kernel": ChoiceControl("kernel", (*KERNELS, CUSTOM), "Sobel x"),
        "colour": CheckControl("colour photo", False),
        **{
            f"w{index}": FloatControl("", float(KERNELS["Sobel x"].flat[index]))
            for index in range(9)
        },
    }
    figure_height = "0px"

    def __init__(self, size: int = 256, **values: Any) -> None:
        from cnn_lib.data import load_photo

        self.photos = {
            False: load_photo(gray=True, size=size),
            True: load_photo(gray=False, size=size),
        }
        self.photo_png = {
            colour: array_to_png(photo, vmin=0, vmax=1) for colour, photo in self.photos.items()
        }
        self.photo_image = widgets.Image(
            format="png", layout=widgets.Layout(width="256px", height="256px")
        )
        self.map_image = widgets.Image(
            format="png", layout=widgets.Layout(width="256px", height="256px")
        )
        self._filling = False
        kernel_name = values.pop("kernel", "Sobel x")
        super().__init__(**values)
        self.sliders["kernel"].value = kernel_name  # fills the nine boxes unless "custom"

    def body(self) -> list[widgets.Widget]:
        return [widgets.HBox([self.photo_image, self.map_image])]

    def controls_box(self) -> widgets.Widget:
        boxes = widgets.GridBox(
            [self.sliders[f"w{index}"] for index in range(9)],
            layout=widgets.Layout(grid_template_columns="repeat(3, 80px)", width="260px"),
        )
        left = widgets.VBox([self.sliders["kernel"], self.sliders["colour"]])
        return widgets.HBox([left, widgets.VBox([widgets.Label("kernel weights"), boxes])])

    def kernel_weights(self) -> np.ndarray:
        """Return the 3×3 kernel the nine number boxes hold now."""
        return np.array(
            [self.sliders[f"w{index}"].value for index in range(9)], dtype=float
        ).reshape(3, 3)

    def _on_change(self, change: dict) -> None:
        dropdown = self.sliders["kernel"]
        if self._filling:
            return
        with self.hold_redraw():  # one redraw for the whole change, however many boxes it sets
            if change["owner"] is dropdown and change["new"] != CUSTOM:
                self._filling = True
                try:
                    for index, weight in enumerate(KERNELS[change["new"]].flat):
                        self.sliders[f"w{index}"].value = float(weight)
                finally:
                    self._filling = False
            elif change["owner"] is not dropdown and dropdown.value != CUSTOM:
                # An edited box no longer holds the named kernel: say so in the dropdown.
                if not np.array_equal(self.kernel_weights(), KERNELS[dropdown.value]):
                    dropdown.value = CUSTOM

    def draw(self, values: dict[str, Any]) -> None:
        w = self.kernel_weights()
        if not np.all(np.isfinite(w)):
            raise ValueError(
                "every kernel weight must be a finite number; retype the box that is not."
            )
        photo = self.photos[values["colour"]]
        feature_map = apply_kernel(photo, w)
        self.photo_image.value = self.photo_png[values["colour"]]
        self.map_image.value = feature_map_png(feature_map, w)
        channels = "3 channels, the kernel applied to each" if values["colour"] else "grayscale"
        size, out = photo.shape[0], feature_map.shape[0]
        self.formula.value = formula_html(
            f"feature map = photo ⋆ kernel ({channels}): {size}×{size} → {out}×{out}, "
            f"weights sum to {format_number(w.sum())}"
        )
        self._check_against_torch(photo, w, feature_map)

    def _check_against_torch(
        self, photo: np.ndarray, w: np.ndarray, feature_map: np.ndarray
    ) -> None:
        channels_first = photo[None] if photo.ndim == 2 else photo.transpose(2, 0, 1)
        with torch_threads(1):
            reference = torch.nn.functional.conv2d(
                torch.from_numpy(np.ascontiguousarray(channels_first))[:, None],
                torch.from_numpy(w)[None, None],
            )[:, 0].numpy()
        ours = feature_map[None] if feature_map.ndim == 2 else feature_map.transpose(2, 0, 1)
        difference = float(np.max(np.abs(reference - ours)))
        self.check.value = check_html(
            difference < 1e-9,
            f"largest difference from torch.nn.functional.conv2d: {difference:.1e}",
        )

    def benchmark_moves(self) -> list[dict[str, Any]]:
        return [{"w4": 1.0}, {"w4": 0.0}, {"kernel": "Gaussian blur"}, {"kernel": "Sobel x"}]
