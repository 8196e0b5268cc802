"""The tiny DCGAN that the training tests run: 16×16 images, four channels a layer, one CPU thread.

A step takes milliseconds, so a test can train, resume or fork ranks in a second or two.
The device stays the recipe's (``auto``), so on a GPU machine the training tests exercise it;
the multi-process tests pass ``device="cpu"`` (gloo).
"""

from __future__ import annotations

import os
import signal

import cnn_lib.dcgan.run as run_module
from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.models import ModelConfig

TINY_SIZES = {"image_size": 16, "latent_dim": 8, "generator_width": 4, "discriminator_width": 4}
TINY_MODEL = ModelConfig(**TINY_SIZES)


def tiny_config(out, **options) -> TrainConfig:
    """Return the ``fast`` recipe at :data:`TINY_MODEL`'s size, one CPU thread, writing to ``out``."""
    settings = {**TINY_SIZES, "threads": 1}
    return TrainConfig.from_recipe("fast", out=str(out), **{**settings, **options})


def interrupt_at(step: int, monkeypatch) -> None:
    """Make the library's training step send this process SIGINT (Ctrl-C) right after ``step`` steps."""
    real_step, calls = run_module.train_step, []

    def step_then_interrupt(*args, **kwargs):
        stats = real_step(*args, **kwargs)
        calls.append(1)
        if len(calls) == step:
            os.kill(os.getpid(), signal.SIGINT)
        return stats

    monkeypatch.setattr(run_module, "train_step", step_then_interrupt)
