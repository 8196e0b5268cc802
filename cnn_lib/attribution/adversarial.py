"""Fooling the network: the fast gradient sign method (FGSM, Goodfellow et al. 2014).

The attack works in the space the model reads: the course's digits are pixels in [0, 1]
and the models take them as they are (no normalisation layer in between), so ε is a
change of pixel value, and the perturbed digit is clamped back to [0, 1] so it stays a
valid image. (Had the model normalised its input, the attack would have to add ε to the
raw pixels *before* that normalisation, not to the normalised tensor.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from cnn_lib.device import torch_threads

__all__ = ["fgsm", "accuracy_under_fgsm"]


def fgsm(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    epsilon: float,
    low: float = 0.0,
    high: float = 1.0,
) -> torch.Tensor:
    """Return images moved ε along the sign of the loss gradient (each pixel ±ε), clamped to [low, high]."""
    if not 0 <= epsilon <= high - low:
        raise ValueError(
            f"epsilon must be between 0 and {high - low} (pixel units), got {epsilon!r}."
        )
    x = images.clone().detach().requires_grad_(True)
    with torch.enable_grad():
        # Summed, not averaged: each image's gradient is its own loss's, whatever the batch size.
        loss = F.cross_entropy(model(x), labels, reduction="sum")
        (gradient,) = torch.autograd.grad(loss, x)
    return (x + epsilon * gradient.sign()).clamp(low, high).detach()


def accuracy_under_fgsm(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epsilons, batch_size: int = 500
) -> list[float]:
    """Return the model's accuracy on FGSM-perturbed ``images`` for each ε in ``epsilons``."""
    accuracies = []
    with torch_threads(1):
        for epsilon in epsilons:
            accuracies.append(_accuracy(model, images, labels, float(epsilon), batch_size))
    return accuracies


def _accuracy(model, images, labels, epsilon: float, batch_size: int) -> float:
    """Return the share of ``images`` still classified right after FGSM with ``epsilon``."""
    correct = 0
    for start in range(0, len(images), batch_size):
        x, y = images[start : start + batch_size], labels[start : start + batch_size]
        with torch.no_grad():
            predicted = model(fgsm(model, x, y, epsilon)).argmax(1)
        correct += int((predicted == y).sum())
    return correct / len(images)
