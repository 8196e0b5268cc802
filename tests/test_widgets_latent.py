"""The latent explorers of notebook 07, driven in-process: controls redraw, verdicts, no-labels path."""

import io

import pytest
import torch
from PIL import Image

from cnn_lib.dcgan.models import Generator, ModelConfig
from cnn_lib.draw.latent import arithmetic_png, walk_png
from cnn_lib.widgets import EXPLORERS
from cnn_lib.widgets.latent import (
    NO_LABELS,
    WALK_STEPS,
    DigitArithmeticExplorer,
    LatentWalkExplorer,
    default_classifier,
    digit_directions,
)


@pytest.fixture(scope="module")
def generator():
    torch.manual_seed(1)
    generator = Generator(ModelConfig(image_size=16, latent_dim=8, generator_width=4)).eval()
    for weight in generator.parameters():  # larger than DCGAN's N(0, 0.02): images that differ
        if weight.ndim > 1:
            weight.data.normal_(0, 0.5)
    return generator


class PixelClassifier(torch.nn.Module):
    """A stand-in for the trained DigitsCNN: the same interface (``image_size``, ``embed``,
    ``layers[-1]``), and confident answers that change with the image, which an untrained
    DigitsCNN's (always about 0.1 for one digit) do not."""

    image_size = 16

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.layers = torch.nn.Sequential(torch.nn.Linear(16 * 16, 10))
        self.layers[0].weight.data *= 40

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        flat = images.flatten(1)  # standardised per image: an untrained G's images are faint
        return (flat - flat.mean(1, keepdim=True)) / (flat.std(1, keepdim=True) + 1e-6)


@pytest.fixture(scope="module")
def classifier():
    return PixelClassifier()


@pytest.fixture(scope="module")
def groups():
    # Two digits' z in separate regions, so their mean difference is a known direction.
    torch.manual_seed(2)
    return {
        1: torch.randn(20, 8, 1, 1) - 1,
        7: torch.randn(30, 8, 1, 1) + 1,
        3: torch.randn(10, 8, 1, 1),
        2: torch.empty(0, 8, 1, 1),
    }


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_both_explorers_are_registered_and_build_without_arguments_for_the_benchmark():
    assert EXPLORERS["latent-walk"] is LatentWalkExplorer
    assert EXPLORERS["digit-arithmetic"] is DigitArithmeticExplorer
    walk = LatentWalkExplorer()
    assert walk.last_error == "" and walk.note.value == NO_LABELS
    arithmetic = DigitArithmeticExplorer(classifier=default_classifier())
    assert arithmetic.last_error == "" and arithmetic.image.value


def test_digit_directions_are_differences_of_digit_means_for_pairs_found(groups):
    directions = digit_directions(groups)
    assert list(directions) == ["mean(7) − mean(1)"]  # (4, 9), (3, 8), (0, 6) lack a digit
    assert torch.allclose(directions["mean(7) − mean(1)"], groups[7].mean(0) - groups[1].mean(0))


def test_walk_slider_changes_the_image_and_the_verdict(generator, classifier, groups):
    explorer = LatentWalkExplorer(generator, classifier, groups, samples=10)
    assert explorer.last_error == ""
    before_image, before_verdict = explorer.image.value, explorer.verdict.value
    explorer.sliders["t"].value = 0
    assert explorer.image.value != before_image
    assert explorer.verdict.value != before_verdict
    assert "classifier: " in explorer.verdict.value and "(p = 0." in explorer.verdict.value
    assert "z = (1 − 0)·z[0] + 0·z[1]" in explorer.formula.value


def test_walk_ends_decode_the_two_samples_themselves(generator, classifier, groups):
    explorer = LatentWalkExplorer(generator, classifier, groups, samples=10)
    images, _ = explorer.walk(0, 1, "none", 0)
    with torch.no_grad():
        ends = generator(explorer.latents[[0, 1]])
    expected = ((ends.clamp(-1, 1) + 1) / 2)[:, 0].numpy()
    assert images.shape[0] == WALK_STEPS + 1
    assert abs(images[0] - expected[0]).max() < 1e-5 and abs(images[-1] - expected[1]).max() < 1e-5


