"""One DCGAN training step, and how it runs on each device (precision, memory format, compile)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from cnn_lib.dcgan.distributed import gradients_kept_local

# A training step: (G, D, optimizer_g, optimizer_d, real, z) → {"loss_d", "loss_g", "d_real", "d_fake"}.
StepFunction = Callable[..., dict]


@dataclass
class Precision:
    """How a step computes: ``dtype`` for autocast (None = fp32) and a grad scaler for fp16."""

    device_type: str
    dtype: torch.dtype | None = None
    scaler: torch.amp.GradScaler | None = None

    def autocast(self) -> contextlib.AbstractContextManager:
        """Return the autocast context for this precision (a no-op for fp32)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    @property
    def name(self) -> str:
        """Return ``fp32``, ``bf16`` or ``fp16 + grad scaler``, for log lines."""
        if self.dtype is None:
            return "fp32"
        return "bf16" if self.dtype == torch.bfloat16 else "fp16 + grad scaler"


def choose_precision(
    device: torch.device, amp: bool = True, scaler_allowed: bool = True
) -> Precision:
    """Return bf16 on GPUs of compute capability ≥ 8.0, fp16 with a scaler on older GPUs, else fp32.

    A T4 (capability 7.5) reports bf16 as "supported" through emulation, but cuDNN has no
    bf16 convolutions there, so only Ampere and newer get bf16. The CPU trains in fp32.
    A step of your own calls ``backward()`` itself, so it cannot use a grad scaler
    (``scaler_allowed=False``): on older GPUs it trains in fp32.
    """
    if not amp or device.type != "cuda":
        return Precision(device.type)
    if torch.cuda.get_device_capability(device) >= (8, 0):
        return Precision("cuda", torch.bfloat16)
    if not scaler_allowed:
        return Precision("cuda")
    return Precision("cuda", torch.float16, torch.amp.GradScaler("cuda"))


def random_translate(images: torch.Tensor, pixels: int, generator: torch.Generator) -> torch.Tensor:
    """Return ``images`` each shifted by up to ``pixels`` in x and y, the gap filled with −1 (black).

    ``generator`` lives on the images' device, so the shifts are drawn there (no copy).
    """
    if pixels == 0:
        return images
    n, _, h, w = images.shape
    shifts = torch.randint(
        0, 2 * pixels + 1, (2, n, 1, 1), generator=generator, device=images.device
    )
    padded = F.pad(images, [pixels] * 4, value=-1.0)
    rows = torch.arange(h, device=images.device).view(1, h, 1) + shifts[0]
    cols = torch.arange(w, device=images.device).view(1, 1, w) + shifts[1]
    batch = torch.arange(n, device=images.device).view(n, 1, 1)
    return padded[batch, :, rows, cols].permute(0, 3, 1, 2)


def _backward_and_step(
    loss: torch.Tensor, optimizer: torch.optim.Optimizer, precision: Precision
) -> None:
    optimizer.zero_grad(set_to_none=True)
    if precision.scaler is None:
        loss.backward()
        optimizer.step()
    else:
        precision.scaler.scale(loss).backward()
        precision.scaler.step(optimizer)


