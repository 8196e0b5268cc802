"""The DCGAN generator and discriminator (Radford, Metz & Chintala, 2015, arXiv 1511.06434).

Both follow the paper's guidelines: strided convolutions in D and transposed
convolutions in G instead of pooling; batch norm in both except on G's output
and D's input; no fully connected hidden layers; ReLU in G with a Tanh output;
LeakyReLU(0.2) in D; weights drawn from N(0, 0.02). Every doubling of the image
size adds one layer to each network.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

IMAGE_SIZES = (16, 32, 64, 128)


@dataclass(frozen=True)
class ModelConfig:
    """Shapes of both networks: image size and channels, latent size, and layer widths."""

    image_size: int = 32
    channels: int = 1
    latent_dim: int = 100
    generator_width: int = 64
    discriminator_width: int = 64
    # G's noise: a mixture of ``latent_clusters`` standard normals whose centres sit at distance
    # ``cluster_distance`` from the origin (1 cluster: a single N(0, I)).
    latent_clusters: int = 1
    cluster_distance: float = 0.0
    # D's last layer also guesses which cluster a generated image's z came from (InfoGAN's
    # auxiliary head Q, Chen et al. 2016, sharing D's body); only with latent_clusters > 1.
    cluster_head: bool = False

    def __post_init__(self) -> None:
        if self.image_size not in IMAGE_SIZES:
            raise ValueError(
                f"image_size must be one of {', '.join(map(str, IMAGE_SIZES))} (a power of two), "
                f"got {self.image_size!r}."
            )
        for name in (
            "channels",
            "latent_dim",
            "generator_width",
            "discriminator_width",
            "latent_clusters",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value!r}.")
        distance = self.cluster_distance
        if (
            isinstance(distance, bool)
            or not isinstance(distance, (int, float))
            or not (math.isfinite(distance) and distance >= 0)
        ):
            raise ValueError(f"cluster_distance must be a number ≥ 0, got {distance!r}.")
        if not isinstance(self.cluster_head, bool):
            raise ValueError(f"cluster_head must be True or False, got {self.cluster_head!r}.")

    @property
    def cluster_guesses(self) -> int:
        """Return how many cluster logits D outputs beside its real/fake logit (0 without a head)."""
        return self.latent_clusters if self.cluster_head and self.latent_clusters > 1 else 0

    @property
    def doublings(self) -> int:
        """Return how many stride-2 layers take 4×4 to the image size."""
        return int(math.log2(self.image_size)) - 2

    def to_dict(self) -> dict[str, int]:
        """Return the config as a plain dict (what checkpoints store)."""
        return asdict(self)


def init_dcgan_weights(module: nn.Module) -> None:
    """Draw conv weights from N(0, 0.02) (the paper) and batch-norm scales from N(1, 0.02) (its code)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class Generator(nn.Sequential):
    """Map noise z of shape (N, latent_dim, 1, 1) to images (N, C, H, W) in [−1, 1]."""

    def __init__(self, config: ModelConfig) -> None:
        widths = [config.generator_width * 2**i for i in reversed(range(config.doublings))]
        # The "projection": a 4×4 transposed convolution on a 1×1 input is the paper's
        # project-and-reshape, written as a convolution so there is no fully connected layer.
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(config.latent_dim, widths[0], 4, 1, 0, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(True),
        ]
        for width_in, width_out in zip(widths, widths[1:], strict=False):
            layers += [
                nn.ConvTranspose2d(width_in, width_out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(width_out),
                nn.ReLU(True),
            ]
        layers += [nn.ConvTranspose2d(widths[-1], config.channels, 4, 2, 1, bias=False), nn.Tanh()]
        super().__init__(*layers)
        self.config = config
        self.apply(init_dcgan_weights)


class Discriminator(nn.Sequential):
    """Map images (N, C, H, W) to one logit each, shape (N,): large means "real".

    With ``config.cluster_head`` the last convolution has ``latent_clusters`` more output
    channels, and ``discriminator(images, cluster_guesses=True)`` returns the logits together
    with D's guess (N, latent_clusters) of which noise cluster each image was drawn from.
    """

    def __init__(self, config: ModelConfig) -> None:
        widths = [config.discriminator_width * 2**i for i in range(config.doublings)]
        # No batch norm on the input layer: the paper found it destabilises training.
        layers: list[nn.Module] = [
            nn.Conv2d(config.channels, widths[0], 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, True),
        ]
        for width_in, width_out in zip(widths, widths[1:], strict=False):
            layers += [
                nn.Conv2d(width_in, width_out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(width_out),
                nn.LeakyReLU(0.2, True),
            ]
        layers += [
            nn.Conv2d(widths[-1], 1 + config.cluster_guesses, 4, 1, 0, bias=False),
            nn.Flatten(1),
        ]
        super().__init__(*layers)
        self.config = config
        self.apply(init_dcgan_weights)

    def forward(
        self, images: torch.Tensor, cluster_guesses: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        outputs = super().forward(images)
        logits = outputs[:, 0]
        return (logits, outputs[:, 1:]) if cluster_guesses else logits


def sample_noise(
    count: int, latent_dim: int, generator: torch.Generator | None = None, device="cpu"
) -> torch.Tensor:
    """Return standard-normal latent vectors shaped (count, latent_dim, 1, 1)."""
    return torch.randn(count, latent_dim, 1, 1, generator=generator, device=device)


def latent_centres(config: ModelConfig) -> torch.Tensor:
    """Return the centres (latent_clusters, latent_dim) of G's noise mixture.

    Fixed random directions (drawn with seed 0, so every run and checkpoint shares them)
    scaled to length ``cluster_distance``; one cluster is centred at the origin.
    """
    if config.latent_clusters == 1:
        return torch.zeros(1, config.latent_dim)
    directions = torch.randn(
        config.latent_clusters, config.latent_dim, generator=torch.Generator().manual_seed(0)
    )
    return directions / directions.norm(dim=1, keepdim=True) * config.cluster_distance


def sample_latent(
    count: int, config: ModelConfig, generator: torch.Generator | None = None, device="cpu"
) -> torch.Tensor:
    """Return G's input noise (count, latent_dim, 1, 1): a random cluster's centre plus N(0, I).

    With ``latent_clusters`` = 1 this is :func:`sample_noise`: N(0, I) (the paper drew z uniformly).
    """
    return sample_latent_and_clusters(count, config, generator, device)[0]


def sample_latent_and_clusters(
    count: int,
    config: ModelConfig,
    generator: torch.Generator | None = None,
    device="cpu",
    centres: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return :func:`sample_latent`'s noise and, shape (count,), the cluster each row came from.

    Both are drawn on ``device``, where ``generator`` (if given) must live: a training step on a
    GPU draws there, without a copy from the CPU. ``centres`` (:func:`latent_centres` already on
    ``device``) spares recomputing them at every step.
    """
    noise = sample_noise(count, config.latent_dim, generator, device)
    if config.latent_clusters == 1:
        return noise, torch.zeros(count, dtype=torch.long, device=device)
    clusters = torch.randint(config.latent_clusters, (count,), generator=generator, device=device)
    centres = latent_centres(config).to(device) if centres is None else centres
    return noise + centres[clusters].view(count, config.latent_dim, 1, 1), clusters
