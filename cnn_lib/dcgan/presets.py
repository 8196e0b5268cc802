"""Named runs for notebook 07: one line (``RUN = "cpu"``) sets dataset, size, recipe, time and batch.

Every preset trains the paper's recipe except ``cpu-fast`` (the appendix's CPU recipe). Width
and batch size are the paper recipe's size knobs: the CPU presets use half the paper's width
and batch so a laptop gets a few thousand steps in minutes; the Colab presets use the paper's.
Under ``CI=true`` (:data:`cnn_lib.QUICK`) every preset trains for a few seconds, narrower.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.notebook import QUICK

QUICK_SECONDS = 6.0
# Under CI=true the GPU presets shrink to the CPU preset's size, so a few seconds still take steps
# (and the default preset's networks, whose tables notebook 07 checks, stay the same).
QUICK_WIDTH, QUICK_BATCH = 32, 64


@dataclass(frozen=True)
class Preset:
    """One named run: what it trains on, at what size, with which recipe, for how long."""

    dataset: str
    image_size: int
    recipe: str
    minutes: float
    width: int
    batch_size: int
    where: str
    note: str
    data_root: str = "data"

    def settings(self) -> dict:
        """Return the :class:`TrainConfig` settings this preset fixes."""
        return {
            "dataset": self.dataset,
            "image_size": self.image_size,
            "data_root": self.data_root,
            "generator_width": self.width,
            "discriminator_width": self.width,
            "batch_size": self.batch_size,
        }


PRESETS = {
    "cpu": Preset(
        "mnist5k", 32, "paper", 3, 32, 64, "laptop CPU", "5,000 real MNIST digits, no download"
    ),
    "cpu-uci-digits": Preset(
        "digits", 32, "paper", 2, 32, 64, "laptop CPU", "1,797 UCI digits, 8×8 enlarged: blurry"
    ),
    "cpu-fast": Preset("mnist5k", 32, "fast", 2, 16, 32, "laptop CPU", "the appendix's CPU recipe"),
    "colab-mnist-64": Preset(
        "mnist", 64, "paper", 10, 64, 128, "Colab GPU", "60,000 digits, torchvision downloads"
    ),
    "colab-fashion-64": Preset(
        "fashion_mnist", 64, "paper", 10, 64, 128, "Colab GPU", "clothes, torchvision downloads"
    ),
    "colab-cifar10-32": Preset(
        "cifar10", 32, "paper", 10, 64, 128, "Colab GPU", "colour photos; native size is 32"
    ),
    "colab-celeba-64": Preset(
        "celeba", 64, "paper", 15, 64, 128, "Colab GPU", "faces; unzip into data/celeba/"
    ),
    "colab-folder-64": Preset(
        "folder",
        64,
        "paper",
        15,
        64,
        128,
        "Colab GPU",
        "your images in data/images/",
        data_root="data/images",
    ),
}


def preset_config(name: str, quick: bool = QUICK, **settings) -> TrainConfig:
    """Return the :class:`TrainConfig` of preset ``name``, shortened under ``quick``.

    ``settings`` override the preset (for example ``device="cpu"`` or ``out="runs/x"``).
    """
    if name not in PRESETS:
        raise ValueError(f"RUN must be one of {', '.join(PRESETS)}, got {name!r}.")
    preset = PRESETS[name]
    seconds = QUICK_SECONDS if quick else preset.minutes * 60
    sizes = {}
    if quick:
        width = min(preset.width, QUICK_WIDTH)
        sizes = {"generator_width": width, "discriminator_width": width}
        sizes["batch_size"] = min(preset.batch_size, QUICK_BATCH)
    return TrainConfig.from_recipe(
        preset.recipe,
        **{
            **preset.settings(),
            **sizes,
            "max_seconds": seconds,
            "sample_seconds": seconds / 12,
            "out": f"runs/{name}",
            **settings,
        },
    )


def preset_table() -> str:
    """Return the presets as a Markdown table (name, data, size, recipe, minutes, width, batch)."""
    lines = [
        "| `RUN` | where | data | size | recipe | minutes | width, batch |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, preset in PRESETS.items():
        lines.append(
            f"| `{name}` | {preset.where} | `{preset.dataset}`: {preset.note} | "
            f"{preset.image_size}×{preset.image_size} | {preset.recipe} | {preset.minutes:g} | "
            f"{preset.width}, {preset.batch_size} |"
        )
    return "\n".join(lines)
