"""The DCGAN training settings and their defaults, defined once for the CLI, notebook and tests."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from cnn_lib.dcgan.data import CHANNELS, DATASETS
from cnn_lib.dcgan.models import IMAGE_SIZES, ModelConfig
from cnn_lib.device import DEVICE_CHOICES

_WHOLE_NUMBERS = (
    "epochs",
    "max_steps",
    "batch_size",
    "latent_dim",
    "generator_width",
    "discriminator_width",
    "log_every",
    "threads",
    "r1_every",
    "latent_clusters",
)
_POSITIVE_NUMBERS = (
    "max_seconds",
    "lr_generator",
    "lr_discriminator",
    "checkpoint_seconds",
    "sample_seconds",
)

# Numbers that may be 0, with what 0 means where it means something.
_NON_NEGATIVE_NUMBERS = {
    "r1_gamma": " (0 turns the penalty off)",
    "cluster_distance": "",
    "cluster_guess_weight": " (0 turns the cluster guess off)",
}


@dataclass
class TrainConfig:
    """Everything a run needs; a checkpoint stores it as a dict so a resume trains the same way.

    Training stops at whichever limit comes first: ``epochs`` and ``max_steps`` count the
    whole run (a resume continues towards them); ``max_seconds`` counts training time of
    this call only, not start-up. With ``lr_decay`` both learning rates fall linearly to
    zero as the nearest limit approaches (for ``max_seconds``: over this call's seconds).
    """

    dataset: str = "digits"
    image_size: int = 32
    data_root: str = "data"
    out: str = "runs/digits"
    epochs: int | None = None
    max_seconds: float | None = None
    max_steps: int | None = None
    # The name of the recipe these settings started from (see RECIPES); the knobs below hold
    # its values, and a knob changed by hand stays changed. The defaults are the paper's.
    recipe: str = "paper"
    batch_size: int = 128
    latent_dim: int = 100
    # z from a mixture of Gaussians: a random one of latent_clusters centres, each at distance
    # cluster_distance from the origin, plus N(0, I) noise (1 cluster: a single N(0, I)).
    latent_clusters: int = 1
    cluster_distance: float = 0.0
    # Weight λ of D guessing each fake's noise cluster (InfoGAN's term; 0 turns it off).
    cluster_guess_weight: float = 0.0
    generator_width: int = 64
    discriminator_width: int = 64
    lr_generator: float = 2e-4
    lr_discriminator: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    lr_decay: bool = False
    ema_decay: float = 0.0
    translate_pixels: int = 0
    # R1 penalty γ on D's gradient at real images, applied every r1_every steps (0 turns it off).
    r1_gamma: float = 0.0
    r1_every: int = 8
    device: str = "auto"
    amp: bool = True
    compile: bool = False
    seed: int = 0
    checkpoint_seconds: float = 30.0
    sample_seconds: float = 10.0
    log_every: int = 10
    workers: int = 2
    threads: int | None = None
    resume: bool = False

    def __post_init__(self) -> None:
        self._check_choices()
        self._check_numbers()

    def _check_choices(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {self.dataset!r}.")
        if self.image_size not in IMAGE_SIZES:
            raise ValueError(
                f"image size must be a power of two from {IMAGE_SIZES[0]} to {IMAGE_SIZES[-1]} "
                f"({', '.join(map(str, IMAGE_SIZES))}), got {self.image_size!r}."
            )
        if self.recipe not in RECIPES:
            raise ValueError(f"recipe must be one of {', '.join(RECIPES)}, got {self.recipe!r}.")
        if self.device not in DEVICE_CHOICES:
            raise ValueError(
                f"device must be one of {', '.join(DEVICE_CHOICES)}, got {self.device!r}."
            )
        if self.epochs is None and self.max_seconds is None and self.max_steps is None:
            raise ValueError(
                "give at least one of epochs, max_seconds or max_steps, so training can end."
            )

    def _check_numbers(self) -> None:
        for name in _WHOLE_NUMBERS:
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise ValueError(
                    f"{name.replace('_', ' ')} must be a positive whole number, got {value!r}."
                )
        for name in _POSITIVE_NUMBERS:
            value = getattr(self, name)
            if value is not None and not (
                isinstance(value, (int, float)) and math.isfinite(value) and value > 0
            ):
                raise ValueError(
                    f"{name.replace('_', ' ')} must be a positive number, got {value!r}."
                )
        if not 0 <= self.ema_decay < 1:
            raise ValueError(
                f"ema decay must be in [0, 1) (0 turns the average off), got {self.ema_decay!r}."
            )
        for name, note in _NON_NEGATIVE_NUMBERS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not (
                isinstance(value, (int, float)) and math.isfinite(value) and value >= 0
            ):
                raise ValueError(
                    f"{name.replace('_', ' ')} must be a number ≥ 0{note}, got {value!r}."
                )
        limit = self.image_size // 4
        if not isinstance(self.translate_pixels, int) or not 0 <= self.translate_pixels < limit:
            raise ValueError(
                f"translate pixels must be a whole number from 0 to {limit - 1}, got {self.translate_pixels!r}."
            )

    def model_config(self) -> ModelConfig:
        """Return the shapes of the two networks these settings train."""
        return ModelConfig(
            self.image_size,
            CHANNELS[self.dataset],
            self.latent_dim,
            self.generator_width,
            self.discriminator_width,
            self.latent_clusters,
            self.cluster_distance,
            cluster_head=self.cluster_guess_weight > 0,
        )

    def to_dict(self) -> dict:
        """Return the settings as a plain dict (what checkpoints store)."""
        return asdict(self)

    @classmethod
    def from_recipe(cls, recipe: str = "paper", **settings) -> TrainConfig:
        """Return the named recipe's settings (see :data:`RECIPES`), with ``settings`` on top.

        ``TrainConfig.from_recipe("fast", dataset="mnist5k", max_seconds=120)``; width and
        batch size are the size knobs that keep a recipe what it is.
        """
        if recipe not in RECIPES:
            raise ValueError(f"recipe must be one of {', '.join(RECIPES)}, got {recipe!r}.")
        return cls(**{**RECIPES[recipe], "recipe": recipe, **settings})

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """Return a config from a stored dict, ignoring keys this version does not know.

        A setting added after the dict was stored takes the value that reproduces how that
        run trained (no mixture, no cluster guess), not today's default.
        """
        known = {field.name for field in fields(cls)}
        stored = {key: value for key, value in values.items() if key in known}
        return cls(**{**_BEFORE_THEY_EXISTED, **stored})


# Settings added after the first checkpoints were written, with the behaviour they had before.
_BEFORE_THEY_EXISTED = {
    "latent_clusters": 1,
    "cluster_distance": 0.0,
    "cluster_guess_weight": 0.0,
    # Checkpoints from before recipes had a name trained with the CPU recipe's ancestors.
    "recipe": "fast",
}

# A recipe is a named set of training choices. ``paper`` is Radford et al. (2015): z ∈ R¹⁰⁰,
# Adam 2e-4 with β₁ 0.5, batch 128, base width 64, no extras. One difference, said in notebook 07:
# z ~ N(0, I), today's usual choice, where the paper drew z uniformly.
# ``fast`` is the CPU-minute recipe of notebook 07's appendix: each of its changes is one row of
# `python -m benchmarks.dcgan_quality --ablation`, with its measured effect.
PAPER = {
    "batch_size": 128,
    "latent_dim": 100,
    "latent_clusters": 1,
    "cluster_distance": 0.0,
    "cluster_guess_weight": 0.0,
    "generator_width": 64,
    "discriminator_width": 64,
    "lr_generator": 2e-4,
    "lr_discriminator": 2e-4,
    "beta1": 0.5,
    "beta2": 0.999,
    "lr_decay": False,
    "ema_decay": 0.0,
    "translate_pixels": 0,
    "r1_gamma": 0.0,
    "r1_every": 8,
}
# The fast recipe's changes, in the order the ablation adds them (each a dict of settings).
FAST_STEPS = {
    "narrow and small batches": {
        "generator_width": 16,
        "discriminator_width": 16,
        "batch_size": 32,
        "latent_dim": 32,
    },
    "fast G, slower D, decaying": {
        "lr_generator": 2e-3,
        "lr_discriminator": 5e-4,
        "lr_decay": True,
    },
    "EMA of G": {"ema_decay": 0.99},
    "shift augmentation": {"translate_pixels": 2},
    "lazy R1 penalty": {"r1_gamma": 0.01},
    "mixture z + cluster guess": {
        "latent_clusters": 35,
        "cluster_distance": 8.0,
        "cluster_guess_weight": 0.3,
    },
}
FAST = {**PAPER}
for _step in FAST_STEPS.values():
    FAST.update(_step)
RECIPES = {"paper": PAPER, "fast": FAST}

# Settings a resumed run takes from the new call rather than from the checkpoint: where and
# how long to train, not what to train.
RUNTIME_FIELDS = (
    "out",
    "epochs",
    "max_seconds",
    "max_steps",
    "device",
    "amp",
    "compile",
    "checkpoint_seconds",
    "sample_seconds",
    "workers",
    "threads",
    "resume",
)
