"""The "stacking layers" explorer of notebook 02: what one output pixel of a stack sees.

Wiring only: the figure comes from :mod:`cnn_lib.draw.receptive_field`, the
numbers from :mod:`cnn_lib.receptive_field`; every move is measured with
PyTorch's input gradient and the agreement shown in the ``cnn-check`` line.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from cnn_lib.device import torch_threads
from cnn_lib.draw.base import check_html, format_number, formula_html, grid, label, svg
from cnn_lib.draw.receptive_field import PANEL_PIXELS, draw_field_comparison
from cnn_lib.palette import INPUT_COLOR
from cnn_lib.receptive_field import compare_field, receptive_field, receptive_field_formula
from cnn_lib.widgets import register
from cnn_lib.widgets.base import CheckControl, Explorer, IntControl

__all__ = ["ReceptiveFieldExplorer", "MAX_LAYERS", "stack_from_values"]

MAX_LAYERS = 4
DEFAULT_LAYERS = [(3, 1, 1), (3, 2, 1), (3, 1, 2), (3, 1, 1)]  # (k, s, d) per layer


def _layer_controls() -> dict[str, IntControl]:
    controls = {}
    for n, (k, s, d) in enumerate(DEFAULT_LAYERS, start=1):
        controls[f"k{n}"] = IntControl(f"layer {n}: k", 1, 5, k)
        controls[f"s{n}"] = IntControl("s", 1, 3, s)
        controls[f"d{n}"] = IntControl("d", 1, 3, d)
    return controls


def stack_from_values(values: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    """Return the (k, s, p, d) layers the explorer's values describe (p = ⌊d(k−1)/2⌋ when padding)."""
    layers = []
    for n in range(1, values["layers"] + 1):
        k, s, d = values[f"k{n}"], values[f"s{n}"], values[f"d{n}"]
        layers.append((k, s, d * (k - 1) // 2 if values["pad"] else 0, d))
    return layers


@register
class ReceptiveFieldExplorer(Explorer):
    """Sliders for the layers' k, s, d and an output pixel: its receptive field, predicted and measured."""

    name = "receptive-field"
    controls = {
        "layers": IntControl("number of layers", 1, MAX_LAYERS, 3),
        "i": IntControl("i (input size)", 8, 32, 20),
        "pad": CheckControl("pad each layer (p = ⌊d(k−1)/2⌋)", False),
        **_layer_controls(),
        "row": IntControl("output row", 0, 3, 1),
        "column": IntControl("output column", 0, 3, 2),
    }
    figure_height = "380px"

    def controls_box(self) -> widgets.Widget:
        """Return the general controls, one row of k, s, d per layer, then the output pixel."""
        for key in self.sliders:
            if key[0] in "ksd" and key[1:].isdigit():
                self.sliders[key].layout.width = "170px" if key[0] != "k" else "230px"
        self.layer_rows = [
            widgets.HBox([self.sliders[f"{symbol}{n}"] for symbol in "ksd"])
            for n in range(1, MAX_LAYERS + 1)
        ]
        general = widgets.HBox([self.sliders[key] for key in ("layers", "i", "pad")])
        pixel = widgets.HBox([self.sliders["row"], self.sliders["column"]])
        return widgets.VBox([general, *self.layer_rows, pixel])

    def _fit_pixel_sliders(self, size: int) -> tuple[int, int]:
        """Limit the row and column sliders to the output, without redrawing; return their values."""
        held, self._held = self._held, True
        try:
            for key in ("row", "column"):
                self.sliders[key].max = size - 1
        finally:
            self._held = held
        return self.sliders["row"].value, self.sliders["column"].value

    def draw(self, values: dict[str, Any]) -> None:
        for n, row in enumerate(self.layer_rows, start=1):
            row.layout.display = "flex" if n <= values["layers"] else "none"
        layers = stack_from_values(values)
        rows = receptive_field(layers, values["i"])
        row, column = self._fit_pixel_sliders(rows[-1].output_size)
        with torch_threads(1):
            comparison = compare_field(layers, values["i"], row, column)
        self.figure.value = draw_field_comparison(comparison)
        lines = receptive_field_formula(layers, values["i"])
        self.formula.value = "".join(formula_html(line) for line in lines)
        (top, bottom), (left, right) = comparison.measured
        centre = ", ".join(format_number(value) for value in comparison.centre)
        where = "inside the input" if not comparison.clipped else "cut by the border"
        self.check.value = check_html(
            comparison.agrees,
            f"torch: the input gradient of output ({row}, {column}) is non-zero on rows "
            f"{top}–{bottom}, columns {left}–{right} ({bottom - top + 1}×{right - left + 1}); "
            f"the recurrence predicts r = {rows[-1].receptive_field} centred at ({centre}), {where}",
        )

    def on_error(self, values: dict[str, Any], error: ValueError) -> None:
        size = values["i"]
        cell = PANEL_PIXELS / size
        self.figure.value = svg(
            [
                label(10, 24, f"input {size}×{size}", 13, INPUT_COLOR, "start"),
                grid(shape=(size, size), x=10, y=34, cell=cell),
            ],
            PANEL_PIXELS + 20,
            PANEL_PIXELS + 44,
        )
        self.formula.value = ""
        self.check.value = ""
