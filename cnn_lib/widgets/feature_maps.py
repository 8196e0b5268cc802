"""The explorer of notebook 05: pick a test digit and a layer, see every feature map the network makes.

Drawing is pure (arrays → PNG bytes in :mod:`cnn_lib.draw.feature_maps`, testable without a
browser); the explorer only wires a slider and a dropdown to it. Feature maps are PNGs in
``widgets.Image``, so a move redraws in a few milliseconds.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import torch

from cnn_lib.classifier.model import DigitsCNN, layer_outputs
from cnn_lib.device import torch_threads
from cnn_lib.draw.base import check_html, formula_html
from cnn_lib.draw.feature_maps import digit_png, feature_maps_png
from cnn_lib.layer_cost import model_cost
from cnn_lib.widgets import register
from cnn_lib.widgets.base import ChoiceControl, Explorer, IntControl

__all__ = ["FeatureMapExplorer", "spatial_layers"]


def spatial_layers(model: DigitsCNN) -> list[str]:
    """Return the names of the layers whose outputs are stacks of maps (conv, ReLU, pool)."""
    names = []
    for name, layer in model.layers.named_children():
        if isinstance(layer, torch.nn.Flatten):
            break
        names.append(name)
    return names


@register
class FeatureMapExplorer(Explorer):
    """A slider over the test digits and a dropdown of layers: the digit, its prediction, and every map.

    ``model`` is a (trained) :class:`~cnn_lib.classifier.model.DigitsCNN`; ``images`` and
    ``labels`` the test digits, shape (N, 1, H, W) in [0, 1]. Without them it uses
    an untrained network and the held-out digits (what the benchmark builds).
    """

    name = "feature-maps"
    controls = {}
    figure_height = "0px"

    def __init__(self, model: DigitsCNN | None = None, images=None, labels=None, **values: Any):
        if model is None:
            torch.manual_seed(0)
            model = DigitsCNN(image_size=16)
        if images is None:
            from cnn_lib.classifier.data import digit_split

            images, labels = digit_split("digits", model.image_size).test
        if labels is not None and len(labels) != len(images):
            raise ValueError(
                f"give one label per image: {len(images)} images, {len(labels)} labels."
            )
        self.model = model.eval()
        self.images = torch.as_tensor(images)
        self.labels = None if labels is None else torch.as_tensor(labels)
        self.layer_names = spatial_layers(model)
        size = model.image_size
        self.table = {
            row.name.split(":")[0].removeprefix("layers."): row.output_shape
            for row in model_cost(model, (1, size, size))
        }
        # The slider's range depends on the data, so the controls are made per explorer.
        self.controls = {
            "digit": IntControl("test digit #", 0, len(self.images) - 1, 0),
            "layer": ChoiceControl("layer", tuple(self.layer_names), self.layer_names[0]),
        }
        self.digit_image = widgets.Image(
            format="png", layout=widgets.Layout(width="128px", height="auto")
        )
        self.maps_image = widgets.Image(
            format="png", layout=widgets.Layout(width="540px", height="auto")
        )
        self.caption = widgets.HTML()
        self._cache: tuple[int, dict[str, torch.Tensor], torch.Tensor] | None = None
        super().__init__(**values)

    def body(self) -> list[widgets.Widget]:
        left = widgets.VBox([self.digit_image, self.caption], layout=widgets.Layout(width="150px"))
        # flex-start: a stretched row would stretch the PNGs out of their aspect ratio.
        row = widgets.Layout(min_height="290px", align_items="flex-start")
        return [widgets.HBox([left, self.maps_image], layout=row)]

    def outputs(self, digit: int) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """Return every layer's output for one test digit and its class probabilities (cached)."""
        if self._cache is None or self._cache[0] != digit:
            with torch_threads(1):
                named = dict(layer_outputs(self.model, self.images[digit : digit + 1]))
            self._cache = (digit, named, named["fc2"][0].softmax(0))
        return self._cache[1], self._cache[2]

    def draw(self, values: dict[str, Any]) -> None:
        digit, layer = values["digit"], values["layer"]
        if layer not in self.layer_names:
            raise ValueError(f"layer must be one of {', '.join(self.layer_names)}, got {layer!r}.")
        named, probabilities = self.outputs(digit)
        maps = named[layer][0].numpy()
        self.digit_image.value = digit_png(self.images[digit].numpy())
        self.maps_image.value = feature_maps_png(maps)
        predicted = int(probabilities.argmax())
        truth = "" if self.labels is None else f"true: <b>{int(self.labels[digit])}</b><br>"
        self.caption.value = (
            f"<div>{truth}predicted: <b>{predicted}</b> "
            f"({100 * float(probabilities[predicted]):.0f}%)</div>"
        )
        c, h, w = maps.shape
        self.formula.value = formula_html(
            f"{layer}: {c} feature maps of {h}×{w} "
            f"(bright = strong response; conv outputs: mid-grey = 0)"
        )
        expected = self.table[layer]
        self.check.value = check_html(
            tuple(maps.shape) == expected,
            f"shape {c}×{h}×{w} from the model; the shape table says "
            f"{'×'.join(str(n) for n in expected)}",
        )

    def benchmark_moves(self) -> list[dict[str, Any]]:
        return [
            {"digit": 1},
            {"digit": 0},
            {"layer": self.layer_names[-1]},
            {"layer": self.layer_names[0]},
        ]
