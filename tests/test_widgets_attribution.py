"""The attribution explorer of notebook 06: controls redraw the map and the probabilities; a drawing is read.

In-process, without captum and (except the pen test) without ipycanvas, so it also runs in the
Colab profile (ipywidgets 7.7.1). Numbers on screen are compared with torch.
"""

import sys

import pytest
import torch

from cnn_lib.attribution.methods import METHODS, attribution_map
from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.classifier.train import train_classifier
from cnn_lib.draw.attribution import attribution_png
from cnn_lib.widgets import EXPLORERS
from cnn_lib.widgets.attribution import (
    NO_PAD_SENTENCE,
    PREDICTED,
    AttributionExplorer,
    drawing_pad_available,
)

ONE = [[(112, 30 + 8 * i) for i in range(20)]]  # a vertical stroke on the 224-pixel pad


@pytest.fixture(scope="module")
def split():
    return digit_split("mnist5k", 28)


@pytest.fixture(scope="module")
def model(split):
    torch.manual_seed(0)
    cnn = DigitsCNN(image_size=28)
    images, labels = split.train
    train_classifier(cnn, (images[:1500], labels[:1500]), epochs=2, progress=False)
    return cnn.eval()


@pytest.fixture()
def explorer(model, split):
    return AttributionExplorer(model, split.test_images[:20], split.test_labels[:20], pad=False)


def test_explorer_is_registered_with_its_dom_classes(explorer):
    assert EXPLORERS["attribution"] is AttributionExplorer
    assert {"cnn-explorer", "cnn-explorer-attribution"} <= set(explorer._dom_classes)
    assert explorer.sliders["digit"].max == 19
    assert explorer.last_error == ""


def test_each_method_shows_its_own_map_of_the_predicted_class(explorer, model):
    image = explorer.images[0]
    with torch.no_grad():
        predicted = int(model(image[None]).argmax())
    for method in METHODS:
        explorer.sliders["method"].value = method
        expected = attribution_map(method, model, image, predicted)
        assert explorer.map_image.value == attribution_png(image.numpy(), expected.numpy())
        assert f"map explains class <b>{predicted}</b>" in explorer.caption.value
        assert explorer.last_error == "" and explorer.last_redraw_ms < 1000
    explorer.set_values(method="Grad-CAM")
    assert "last conv maps (14×14)" in explorer.formula.value


def test_the_percentages_shown_are_torch_softmax(explorer, model):
    explorer.set_values(digit=5, target=3)
    with torch.no_grad():
        probabilities = torch.softmax(model(explorer.images[5][None]), 1)[0]
    assert f"p_3 = exp(z_3) / Σ_j exp(z_j) = {100 * float(probabilities[3]):.1f}%" in (
        explorer.formula.value
    )
    predicted = int(probabilities.argmax())
    assert f"predicted: <b>{predicted}</b> ({100 * float(probabilities[predicted]):.1f}%)" in (
        explorer.caption.value
    )
    assert explorer.check.value.startswith('<div style="color:#009E73">✓')


def test_moving_the_digit_or_the_class_redraws(explorer):
    before = (explorer.digit_image.value, explorer.map_image.value, explorer.bars.value)
    explorer.sliders["digit"].value = 4
    after = (explorer.digit_image.value, explorer.map_image.value, explorer.bars.value)
    assert all(a != b for a, b in zip(before, after, strict=True))
    shown = explorer.map_image.value
    explorer.sliders["target"].value = (
        0 if "predicted: <b>0</b>" not in explorer.caption.value else 1
    )
    assert explorer.map_image.value != shown
    explorer.sliders["target"].value = PREDICTED


def test_a_drawn_one_is_read_and_the_digit_slider_goes_back(explorer):
    explorer.set_drawing(ONE)
    assert "your drawing" in explorer.caption.value
    assert "predicted: <b>1</b>" in explorer.caption.value
    explorer.sliders["digit"].value = 2
    assert "held-out digit #2" in explorer.caption.value


def test_an_empty_drawing_is_refused_inline_and_clearing_goes_back(explorer):
    explorer.set_drawing([])
    assert explorer.last_error == "the pad is empty: draw a digit, or move the digit slider."
    assert explorer.error.layout.display == "block"
    explorer.clear_drawing()
    assert explorer.last_error == "" and "held-out digit" in explorer.caption.value


def test_without_ipycanvas_one_sentence_says_drawing_needs_jupyterlab(monkeypatch, model, split):
    monkeypatch.setitem(sys.modules, "ipycanvas", None)  # import ipycanvas now fails
    assert drawing_pad_available() is False
    explorer = AttributionExplorer(model, split.test_images[:3], split.test_labels[:3])
    assert explorer.pad is None and explorer.pad_note.value == f"<i>{NO_PAD_SENTENCE}</i>"
    explorer.sliders["digit"].value = 2
    assert explorer.last_error == "" and "held-out digit #2" in explorer.caption.value


def test_on_colab_the_pad_is_not_shown(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert drawing_pad_available() is False


def test_explorer_refuses_images_of_another_size_and_unmatched_labels(model):
    with pytest.raises(ValueError, match=r"images must have shape \(N, 1, 28, 28\)"):
        AttributionExplorer(model, torch.zeros(3, 1, 8, 8), pad=False)
    with pytest.raises(ValueError, match="one label per image"):
        AttributionExplorer(model, torch.zeros(3, 1, 28, 28), torch.zeros(2), pad=False)


def test_pen_strokes_on_the_pad_are_read_as_a_digit(model, split):
    pytest.importorskip("ipycanvas")  # the pad exists only where ipycanvas does (not on Colab)
    explorer = AttributionExplorer(model, split.test_images[:3], split.test_labels[:3], pad=True)
    assert explorer.pad is not None
    x, ys = ONE[0][0][0], [y for _, y in ONE[0]]
    explorer._pen_down(x, ys[0])
    for y in ys[1:]:
        explorer._pen_move(x, y)
    explorer._pen_up(x, ys[-1])
    assert explorer.strokes == ONE
    assert (
        "your drawing" in explorer.caption.value and "predicted: <b>1</b>" in explorer.caption.value
    )
