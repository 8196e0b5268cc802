"""Are the maps telling the truth? A sanity check (randomise the weights) and a faithfulness check (delete pixels).

- Sanity (Adebayo et al. 2018): a map that explains *this* network must change when the
  network's weights are replaced by random ones. Layers are randomised in cascade from the
  top (the output layer first, then down to conv1), and after each step the rank correlation
  of |map| with the trained network's |map| is measured.
- Faithfulness (deletion curve): blank the pixels a map ranks highest, a few at a time, and
  watch the class probability fall; a faithful map makes it fall faster than blanking
  pixels in random order. The area under the curve is the summary (lower = more faithful).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import numpy as np
import torch
from torch import nn

from cnn_lib.attribution.methods import class_probabilities
from cnn_lib.device import torch_threads

__all__ = [
    "rank_correlation",
    "cascading_randomization",
    "sanity_check",
    "deletion_curve",
    "random_deletion_curve",
    "curve_area",
    "deletion_areas",
]

MapFunction = Callable[[nn.Module, torch.Tensor, int], torch.Tensor]


def rank_correlation(a, b) -> float:
    """Return Spearman's rank correlation of |a| and |b| (flattened; ties get their mean rank)."""
    from scipy.stats import rankdata

    a = np.abs(np.asarray(a, dtype=float)).ravel()
    b = np.abs(np.asarray(b, dtype=float)).ravel()
    if a.shape != b.shape:
        raise ValueError(f"the two maps must have the same size, got {a.size} and {b.size} values.")
    ranks_a, ranks_b = rankdata(a), rankdata(b)
    if ranks_a.std() == 0 or ranks_b.std() == 0:
        return 0.0  # a constant map ranks nothing, so it agrees with nothing
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


def cascading_randomization(model: nn.Module, seed: int = 0) -> Iterator[tuple[str, nn.Module]]:
    """Yield ``(layer name, copy)`` with the weights randomised from the top layer down, one more each time.

    Each layer gets fresh weights from its own initialiser (``reset_parameters``), seeded;
    the original ``model`` is not touched.
    """
    randomized = copy.deepcopy(model).eval()
    layers = [(n, m) for n, m in randomized.named_modules() if hasattr(m, "reset_parameters")]
    if not layers:
        raise ValueError("model has no layers with weights to randomise.")
    torch.manual_seed(seed)
    for name, layer in reversed(layers):
        layer.reset_parameters()
        yield name, copy.deepcopy(randomized)


def sanity_check(
    model: nn.Module,
    images: torch.Tensor,
    targets,
    methods: dict[str, MapFunction],
    seed: int = 0,
) -> dict[str, list[float]]:
    """Return ``{"layers": names randomised so far, method: mean rank correlation after each step}``.

    Rank correlation of |map| on the trained model with |map| on the randomised copy,
    averaged over ``images`` (each explained for its entry in ``targets``).
    """
    targets = [int(t) for t in targets]
    if len(targets) != len(images):
        raise ValueError(
            f"give one target per image: {len(images)} images, {len(targets)} targets."
        )
    trained = {
        name: [method(model, image, t) for image, t in zip(images, targets, strict=True)]
        for name, method in methods.items()
    }
    result: dict[str, list] = {"layers": [], **{name: [] for name in methods}}
    for layer, randomized in cascading_randomization(model, seed):
        result["layers"].append(layer)
        for name, method in methods.items():
            correlations = [
                rank_correlation(before, method(randomized, image, t))
                for before, image, t in zip(trained[name], images, targets, strict=True)
            ]
            result[name].append(float(np.mean(correlations)))
    return result


def _deletion_probabilities(
    model: nn.Module,
    image: torch.Tensor,
    target: int,
    order: torch.Tensor,
    steps: int,
    background: float,
) -> np.ndarray:
    """Return the target's probability after blanking the first 0, 1/steps, …, all of ``order``'s pixels."""
    pixels = image.numel()
    counts = [round(pixels * k / steps) for k in range(steps + 1)]
    batch = image.flatten().repeat(steps + 1, 1)
    for row, count in enumerate(counts):
        batch[row, order[:count]] = background
    with torch.no_grad():
        logits = model(batch.reshape(steps + 1, *image.shape))
    return class_probabilities(logits)[:, target].numpy()


def deletion_curve(
    model: nn.Module,
    image: torch.Tensor,
    target: int,
    attribution: torch.Tensor,
    steps: int = 28,
    background: float = 0.0,
) -> np.ndarray:
    """Return the target's probability as the map's top pixels are blanked: ``steps + 1`` values, 0 % … 100 % deleted."""
    if attribution.shape != image.shape[1:]:
        raise ValueError(
            f"attribution must have the image's shape {tuple(image.shape[1:])}, "
            f"got {tuple(attribution.shape)}."
        )
    order = torch.argsort(attribution.flatten(), descending=True, stable=True)
    return _deletion_probabilities(model, image, target, order, steps, background)


def random_deletion_curve(
    model: nn.Module,
    image: torch.Tensor,
    target: int,
    steps: int = 28,
    background: float = 0.0,
    generator: torch.Generator | None = None,
) -> np.ndarray:
    """Return the deletion curve for pixels blanked in a random order (the baseline a map must beat)."""
    order = torch.randperm(image.numel(), generator=generator)
    return _deletion_probabilities(model, image, target, order, steps, background)


def curve_area(curve) -> float:
    """Return the area under a curve sampled evenly from 0 to 1 on x (trapezoid rule)."""
    curve = np.asarray(curve, dtype=float)
    if curve.ndim != 1 or curve.size < 2:
        raise ValueError(
            f"curve must be a 1-D array of at least 2 values, got shape {curve.shape}."
        )
    return float((curve[1:] + curve[:-1]).sum() / 2 / (curve.size - 1))


def deletion_areas(
    model: nn.Module,
    images: torch.Tensor,
    targets,
    methods: dict[str, MapFunction],
    steps: int = 28,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Return ``(mean curve per method and "random", mean area per method and "random")`` over ``images``."""
    targets = [int(t) for t in targets]
    if len(targets) != len(images):
        raise ValueError(
            f"give one target per image: {len(images)} images, {len(targets)} targets."
        )
    with torch_threads(1):  # many tiny passes: one thread beats two that wait on each other
        return _deletion_areas(model, images, targets, methods, steps, seed)


def _deletion_areas(model, images, targets, methods, steps, seed):
    generator = torch.Generator().manual_seed(seed)
    curves: dict[str, list[np.ndarray]] = {name: [] for name in [*methods, "random"]}
    for image, target in zip(images, targets, strict=True):
        for name, method in methods.items():
            attribution = method(model, image, target)
            curves[name].append(deletion_curve(model, image, target, attribution, steps))
        curves["random"].append(
            random_deletion_curve(model, image, target, steps, generator=generator)
        )
    mean_curves = {name: np.mean(c, axis=0) for name, c in curves.items()}
    areas = {name: float(np.mean([curve_area(c) for c in cs])) for name, cs in curves.items()}
    return mean_curves, areas