def test_a_direction_pushes_z_by_amount_over_five_times_the_mean_difference(
    generator, classifier, groups
):
    explorer = LatentWalkExplorer(generator, classifier, groups, samples=10)
    name = "mean(7) − mean(1)"
    plain = explorer.image.value
    explorer.set_values(direction=name, amount=5)
    assert explorer.image.value != plain
    assert f"+ 1·({name})" in explorer.formula.value
    images, _ = explorer.walk(0, 1, name, 5)
    latent = (
        torch.lerp(explorer.latents[0], explorer.latents[1], 0.5)
        + groups[7].mean(0)
        - groups[1].mean(0)
    )
    with torch.no_grad():
        middle = ((generator(latent[None]).clamp(-1, 1) + 1) / 2)[0, 0].numpy()
    assert abs(images[WALK_STEPS // 2] - middle).max() < 1e-5


def test_moving_along_a_walk_decodes_nothing_new(generator, classifier, groups):
    explorer = LatentWalkExplorer(generator, classifier, groups, samples=10)
    cached = dict(explorer._cache)
    for step in range(WALK_STEPS + 1):
        explorer.sliders["t"].value = step
    assert explorer._cache == cached


def test_the_same_start_and_end_is_explained_inline_and_the_explorer_keeps_working(
    generator, classifier, groups
):
    explorer = LatentWalkExplorer(generator, classifier, groups, samples=10)
    explorer.sliders["end"].value = 0
    assert "start and end are both sample #0" in explorer.error.value
    assert explorer.error.layout.display == "block"
    explorer.sliders["end"].value = 3
    assert explorer.error.value == "" and explorer.last_error == ""
    assert "z[3]" in explorer.formula.value


def test_without_digit_labels_the_walk_has_no_digit_controls_and_says_why(generator):
    explorer = LatentWalkExplorer(generator, classifier=None, samples=10)
    assert set(explorer.sliders) == {"start", "end", "t"}
    assert explorer.note.value == NO_LABELS
    assert NO_LABELS.count(".") == 1  # one sentence
    before = explorer.image.value
    explorer.sliders["start"].value = 4
    assert explorer.image.value != before
    assert "classifier" not in explorer.verdict.value and "t = 0.5" in explorer.verdict.value


def test_bad_sample_counts_are_refused_in_one_sentence(generator):
    with pytest.raises(ValueError, match="samples must be a whole number ≥ 2"):
        LatentWalkExplorer(generator, samples=1)


def test_arithmetic_dropdowns_change_the_result_and_the_verdict(generator, classifier, groups):
    explorer = DigitArithmeticExplorer(generator, classifier, groups, per_digit=2)
    assert explorer.digits == [1, 3, 7]  # digit 2 has no z
    assert [digit for digit, _ in explorer.sources] == [1, 1, 3, 3, 7, 7]
    assert explorer.sliders["target"].value == 3  # the first digit other than the source's
    before = (explorer.image.value, explorer.formula.value, explorer.check.value)
    explorer.sliders["target"].value = 7
    assert explorer.image.value != before[0]
    assert explorer.formula.value != before[1]
    assert "mean(z of 1s, 20)" in explorer.formula.value
    assert "mean(z of 7s, 30)" in explorer.formula.value
    images, found = explorer.results(0)
    predicted, probability = found[explorer.digits.index(7)]
    assert f"result: {predicted} (p = {probability:.2f})" in explorer.verdict.value
    mark = "✓" if predicted == 7 else "✗"
    assert mark in explorer.check.value
    explorer.sliders["source"].value = 4
    assert "z[#4] − mean(z of 7s, 30)" in explorer.formula.value


def test_arithmetic_result_is_source_minus_its_mean_plus_the_targets_mean(
    generator, classifier, groups
):
    explorer = DigitArithmeticExplorer(generator, classifier, groups, per_digit=2)
    images, _ = explorer.results(2)  # the first 3
    latent = groups[3][0] - groups[3].mean(0) + groups[7].mean(0)
    with torch.no_grad():
        expected = ((generator(latent[None]).clamp(-1, 1) + 1) / 2)[0, 0].numpy()
    assert abs(images[explorer.digits.index(7)] - expected).max() < 1e-5


def test_arithmetic_without_any_latents_is_refused_in_one_sentence(generator, classifier):
    with pytest.raises(ValueError, match="groups holds no latent vectors"):
        DigitArithmeticExplorer(generator, classifier, {3: torch.empty(0, 8, 1, 1)})


def test_walk_png_frames_the_current_step_and_refuses_a_position_off_the_walk():
    images = torch.rand(11, 16, 16).numpy()
    width, height = png_size(walk_png(images, 3))
    assert height == 128 and width == 128 + 16 + 11 * (32 + 6)
    with pytest.raises(ValueError, match="current must be a walk position from 0 to 10"):
        walk_png(images, 11)
    colour = torch.rand(11, 16, 16, 3).numpy()
    assert png_size(walk_png(colour, 0)) == (width, height)


def test_arithmetic_png_puts_source_and_result_side_by_side():
    width, height = png_size(
        arithmetic_png(torch.zeros(32, 32).numpy(), torch.ones(32, 32).numpy())
    )
    assert (width, height) == (2 * 96 + 24, 96)
