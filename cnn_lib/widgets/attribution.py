"""The explorer of notebook 06, part 2: which pixels a trained CNN's decision rests on, for a digit you pick or draw.

Pick a held-out digit, an attribution method and the class to explain; the map (PNG in a
``widgets.Image``), the softmax probabilities (SVG) and the prediction redraw. In JupyterLab
a drawing pad (``ipycanvas``, the one third-party widget the course allows) lets the learner
draw a digit; its strokes are framed like MNIST (:mod:`cnn_lib.attribution.drawn_digit`).
Where ``ipycanvas`` is missing or the notebook runs on Colab, one sentence says drawing needs
JupyterLab and the explorer works on the held-out digits.
"""

from __future__ import annotations

import sys
from typing import Any

import ipywidgets as widgets
import torch

from cnn_lib.attribution.drawn_digit import center_like_mnist, strokes_to_image
from cnn_lib.attribution.methods import METHODS, attribution_map, class_probabilities
from cnn_lib.device import torch_threads
from cnn_lib.draw.attribution import attribution_png, probabilities_svg
from cnn_lib.draw.base import check_html, formula_html
from cnn_lib.draw.feature_maps import digit_png
from cnn_lib.widgets import register
from cnn_lib.widgets.base import ChoiceControl, Explorer, IntControl

__all__ = ["AttributionExplorer", "drawing_pad_available", "NO_PAD_SENTENCE"]

PAD_SIZE = 224  # pixels of the drawing pad
PAD_LINE_WIDTH = 20  # about the stroke width of an MNIST digit, relative to its 20×20 box
PREDICTED = -1  # the target dropdown's "predicted class" value
NO_PAD_SENTENCE = (
    "Drawing your own digit needs JupyterLab (the ipycanvas pad cannot load here); "
    "the explorer works on the held-out digits."
)
METHOD_NOTES = {
    "saliency": "|∂ score / ∂ pixel|: one gradient",
    "SmoothGrad": "saliency averaged over 25 noisy copies",
    "Grad-CAM": "last conv maps ({maps}) weighted by their mean gradient, ReLU, upsampled",
    "occlusion": "drop in probability when a 6×6 patch (stride 2) is blanked",
}


def drawing_pad_available() -> bool:
    """Return True when the ipycanvas pad can be shown: ipycanvas imports and this is not Colab."""
    if "google.colab" in sys.modules:
        return False
    try:
        import ipycanvas  # noqa: F401
    except ImportError:
        return False
    return True


