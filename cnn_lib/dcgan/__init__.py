"""A DCGAN (Radford, Metz & Chintala, 2015) that trains on a CPU in minutes and on GPUs fast.

``python -m cnn_lib.dcgan train …`` / ``… sample …`` are the command line; notebook 06
drives the same functions: :func:`train_dcgan`, :func:`generate`, :func:`load_checkpoint`.
"""

from cnn_lib.dcgan.checkpoint import load_checkpoint, save_checkpoint, strip_prefixes
from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.models import (
    Discriminator,
    Generator,
    ModelConfig,
    latent_centres,
    sample_latent,
    sample_noise,
)
from cnn_lib.dcgan.sampling import generate, generator_from_checkpoint, image_grid
from cnn_lib.dcgan.step import train_step
from cnn_lib.dcgan.train import TrainingDiverged, TrainResult, train_dcgan

__all__ = [
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
    "sample_latent",
    "sample_noise",
    "save_checkpoint",
    "strip_prefixes",
    "train_dcgan",
    "train_step",
]
