"""The experiments of notebook 06, part 1: same data, same budget, then shifts and less data.

Every model is trained by notebook 05's code (:func:`cnn_lib.classifier.train.train_classifier`:
Adam, learning rate 0.003 falling along a cosine, batches of 64, cross-entropy), so the
only difference between two rows of a table is the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cnn_lib.classifier.model import DigitsCNN, layer_outputs
from cnn_lib.classifier.train import accuracy, train_classifier
from cnn_lib.weight_sharing.models import DenseNet, GlobalPoolCNN, locally_connected_net
from cnn_lib.weight_sharing.shift import shift_images, shifted_copies

# The four networks compared, each built for 28×28 digits. Names are the tables' and plots' labels.
MODEL_BUILDERS: dict[str, Callable[[], nn.Module]] = {
    "MLP": DenseNet,
    "locally connected": locally_connected_net,
    "CNN (notebook 05)": lambda: DigitsCNN(image_size=28),
    "CNN, global-average head": GlobalPoolCNN,
}


def build_models(seed: int = 0) -> dict[str, nn.Module]:
    """Return a fresh model for each name of :data:`MODEL_BUILDERS`, each seeded with ``seed``."""
    models = {}
    for name, build in MODEL_BUILDERS.items():
        torch.manual_seed(seed)
        models[name] = build()
    return models


def count_parameters(model: nn.Module) -> int:
    """Return the number of learned numbers (weights and biases) in ``model``."""
    return sum(p.numel() for p in model.parameters())


@dataclass(frozen=True)
class Result:
    """One row of the comparison: a model's size, held-out accuracy and training time."""

    name: str
    parameters: int
    accuracy: float
    seconds: float


def train_and_compare(
    models: Mapping[str, nn.Module],
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    epochs: int,
    seed: int = 0,
) -> list[Result]:
    """Train each model in place on ``train_data`` for ``epochs``; return its row of the table."""
    rows = []
    for name, model in models.items():
        start = time.perf_counter()
        train_classifier(model, train_data, epochs=epochs, progress=False, seed=seed)
        seconds = time.perf_counter() - start
        rows.append(Result(name, count_parameters(model), accuracy(model, test_data), seconds))
    return rows


def results_table(rows: Sequence[Result]) -> str:
    """Return the rows as a plain-text table: parameters, held-out accuracy, training seconds."""
    width = max(len(row.name) for row in rows)
    lines = [f"{'model':{width}}  {'parameters':>10}  {'accuracy':>8}  {'training':>8}"]
    for row in rows:
        lines.append(
            f"{row.name:{width}}  {row.parameters:>10,}  {row.accuracy:>8.1%}  {row.seconds:>7.1f}s"
        )
    return "\n".join(lines)