@register
class AttributionExplorer(Explorer):
    """A held-out digit (or your drawing), a method and a class: the map, the prediction and its probabilities.

    ``model`` is a trained classifier taking (N, 1, 28, 28) digits in [0, 1]; ``images`` and
    ``labels`` the held-out digits. ``pad=None`` shows the drawing pad where it can work
    (:func:`drawing_pad_available`); ``False`` never shows it.
    """

    name = "attribution"
    controls = {}
    figure_height = "0px"

    def __init__(self, model=None, images=None, labels=None, pad: bool | None = None, **values):
        if model is None:
            from cnn_lib.classifier.model import DigitsCNN

            torch.manual_seed(0)
            model = DigitsCNN(image_size=28)
        if images is None:
            from cnn_lib.classifier.data import digit_split

            images, labels = digit_split("mnist5k", 28).test
        images = torch.as_tensor(images, dtype=torch.float32)
        if images.ndim != 4 or images.shape[1:] != (1, 28, 28):
            raise ValueError(f"images must have shape (N, 1, 28, 28), got {tuple(images.shape)}.")
        if labels is not None and len(labels) != len(images):
            raise ValueError(
                f"give one label per image: {len(images)} images, {len(labels)} labels."
            )
        self.model = model.eval()
        self.images = images
        self.labels = None if labels is None else torch.as_tensor(labels)
        self.controls = {
            "digit": IntControl("held-out digit #", 0, len(images) - 1, 0),
            "method": ChoiceControl("method", tuple(METHODS), "saliency"),
            "target": ChoiceControl(
                "explain class",
                (("predicted", PREDICTED), *((str(k), k) for k in range(10))),
                PREDICTED,
            ),
        }
        self.strokes: list[list[tuple[float, float]]] = []
        self.drawn: torch.Tensor | None = None  # the framed drawing, (1, 28, 28)
        self.use_drawing = False
        square = widgets.Layout(width="168px", height="168px")
        self.digit_image = widgets.Image(format="png", layout=square)
        self.map_image = widgets.Image(format="png", layout=square)
        self.caption = widgets.HTML(layout=widgets.Layout(width="168px"))
        self.caption.add_class("cnn-prediction")
        self.bars = widgets.HTML(layout=widgets.Layout(width="230px", height="175px"))
        self.pad_box = self._make_pad(drawing_pad_available() if pad is None else pad)
        super().__init__(**values)

    # -- layout -------------------------------------------------------------------

    def body(self) -> list[widgets.Widget]:
        # Fixed widths, so the headings of neighbouring columns never run into each other.
        column = lambda *children, width="190px": widgets.VBox(  # noqa: E731
            list(children), layout=widgets.Layout(width=width)
        )
        row = widgets.Layout(align_items="flex-start", min_height="220px")
        return [
            widgets.HBox(
                [
                    column(widgets.HTML("<b>what the network reads</b>"), self.digit_image),
                    column(widgets.HTML("<b>the map over it</b>"), self.map_image, self.caption),
                    column(widgets.HTML("<b>softmax probabilities</b>"), self.bars, width="240px"),
                    self.pad_box,
                ],
                layout=row,
            )
        ]

    def _make_pad(self, show: bool) -> widgets.Widget:
        """Return the drawing pad with its buttons, or the one sentence saying drawing needs JupyterLab."""
        self.pad = None
        if not show:
            self.pad_note = widgets.HTML(f"<i>{NO_PAD_SENTENCE}</i>")
            self.pad_note.add_class("cnn-no-pad")
            return widgets.VBox([self.pad_note], layout=widgets.Layout(width="230px"))
        from ipycanvas import Canvas

        pad = Canvas(
            width=PAD_SIZE, height=PAD_SIZE, layout=widgets.Layout(border="1px solid #888")
        )
        pad.add_class("cnn-drawing-pad")
        pad.line_width, pad.line_cap, pad.line_join = PAD_LINE_WIDTH, "round", "round"
        pad.on_mouse_down(self._pen_down)
        pad.on_mouse_move(self._pen_move)
        pad.on_mouse_up(self._pen_up)
        pad.on_mouse_out(self._pen_up)
        self.pad = pad
        self._pen = False
        clear = widgets.Button(description="clear the pad", layout=widgets.Layout(width="120px"))
        clear.on_click(lambda button: self.clear_drawing())
        heading = widgets.HTML("<b>or draw a digit</b> (mouse)")
        return widgets.VBox([heading, pad, clear])

    # -- the drawing --------------------------------------------------------------

    def _pen_down(self, x: float, y: float) -> None:
        self._pen = True
        self.strokes.append([(x, y)])
        self.pad.fill_circle(x, y, PAD_LINE_WIDTH / 2)

    def _pen_move(self, x: float, y: float) -> None:
        if self._pen and self.strokes:
            x0, y0 = self.strokes[-1][-1]
            self.strokes[-1].append((x, y))
            self.pad.stroke_line(x0, y0, x, y)

    def _pen_up(self, x: float, y: float) -> None:
        if self._pen:
            self._pen = False
            self.set_drawing(self.strokes)

    def set_drawing(self, strokes) -> None:
        """Show the digit drawn by ``strokes`` (lists of (x, y) pad points): frame it like MNIST and redraw."""
        self.strokes = [list(stroke) for stroke in strokes]
        pixels = strokes_to_image(self.strokes, PAD_SIZE, PAD_LINE_WIDTH)
        self.drawn = torch.from_numpy(center_like_mnist(pixels))[None]
        self.use_drawing = True
        self.redraw()

    def clear_drawing(self) -> None:
        """Empty the pad and go back to the held-out digit."""
        self.strokes, self.drawn, self.use_drawing = [], None, False
        if self.pad is not None:
            self.pad.clear()
        self.redraw()

    def _on_change(self, change: dict) -> None:
        if change.get("owner") is self.sliders["digit"]:
            self.use_drawing = False  # moving the digit slider goes back to the held-out digits
        super()._on_change(change)

    # -- drawing the view ---------------------------------------------------------

    def current_image(self, digit: int) -> torch.Tensor:
        """Return the (1, 28, 28) image shown: the drawing when one is in use, else held-out digit ``digit``."""
        if self.use_drawing and self.drawn is not None:
            return self.drawn
        return self.images[digit]

    def draw(self, values: dict[str, Any]) -> None:
        method, target = values["method"], values["target"]
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}.")
        image = self.current_image(values["digit"])
        if self.use_drawing and float(image.sum()) == 0:
            raise ValueError("the pad is empty: draw a digit, or move the digit slider.")
        with torch_threads(1):
            with torch.no_grad():
                logits = self.model(image[None])[0]
            probabilities = class_probabilities(logits)
            predicted = int(probabilities.argmax())
            explained = predicted if target == PREDICTED else int(target)
            attribution = attribution_map(method, self.model, image, explained)
        self.digit_image.value = digit_png(image.numpy(), size=168)
        self.map_image.value = attribution_png(image.numpy(), attribution.numpy())
        self.bars.value = probabilities_svg(probabilities.numpy(), target=explained)
        source = "your drawing" if self.use_drawing else f"held-out digit #{values['digit']}"
        truth = ""
        if not self.use_drawing and self.labels is not None:
            truth = f"true: <b>{int(self.labels[values['digit']])}</b>, "
        self.caption.value = (
            f"<div>{source}<br>{truth}predicted: <b>{predicted}</b> "
            f"({100 * float(probabilities[predicted]):.1f}%)<br>map explains class "
            f"<b>{explained}</b></div>"
        )
        note = METHOD_NOTES[method].format(maps=self._grad_cam_size())
        self.formula.value = formula_html(
            f"{method}: {note}\n"
            f"softmax: p_{explained} = exp(z_{explained}) / Σ_j exp(z_j) = "
            f"{100 * float(probabilities[explained]):.1f}%"
        )
        agrees = torch.allclose(probabilities, torch.softmax(logits, 0), atol=1e-6)
        self.check.value = check_html(
            agrees, "torch.softmax gives the same 10 probabilities from the logits"
        )

    def _grad_cam_size(self) -> str:
        """Return the last conv maps' size as text, e.g. "14×14", found by running the model once."""
        if not hasattr(self, "_maps_size"):
            from cnn_lib.attribution.methods import last_conv_maps

            kept = {}
            hook = last_conv_maps(self.model).register_forward_hook(
                lambda module, inputs, output: kept.update(shape=output.shape)
            )
            with torch.no_grad():
                self.model(self.images[:1])
            hook.remove()
            self._maps_size = f"{kept['shape'][-2]}×{kept['shape'][-1]}"
        return self._maps_size

    def benchmark_moves(self) -> list[dict[str, Any]]:
        return [
            {"digit": 1},
            {"digit": 0},
            {"method": "occlusion"},
            {"method": "saliency"},
            {"target": 3},
            {"target": PREDICTED},
        ]
