"""Drawing images from a trained generator: sample arrays, image grids and PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from cnn_lib.dcgan.checkpoint import load_checkpoint
from cnn_lib.dcgan.models import Generator, ModelConfig, sample_latent
from cnn_lib.dcgan.step import prepare_for_device
from cnn_lib.device import pick_device


def generator_from_checkpoint(
    checkpoint: str | Path | dict, use_ema: bool = True, device: str | torch.device = "cpu"
) -> Generator:
    """Return the generator stored in a checkpoint (its EMA copy when there is one), in eval mode.

    ``device`` (``"cpu"``, ``"cuda"``, ``"mps"``, ``"auto"`` or a ``torch.device``) is where it
    runs. On a GPU its images differ from a CPU copy's in the last digits (other kernels,
    channels-last, TF32), so compare them with a tolerance, not ``torch.equal``.
    """
    if not isinstance(device, torch.device):
        device = pick_device(device)
    state = checkpoint if isinstance(checkpoint, dict) else load_checkpoint(checkpoint)
    generator = Generator(ModelConfig(**state["model"]))
    weights = (
        state.get("generator_ema") if use_ema and state.get("generator_ema") else state["generator"]
    )
    try:
        generator.load_state_dict(weights)
    except RuntimeError:
        raise ValueError(
            "the checkpoint's generator weights do not fit its own model config."
        ) from None
    return prepare_for_device(generator, device).eval()


@torch.no_grad()
def generate(
    generator: Generator, count: int, seed: int = 0, batch_size: int = 256
) -> torch.Tensor:
    """Return ``count`` float32 images (N, C, H, W) in [−1, 1], the same for the same seed."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"the number of samples must be a positive whole number, got {count!r}.")
    random = torch.Generator().manual_seed(seed)
    device = next(generator.parameters()).device
    noise = sample_latent(count, generator.config, random)
    chunks = [generator(chunk.to(device)).float().cpu() for chunk in noise.split(batch_size)]
    return torch.cat(chunks).clamp(-1, 1)


def image_grid(images: torch.Tensor, columns: int = 8, gap: int = 1) -> np.ndarray:
    """Return images (N, C, H, W) in [−1, 1] tiled into one uint8 picture, (H', W') or (H', W', 3)."""
    images = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    count, channels, height, width = images.shape
    rows = -(-count // columns)
    grid = np.zeros(
        (rows * (height + gap) + gap, columns * (width + gap) + gap, channels), np.uint8
    )
    for index, image in enumerate(images.permute(0, 2, 3, 1).numpy()):
        top, left = (
            gap + (index // columns) * (height + gap),
            gap + (index % columns) * (width + gap),
        )
        grid[top : top + height, left : left + width] = image
    return grid[..., 0] if channels == 1 else grid


def save_grid_png(path: str | Path, images: torch.Tensor, columns: int = 8) -> Path:
    """Write ``images`` as one grid PNG at ``path`` and return the path."""
    from PIL import Image

    Image.fromarray(image_grid(images, columns)).save(path)
    return Path(path)