def shift_accuracy(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, max_shift: int = 6
) -> list[float]:
    """Return accuracy on ``images`` shifted 0, 1, …, ``max_shift`` pixels (mean of 4 directions)."""
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"max_shift must be a whole number ≥ 0, got {max_shift!r}.")
    scores = []
    for pixels in range(max_shift + 1):
        moved = images if pixels == 0 else shifted_copies(images, pixels)
        scores.append(accuracy(model, (moved, labels.repeat(len(moved) // len(labels)))))
    return scores


def epochs_for(size: int, epochs: int, min_steps: int, batch_size: int = 64) -> int:
    """Return the epochs a run on ``size`` digits gets: ``epochs``, or more to reach ``min_steps``."""
    batches = -(-size // batch_size)  # batches per epoch, the last one partial
    return max(epochs, -(-min_steps // batches))


def data_efficiency(
    builders: Mapping[str, Callable[[], nn.Module]],
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor],
    sizes: Sequence[int],
    epochs: int,
    min_steps: int,
    seed: int = 0,
    trained: Mapping[str, float] | None = None,
) -> dict[str, list[float]]:
    """Return held-out accuracy per model name for each training-set size.

    Budget rule: every run takes ``epochs`` passes over its digits, and more passes where that
    would be fewer than ``min_steps`` gradient steps, so a small set is trained to the end too.
    A training set of ``n`` digits is the first ``n`` of ``train_data`` (split at random,
    stratified, so each digit keeps about its share). ``trained`` maps model names to accuracies
    already measured on the whole ``train_data`` with the same rule; they are reused.
    """
    images, labels = train_data
    if any(
        isinstance(n, bool) or not isinstance(n, int) or not 0 < n <= len(labels) for n in sizes
    ):
        raise ValueError(f"sizes must be whole numbers from 1 to {len(labels)}, got {list(sizes)}.")
    curves: dict[str, list[float]] = {name: [] for name in builders}
    for n in sizes:
        for name, build in builders.items():
            if trained is not None and n == len(labels) and name in trained:
                curves[name].append(trained[name])
                continue
            torch.manual_seed(seed)
            model = build()
            rounds = epochs_for(n, epochs, min_steps)
            train_classifier(model, (images[:n], labels[:n]), rounds, progress=False, seed=seed)
            curves[name].append(accuracy(model, test_data))
    return curves


def shifted_training_set(
    images: torch.Tensor, labels: torch.Tensor, max_shift: int = 3, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the digits plus one copy of each, shifted by a random (down, right) up to ``max_shift``."""
    generator = torch.Generator().manual_seed(seed)
    offsets = torch.randint(-max_shift, max_shift + 1, (len(images), 2), generator=generator)
    moved = [
        shift_images(image, down, right)
        for image, (down, right) in zip(images, offsets.tolist(), strict=True)
    ]
    return torch.cat([images, torch.stack(moved)]), labels.repeat(2)


def equivariance_errors(
    model: DigitsCNN | GlobalPoolCNN, images: torch.Tensor, shifts: Sequence[int] = (1, 2, 3, 4)
) -> dict[str, list[float]]:
    """Return, per layer, how far its output for shifted digits is from its shifted output.

    For a layer with maps of side ``h`` (from 28-pixel digits, so one map pixel spans
    ``f = 28 / h`` input pixels), the digits are shifted right by ``s`` and the map compared with
    the original map shifted by the best whole number of map pixels near ``s / f``, over the
    columns both cover: ``‖map(shifted) − shifted map‖ / ‖map‖``. 0 means exactly equivariant.
    For layers without positions (after flatten) it is the relative change of the output itself.
    """
    before = layer_outputs(model, images)
    errors: dict[str, list[float]] = {name: [] for name, _ in before}
    for s in shifts:
        after = layer_outputs(model, shift_images(images, 0, s))
        for (name, original), (_, moved) in zip(before, after, strict=True):
            errors[name].append(_mismatch(original, moved, s, images.shape[-1]))
    return errors


def _mismatch(original: torch.Tensor, moved: torch.Tensor, s: int, input_side: int) -> float:
    """Return the relative mismatch between ``moved`` and ``original`` shifted by about ``s``."""
    if original.dim() != 4:
        return ((moved - original).norm() / original.norm()).item()
    width = original.shape[-1]
    factor = input_side / width
    candidates = {int(s // factor), -int(-s // factor)}  # the whole map shifts around s / f
    best = float("inf")
    for t in candidates:
        a, b = moved[..., t:], original[..., : width - t]
        best = min(best, ((a - b).norm() / b.norm()).item())
    return best


def kernel_similarity(weight: torch.Tensor, positions: torch.Tensor, reference: int) -> float:
    """Return how alike a locally connected layer's kernels are across positions.

    For each kernel at each position of the boolean mask ``positions``: its cosine similarity
    to the most similar kernel at position ``reference`` (any channel: channels need not line
    up between positions), averaged. One kernel shared everywhere would give 1.
    ``weight`` is ``LocallyConnected2d.weight``, shape (C_out, positions, C_in·k·k).
    """
    kernels = torch.nn.functional.normalize(weight.detach(), dim=-1)
    cosine = torch.einsum("opc,qc->opq", kernels[:, positions], kernels[:, reference])
    return cosine.max(dim=-1).values.mean().item()
