"""Four ways to ask "which pixels mattered": saliency, SmoothGrad, Grad-CAM and occlusion.

Every method takes a classifier ``model`` (images → logits), one ``image`` of shape
(1, H, W) in the pixel scale the model reads ([0, 1] for the course's digits) and a
``target`` class, and returns a map of shape (H, W): how much each pixel mattered for
that class's score. Bigger means more important; the maps are not on a common scale.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "class_probabilities",
    "saliency",
    "smoothgrad",
    "grad_cam",
    "last_conv_maps",
    "occlusion",
    "attribution_map",
    "METHODS",
]


def class_probabilities(logits: torch.Tensor) -> torch.Tensor:
    """Return the softmax of ``logits`` along the last axis: exp(z_i) / Σ_j exp(z_j)."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values  # same result, no overflow
    exps = shifted.exp()
    return exps / exps.sum(dim=-1, keepdim=True)


def _check_image(image: torch.Tensor, target: int) -> torch.Tensor:
    image = torch.as_tensor(image, dtype=torch.float32)
    if image.ndim != 3 or image.shape[0] != 1:
        raise ValueError(
            f"image must have shape (1, H, W) (one grey digit), got {tuple(image.shape)}."
        )
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 9:
        raise ValueError(f"target must be a class number 0–9, got {target!r}.")
    return image


def saliency(model: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Return |∂ score_target / ∂ pixel|: how fast the class score moves when each pixel changes."""
    image = _check_image(image, target)
    x = image[None].clone().requires_grad_(True)
    with torch.enable_grad():  # works inside a no_grad block too
        score = model(x)[0, target]
        (gradient,) = torch.autograd.grad(score, x)
    return gradient[0, 0].abs()


def smoothgrad(
    model: nn.Module,
    image: torch.Tensor,
    target: int,
    samples: int = 25,
    noise: float = 0.15,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Return saliency averaged over ``samples`` noisy copies of the image (noise std = ``noise`` × pixel range).

    One gradient is noisy; the average keeps what stays important when the pixels jitter.
    """
    image = _check_image(image, target)
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a whole number ≥ 1, got {samples!r}.")
    if not noise >= 0:
        raise ValueError(f"noise must be ≥ 0 (a share of the pixel range), got {noise!r}.")
    std = noise * float(image.max() - image.min())
    jitter = torch.randn((samples, *image.shape), generator=generator) * std
    x = (image[None] + jitter).requires_grad_(True)
    with torch.enable_grad():  # the sum's gradient is each copy's own: copies do not mix
        (gradients,) = torch.autograd.grad(model(x)[:, target].sum(), x)
    return gradients[:, 0].abs().mean(dim=0)


def last_conv_maps(model: nn.Module) -> nn.Module:
    """Return the module whose output is the last convolution's maps (its ReLU when one follows it)."""
    modules = list(model.modules())
    last = max((i for i, m in enumerate(modules) if isinstance(m, nn.Conv2d)), default=None)
    if last is None:
        raise ValueError("model has no nn.Conv2d layer, so Grad-CAM has no maps to weigh.")
    following = modules[last + 1] if last + 1 < len(modules) else None
    return following if isinstance(following, nn.ReLU) else modules[last]


def grad_cam(
    model: nn.Module, image: torch.Tensor, target: int, layer: nn.Module | None = None
) -> torch.Tensor:
    """Return Grad-CAM: the layer's maps weighted by their mean gradient, ReLU'd, upsampled to the image.

    ``layer`` defaults to :func:`last_conv_maps`. The map has that layer's resolution
    before upsampling (14×14 for the 28×28 DigitsCNN), so it is blurry by design.
    """
    image = _check_image(image, target)
    layer = last_conv_maps(model) if layer is None else layer
    kept = {}
    hook = layer.register_forward_hook(lambda module, inputs, output: kept.update(maps=output))
    try:
        with torch.enable_grad():
            score = model(image[None])[0, target]
            (gradients,) = torch.autograd.grad(score, kept["maps"])
    finally:
        hook.remove()
    maps = kept["maps"].detach()  # (1, C, h, w)
    weights = gradients.mean(dim=(2, 3), keepdim=True)  # one number per map: how much it helps
    cam = F.relu((weights * maps).sum(dim=1, keepdim=True))
    return F.interpolate(cam, size=image.shape[1:], mode="bilinear")[0, 0].detach()


def occlusion(
    model: nn.Module,
    image: torch.Tensor,
    target: int,
    patch: int = 6,
    stride: int = 2,
    background: float = 0.0,
) -> torch.Tensor:
    """Return, per pixel, the mean drop in the target's probability when a patch covering it is blanked.

    A ``patch``×``patch`` square of ``background`` slides with ``stride`` (Zeiler & Fergus 2014).
    """
    image = _check_image(image, target)
    height, width = image.shape[1:]
    if (
        isinstance(patch, bool)
        or not isinstance(patch, int)
        or not 1 <= patch <= min(height, width)
    ):
        raise ValueError(
            f"patch must be a whole number from 1 to {min(height, width)}, got {patch!r}."
        )
    if isinstance(stride, bool) or not isinstance(stride, int) or stride < 1:
        raise ValueError(f"stride must be a whole number ≥ 1, got {stride!r}.")
    corners = [
        (top, left)
        for top in range(0, height - patch + 1, stride)
        for left in range(0, width - patch + 1, stride)
    ]
    occluded = image.repeat(len(corners), 1, 1, 1)
    for n, (top, left) in enumerate(corners):
        occluded[n, :, top : top + patch, left : left + patch] = background
    with torch.no_grad():
        original = class_probabilities(model(image[None]))[0, target]
        drops = original - class_probabilities(model(occluded))[:, target]
    total, count = torch.zeros(height, width), torch.zeros(height, width)
    for drop, (top, left) in zip(drops, corners, strict=True):
        total[top : top + patch, left : left + patch] += drop
        count[top : top + patch, left : left + patch] += 1
    return total / count.clamp(min=1)


METHODS = {
    "saliency": saliency,
    "SmoothGrad": smoothgrad,
    "Grad-CAM": grad_cam,
    "occlusion": occlusion,
}


def attribution_map(
    method: str, model: nn.Module, image: torch.Tensor, target: int, seed: int = 0
) -> torch.Tensor:
    """Return ``METHODS[method]``'s map for one image (SmoothGrad's noise seeded by ``seed``)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}.")
    if method == "SmoothGrad":
        return smoothgrad(model, image, target, generator=torch.Generator().manual_seed(seed))
    return METHODS[method](model, image, target)
