"""The explorers of notebook 07: walk the straight line between two z, and do arithmetic on z.

A trained generator decodes; the digit classifier that :mod:`cnn_lib.dcgan.metrics` trains
to score samples names each image with its probability. Decodes are batched and cached: a
walk's eleven images are decoded together once per (start, end, direction, amount), so
moving along the walk only recomposes a PNG; an arithmetic source's results for every target
digit are decoded together once. On data without digit labels there is no classifier: the
walk explorer walks between samples and says why the digit controls are absent.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import torch

from cnn_lib.dcgan.figures import latents_by_class
from cnn_lib.dcgan.metrics import classify
from cnn_lib.dcgan.models import Generator, ModelConfig, sample_latent
from cnn_lib.device import torch_threads
from cnn_lib.draw.base import check_html, formula_html
from cnn_lib.draw.latent import arithmetic_png, walk_png
from cnn_lib.widgets import register
from cnn_lib.widgets.base import ChoiceControl, Explorer, IntControl

__all__ = ["DigitArithmeticExplorer", "LatentWalkExplorer", "digit_directions", "show_static"]

WALK_STEPS = 10  # the walk is decoded at t = 0, 0.1, …, 1
AMOUNT_STEPS = 5  # the amount slider moves a in steps of 1/5, from −2 to 2
# Directions in z between two digits' mean z: "from the first toward the second".
DIRECTION_PAIRS = ((1, 7), (4, 9), (3, 8), (0, 6))
NO_LABELS = (
    "This data set has no digit labels, so no digit classifier names the images or finds digit "
    "directions in z: the explorer walks between two samples only."
)


def default_generator() -> Generator:
    """Return an untrained 32×32 generator of width 32 (the notebook's CPU size), seeded."""
    torch.manual_seed(0)
    return Generator(ModelConfig(image_size=32, generator_width=32, discriminator_width=32))


def default_classifier():
    """Return an untrained 32-pixel DigitsCNN, seeded (what the redraw benchmark builds)."""
    from cnn_lib.classifier.model import DigitsCNN

    torch.manual_seed(0)
    return DigitsCNN(image_size=32).eval()


@torch.no_grad()
def decode(generator: Generator, latents: torch.Tensor) -> torch.Tensor:
    """Return ``generator``'s images for ``latents`` in one batch (eval mode), on the CPU, in [−1, 1]."""
    device = next(generator.parameters()).device
    with torch_threads(1):
        return generator.eval()(latents.to(device)).float().cpu().clamp(-1, 1)


def to_pixels(images: torch.Tensor):
    """Return images (N, C, H, W) in [−1, 1] as numpy (N, H, W) or (N, H, W, 3) in [0, 1]."""
    pixels = ((images + 1) / 2).permute(0, 2, 3, 1).numpy()
    return pixels[..., 0] if pixels.shape[3] == 1 else pixels


def verdicts(classifier, images: torch.Tensor) -> list[tuple[int, float]]:
    """Return (predicted digit, its probability) for each image, or [] without a classifier."""
    if classifier is None:
        return []
    with torch_threads(1):
        probabilities, _ = classify(classifier, images)
    best = probabilities.max(1)
    return list(zip(best.indices.tolist(), best.values.tolist(), strict=True))


def digit_directions(
    groups: dict[int, torch.Tensor], pairs=DIRECTION_PAIRS
) -> dict[str, torch.Tensor]:
    """Return {"mean(b) − mean(a)": vector} for each digit pair (a, b) whose groups both hold z."""
    directions = {}
    for first, second in pairs:
        if len(groups.get(first, ())) and len(groups.get(second, ())):
            vector = groups[second].mean(0) - groups[first].mean(0)
            directions[f"mean({second}) − mean({first})"] = vector
    return directions


def show_static(explorer) -> None:
    """Display what ``explorer`` shows now as a plain PNG and text: the view stored for GitHub readers."""
    from IPython.display import Image, display

    display(Image(data=explorer.png, format="png"))
    print(explorer.summary)


@register
class LatentWalkExplorer(Explorer):
    """Two samples' z, a slider along the straight line between them, and a push along a direction.

    ``generator`` is a trained :class:`~cnn_lib.dcgan.models.Generator`; ``classifier`` a
    DigitsCNN (from :func:`cnn_lib.dcgan.metrics.digits_reference`) or None on data without
    digit labels; ``groups`` the z grouped by digit (:func:`cnn_lib.dcgan.figures.latents_by_class`),
    whose means give the directions. Sample ``k`` is row ``k`` of ``samples`` latent vectors
    drawn with seed 0. Without arguments it uses an untrained generator (the benchmark's).
    """

    name = "latent-walk"
    controls = {}
    figure_height = "0px"

    def __init__(self, generator=None, classifier=None, groups=None, samples: int = 100, **values):
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
            raise ValueError(
                f"samples must be a whole number ≥ 2 to walk between, got {samples!r}."
            )
        self.generator = default_generator() if generator is None else generator
        self.classifier = classifier
        self.latents = sample_latent(
            samples, self.generator.config, torch.Generator().manual_seed(0)
        )
        if classifier is not None and groups is None:
            groups = latents_by_class(self.generator, classifier, count=1000)
        self.directions = digit_directions(groups) if classifier is not None else {}
        self.controls = {
            "start": IntControl("start sample #", 0, samples - 1, 0),
            "end": IntControl("end sample #", 0, samples - 1, 1),
            "t": IntControl(f"walk step (of {WALK_STEPS})", 0, WALK_STEPS, WALK_STEPS // 2),
        }
        if self.directions:
            names = ("none", *self.directions)
            self.controls["direction"] = ChoiceControl("direction", names, "none")
            self.controls["amount"] = IntControl(
                f"amount (×1/{AMOUNT_STEPS})", -2 * AMOUNT_STEPS, 2 * AMOUNT_STEPS, 0
            )
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto", height="auto"))
        self.verdict = widgets.HTML(layout=widgets.Layout(height="48px"))
        self.verdict.add_class("cnn-verdict")
        self.note = widgets.HTML(NO_LABELS if classifier is None else "")
        self.note.add_class("cnn-note")
        self._cache: dict[tuple, tuple[Any, list]] = {}
        self.png, self.summary = b"", ""
        super().__init__(**values)

    def body(self) -> list[widgets.Widget]:
        row = widgets.Layout(min_height="140px", align_items="flex-start")
        return [widgets.HBox([self.image], layout=row), self.verdict, self.note]

    def walk(self, start: int, end: int, direction: str, amount: int) -> tuple[Any, list]:
        """Return the walk's images (numpy, [0, 1]) and the classifier's verdicts, decoded once."""
        key = (start, end, direction, amount)
        if key not in self._cache:
            fractions = torch.linspace(0, 1, WALK_STEPS + 1).view(-1, 1, 1, 1)
            latents = torch.lerp(self.latents[start], self.latents[end], fractions)
            if direction != "none":
                latents = latents + amount / AMOUNT_STEPS * self.directions[direction]
            images = decode(self.generator, latents)
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = (to_pixels(images), verdicts(self.classifier, images))
        return self._cache[key]

    def draw(self, values: dict[str, Any]) -> None:
        start, end, step = values["start"], values["end"], values["t"]
        direction, amount = values.get("direction", "none"), values.get("amount", 0)
        if start == end:
            raise ValueError(
                f"start and end are both sample #{start}, so there is no line to walk; "
                "move the end sample."
            )
        if direction not in ("none", *self.directions):
            raise ValueError(
                f"direction must be one of none, {', '.join(self.directions)}; got {direction!r}."
            )
        images, found = self.walk(start, end, direction, amount)
        self.png = walk_png(images, step)
        self.image.value = self.png
        t = step / WALK_STEPS
        push = ""
        if direction != "none" and amount:
            push = f" + {amount / AMOUNT_STEPS:g}·({direction})"
        formula = f"z = (1 − {t:g})·z[{start}] + {t:g}·z[{end}]{push}"
        self.formula.value = formula_html(formula)
        if found:
            (digit, probability), first, last = found[step], found[0], found[-1]
            verdict = (
                f"classifier: {digit} (p = {probability:.2f}) · start: {first[0]} "
                f"(p = {first[1]:.2f}) · end: {last[0]} (p = {last[1]:.2f})"
            )
        else:
            verdict = f"t = {t:g}: step {step} of the {WALK_STEPS}-step walk"
        self.verdict.value = f"<div>{html.escape(verdict)}</div>"
        self.summary = f"{formula}\n{verdict}"

    def on_error(self, values: dict[str, Any], error: ValueError) -> None:
        self.check.value = ""
        self.verdict.value = ""
        self.summary = str(error)

    def benchmark_moves(self) -> list[dict[str, Any]]:
        moves = [{"t": 6}, {"t": 5}, {"end": 2}, {"end": 1}]
        if self.directions:
            first = next(iter(self.directions))
            moves += [{"direction": first}, {"amount": 3}, {"amount": 0}, {"direction": "none"}]
        return moves


@register
class DigitArithmeticExplorer(Explorer):
    """Pick a source sample and a target digit: z − mean(z of its digit) + mean(z of the target).

    ``groups`` is z grouped by the digit the classifier sees (:func:`latents_by_class`); the
    sources are the first ``per_digit`` z of each digit found. The check line says whether
    the classifier reads the result as the target digit, or as a blend of something else.
    """

    name = "digit-arithmetic"
    controls = {}
    figure_height = "0px"

    def __init__(self, generator=None, classifier=None, groups=None, per_digit: int = 3, **values):
        self.generator = default_generator() if generator is None else generator
        self.classifier = default_classifier() if classifier is None else classifier
        if groups is None:
            groups = latents_by_class(self.generator, self.classifier, count=1000)
        self.digits = [digit for digit, latents in sorted(groups.items()) if len(latents)]
        if not self.digits:
            raise ValueError("groups holds no latent vectors; pass the result of latents_by_class.")
        self.means = {digit: groups[digit].mean(0) for digit in self.digits}
        self.counts = {digit: len(groups[digit]) for digit in self.digits}
        self.sources = [
            (digit, latent) for digit in self.digits for latent in groups[digit][:per_digit]
        ]
        source_images = decode(self.generator, torch.stack([z for _, z in self.sources]))
        self.source_pixels = to_pixels(source_images)
        self.source_verdicts = verdicts(self.classifier, source_images)
        options = tuple(
            (f"#{index}: a {digit}", index) for index, (digit, _) in enumerate(self.sources)
        )
        targets = tuple((str(digit), digit) for digit in self.digits)
        first_other = next((d for d in self.digits if d != self.sources[0][0]), self.digits[0])
        self.controls = {
            "source": ChoiceControl("source sample", options, 0),
            "target": ChoiceControl("target digit", targets, first_other),
        }
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto", height="auto"))
        self.verdict = widgets.HTML(layout=widgets.Layout(height="28px"))
        self.verdict.add_class("cnn-verdict")
        self._cache: dict[int, tuple[Any, list]] = {}
        self.png, self.summary, self.formula_text = b"", "", ""
        super().__init__(**values)

    def body(self) -> list[widgets.Widget]:
        row = widgets.Layout(min_height="120px", align_items="flex-start")
        return [widgets.HBox([self.image], layout=row), self.verdict]

    def results(self, source: int) -> tuple[Any, list]:
        """Return the source's result for every target digit (numpy images, verdicts), decoded once."""
        if source not in self._cache:
            digit, latent = self.sources[source]
            latents = torch.stack([latent - self.means[digit] + self.means[c] for c in self.digits])
            images = decode(self.generator, latents)
            self._cache[source] = (to_pixels(images), verdicts(self.classifier, images))
        return self._cache[source]

    def draw(self, values: dict[str, Any]) -> None:
        source, target = values["source"], values["target"]
        if source not in range(len(self.sources)):
            raise ValueError(
                f"source must be a sample from 0 to {len(self.sources) - 1}, got {source!r}."
            )
        if target not in self.digits:
            raise ValueError(
                f"target must be a digit the classifier found ({', '.join(map(str, self.digits))}), "
                f"got {target!r}."
            )
        digit = self.sources[source][0]
        images, found = self.results(source)
        column = self.digits.index(target)
        self.png = arithmetic_png(self.source_pixels[source], images[column])
        self.image.value = self.png
        self.formula_text = (
            f"z = z[#{source}] − mean(z of {digit}s, {self.counts[digit]}) "
            f"+ mean(z of {target}s, {self.counts[target]})"
        )
        self.formula.value = formula_html(self.formula_text)
        predicted, probability = found[column]
        seen, seen_probability = self.source_verdicts[source]
        verdict = f"source: {seen} (p = {seen_probability:.2f}) → result: {predicted} (p = {probability:.2f})"
        self.verdict.value = f"<div>{html.escape(verdict)}</div>"
        outcome = (
            "the digit asked for"
            if predicted == target
            else f"not the {target} asked for: a blend, or another digit"
        )
        check = f"the classifier reads the result as {predicted} (p = {probability:.2f}): {outcome}"
        self.check.value = check_html(predicted == target, check)
        self.summary = (
            f"{self.formula_text}\n{verdict}\n{'✓' if predicted == target else '✗'} {check}"
        )

    def benchmark_moves(self) -> list[dict[str, Any]]:
        last = self.digits[-1]
        return [
            {"target": last},
            {"target": self.digits[0]},
            {"source": len(self.sources) - 1},
            {"source": 0},
        ]