def train_step(
    generator: nn.Module,
    discriminator: nn.Module,
    optimizers: tuple[torch.optim.Optimizer, torch.optim.Optimizer],
    real: torch.Tensor,
    noise: torch.Tensor,
    precision: Precision,
    augment=lambda images: images,
    r1_weight: float = 0.0,
    clusters: torch.Tensor | None = None,
    cluster_weight: float = 0.0,
) -> dict[str, torch.Tensor]:
    """Update D once, then G once, with the non-saturating GAN loss; return detached statistics.

    D learns to call real images real (1) and generated ones fake (0). G learns to make
    D call its images real: minimising −log D(G(z)) instead of log(1 − D(G(z))) gives G
    strong gradients early on, when D rejects everything (the "non-saturating" loss).
    BCEWithLogitsLoss takes D's raw logits, which is numerically safe under autocast.
    With ``r1_weight`` > 0, D's loss also gets r1_weight/2 · E‖∇ₓD(x)‖² on the real batch (the
    R1 penalty, Mescheder et al. 2018): D may not be steep around real digits, so G's
    gradients stay smooth instead of flipping between sharp cliffs.
    With ``cluster_weight`` > 0, D also learns to tell from a generated image which noise
    cluster (``clusters``) it came from, and G to make that easy: both add cluster_weight ·
    cross-entropy of D's guess (InfoGAN's mutual-information term, Chen et al. 2016), which
    pushes each cluster to draw something recognisably its own instead of a mix of two digits.
    """
    optimizer_g, optimizer_d = optimizers
    criterion = nn.BCEWithLogitsLoss()
    guess = cluster_weight > 0
    with precision.autocast():
        fake = generator(noise)
        # Two D passes, all-real then all-fake, so batch norm never mixes the two batches.
        real_seen = augment(real).detach().requires_grad_(r1_weight > 0)
        logits_real = discriminator(real_seen)
        logits_fake, guesses = judge(discriminator, augment(fake.detach()), guess)
        loss_d = criterion(logits_real, torch.ones_like(logits_real)) + criterion(
            logits_fake, torch.zeros_like(logits_fake)
        )
        if guess:
            loss_d = loss_d + cluster_weight * F.cross_entropy(guesses.float(), clusters)
        if r1_weight > 0:
            loss_d = loss_d + r1_weight / 2 * r1_penalty(logits_real, real_seen)
    _backward_and_step(loss_d, optimizer_d, precision)
    # G's loss needs D's gradient with respect to the images, not to D's weights.
    with weights_frozen(discriminator):
        with precision.autocast():
            logits_generated, guesses = judge(discriminator, augment(fake), guess)
            loss_g = criterion(logits_generated, torch.ones_like(logits_generated))
            if guess:
                loss_g = loss_g + cluster_weight * F.cross_entropy(guesses.float(), clusters)
        _backward_and_step(loss_g, optimizer_g, precision)
    if precision.scaler is not None:
        precision.scaler.update()
    return {
        "loss_d": loss_d.detach().float(),
        "loss_g": loss_g.detach().float(),
        "d_real": torch.sigmoid(logits_real.detach().float()).mean(),
        "d_fake": torch.sigmoid(logits_fake.detach().float()).mean(),
    }


@contextlib.contextmanager
def weights_frozen(model: nn.Module) -> Iterator[None]:
    """Within the block, compute no gradients for ``model``'s weights (and, under DDP, average none)."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    for parameter in parameters:
        parameter.requires_grad_(False)
    try:
        with gradients_kept_local((model,)):
            yield
    finally:
        for parameter in parameters:
            parameter.requires_grad_(True)


def judge(
    discriminator: nn.Module, images: torch.Tensor, guess_clusters: bool
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Return D's logits for ``images`` and, when ``guess_clusters``, its cluster guesses (else None)."""
    if guess_clusters:
        return discriminator(images, cluster_guesses=True)
    return discriminator(images), None


def r1_penalty(logits_real: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """Return the mean over the batch of ‖∇ₓ logit‖², kept in the graph so D can minimise it."""
    (gradient,) = torch.autograd.grad(logits_real.float().sum(), real, create_graph=True)
    return gradient.float().pow(2).flatten(1).sum(1).mean()


@torch.no_grad()
def update_ema(average: nn.Module, model: nn.Module, decay: float, step: int) -> None:
    """Move ``average``'s weights towards ``model``'s: w̄ ← decay·w̄ + (1 − decay)·w.

    The decay ramps up from 0.1 over the first steps, so the average forgets its random start fast.
    """
    decay = min(decay, (1 + step) / (10 + step))
    torch._foreach_lerp_(list(average.parameters()), list(model.parameters()), 1 - decay)
    for mine, theirs in zip(average.buffers(), model.buffers(), strict=False):
        mine.copy_(theirs)


def prepare_for_device(model: nn.Module, device: torch.device) -> nn.Module:
    """Move ``model`` to ``device``; on CUDA store it channels-last, which tensor cores prefer."""
    model = model.to(device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    return model


def try_compile(model: nn.Module, log=print) -> nn.Module:
    """Return ``torch.compile(model)``, or ``model`` itself with a message when compiling fails."""
    try:
        return torch.compile(model)
    except Exception as error:  # noqa: BLE001 - any failure means: train eagerly instead
        log(f"torch.compile is not available here ({type(error).__name__}); training without it.")
        return model
