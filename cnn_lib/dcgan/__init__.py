"""A DCGAN (Radford, Metz & Chintala, 2015): the paper's recipe, a fast CPU recipe, GPU plumbing.

``python -m cnn_lib.dcgan train …`` / ``… sample …`` are the command line; notebook 07
drives the same functions: :func:`train_dcgan`, :func:`generate`, :func:`load_checkpoint`.
"""

from cnn_lib.dcgan.checkpoint import load_checkpoint, save_checkpoint, strip_prefixes
from cnn_lib.dcgan.config import RECIPES, TrainConfig
from cnn_lib.dcgan.loop import TrainingDiverged, TrainResult, train_dcgan
from cnn_lib.dcgan.models import (
    Discriminator,
    Generator,
    ModelConfig,
    latent_centres,
    sample_latent,
    sample_noise,
)
from cnn_lib.dcgan.presets import PRESETS, preset_config
from cnn_lib.dcgan.sampling import generate, generator_from_checkpoint, image_grid
from cnn_lib.dcgan.step import train_step

__all__ = [
    "PRESETS",
    "RECIPES",
    "Discriminator",
    "Generator",
    "ModelConfig",
    "TrainConfig",
    "TrainResult",
    "TrainingDiverged",
    "generate",
    "generator_from_checkpoint",
    "image_grid",
    "latent_centres",
    "load_checkpoint",
    "preset_config",
    "sample_latent",
    "sample_noise",
    "save_checkpoint",
    "strip_prefixes",
    "train_dcgan",
    "train_step",
]
