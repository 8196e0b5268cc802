"""Training throughput of the DCGAN: the pytorch/examples reference loop against ours; prints JSON.

Run with ``python -m benchmarks.dcgan_throughput --device cuda --recipe paper --json out.json``.
Both train the same 64×64 RGB model (pytorch/examples' sizes: z 100, 64 base channels) at
batch size 128 on the same images, in one process:

- reference, as in pytorch/examples/dcgan: fp32, eager, NCHW, batches from a DataLoader
  with CPU worker processes, D's real and fake losses backpropagated separately, a
  ``.item()`` per step for the log line;
- ours is the product itself: a ``DCGANRun`` of the chosen recipe (``--recipe paper`` or
  ``fast``, at the model and batch size above) stepped by the training loop's own
  ``TrainingLoop.step`` — the data set stored once on the device as uint8, noise and shifts
  drawn on the device, bf16 autocast (fp16 + grad scaler before Ampere), channels-last,
  ``cudnn.benchmark``, ``torch.compile`` (R1 steps eager), statistics read back every
  10 steps, and whatever the recipe adds (``fast``: shift augmentation, lazy R1, the
  cluster head, the generator EMA, the learning-rate decay).

With ``paper`` only the execution differs from the reference; ``fast`` also does the
recipe's extra work, on the same model and batch size. Compiling is reported as its own
number (``compile_seconds``), never inside the timed steps: the first steps (compile,
cuDNN's autotuning, one R1 step) are untimed warm-up. On the CPU ours is fp32, NCHW and
eager too (autocast and compile do not pay there), so the ratio measures only the data
pipeline and synchronisation. Rounds alternate reference and ours, and medians are
reported, so a burst of load on a shared machine hits both.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

import torch
from torch import nn

from benchmarks.report import print_json
from cnn_lib.dcgan.config import RECIPES, TrainConfig
from cnn_lib.dcgan.data import TensorImages
from cnn_lib.dcgan.loop import CONTINUE, TrainingLoop
from cnn_lib.dcgan.models import Discriminator, Generator, ModelConfig
from cnn_lib.dcgan.run import DCGANRun
from cnn_lib.device import describe_device, pick_device

IMAGE_SIZE, BATCH_SIZE, IMAGES = 64, 128, 2048
MODEL = ModelConfig(
    image_size=IMAGE_SIZE, channels=3, latent_dim=100, generator_width=64, discriminator_width=64
)


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class Reference:
    """The pytorch/examples dcgan training loop, fp32 and eager."""

    def __init__(self, images: torch.Tensor, device: torch.device, workers: int) -> None:
        torch.manual_seed(0)
        self.device = device
        self.generator, self.discriminator = (
            Generator(MODEL).to(device),
            Discriminator(MODEL).to(device),
        )
        self.optimizer_g = torch.optim.Adam(self.generator.parameters(), 2e-4, betas=(0.5, 0.999))
        self.optimizer_d = torch.optim.Adam(
            self.discriminator.parameters(), 2e-4, betas=(0.5, 0.999)
        )
        dataset = torch.utils.data.TensorDataset(images.float() / 127.5 - 1)
        self.loader = torch.utils.data.DataLoader(
            dataset,
            BATCH_SIZE,
            shuffle=True,
            drop_last=True,
            num_workers=workers,
            persistent_workers=workers > 0,
        )
        self.batches = iter(())
        self.criterion = nn.BCEWithLogitsLoss()

    def next_batch(self) -> torch.Tensor:
        try:
            return next(self.batches)[0]
        except StopIteration:
            self.batches = iter(self.loader)
            return next(self.batches)[0]

    def step(self) -> None:
        real = self.next_batch().to(self.device)
        ones = torch.ones(BATCH_SIZE, device=self.device)
        zeros = torch.zeros(BATCH_SIZE, device=self.device)
        self.discriminator.zero_grad()
        error_real = self.criterion(self.discriminator(real), ones)
        error_real.backward()
        fake = self.generator(torch.randn(BATCH_SIZE, 100, 1, 1, device=self.device))
        error_fake = self.criterion(self.discriminator(fake.detach()), zeros)
        error_fake.backward()
        self.optimizer_d.step()
        self.generator.zero_grad()
        error_g = self.criterion(self.discriminator(fake), ones)
        error_g.backward()
        self.optimizer_g.step()
        # pytorch/examples prints the losses every step, which waits for the GPU.
        _ = (error_real + error_fake).item(), error_g.item()


class Ours:
    """cnn_lib.dcgan's own training step, the recipe's settings at the same model and batch size."""

    def __init__(
        self,
        recipe: str,
        images: torch.Tensor,
        device: torch.device,
        compile_models: bool,
        amp: bool,
        folder: str,
    ) -> None:
        self.config = TrainConfig.from_recipe(
            recipe,
            dataset="cifar10",  # 3 channels; the images themselves are passed in below
            image_size=IMAGE_SIZE,
            batch_size=BATCH_SIZE,
            latent_dim=MODEL.latent_dim,
            generator_width=MODEL.generator_width,
            discriminator_width=MODEL.discriminator_width,
            device=device.type,
            amp=amp,
            compile=compile_models,
            out=folder,
            max_steps=10**9,
            # File writes are left out of the training clock; leave them out here too.
            checkpoint_seconds=1e9,
            sample_seconds=1e9,
            threads=torch.get_num_threads(),
        )
        data = TensorImages(images.float() / 127.5 - 1)
        self.run = DCGANRun(self.config, log=lambda *args: None, data=data)
        self.loop = TrainingLoop(self.run, progress=False)
        self.random = torch.Generator().manual_seed(0)
        self.batches = iter(())

    def next_batch(self) -> torch.Tensor:
        try:
            return next(self.batches)
        except StopIteration:
            data = self.run.data
            order = torch.randperm(len(data), generator=self.random).to(data.images.device)
            self.batches = data.batches(order, BATCH_SIZE, 0, self.run.device)
            return next(self.batches)

    def step(self) -> None:
        if self.loop.step(self.next_batch()) != CONTINUE:
            raise RuntimeError("the training loop stopped during the benchmark (NaN?)")

    @property
    def compiled(self) -> bool:
        return self.run.generator is not self.run.eager_models[0]

    def extras(self) -> list[str]:
        """Return what the recipe adds to the paper's step."""
        config = self.config
        return [
            name
            for name, on in (
                ("shift augmentation", config.translate_pixels > 0),
                (f"lazy R1 every {config.r1_every} steps", config.r1_gamma > 0),
                ("cluster head", config.cluster_guess_weight > 0),
                ("generator EMA", config.ema_decay > 0),
                ("learning-rate decay", config.lr_decay),
            )
            if on
        ]


def images_per_second(trainer, steps: int, device: torch.device) -> float:
    """Return images per second over ``steps`` training steps, timed between GPU syncs."""
    synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    synchronize(device)
    return steps * BATCH_SIZE / (time.perf_counter() - start)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu", "mps"])
    parser.add_argument(
        "--recipe", default="paper", choices=list(RECIPES), help="the recipe ours trains"
    )
    parser.add_argument(
        "--steps",
        type=int,
        help="timed steps per round (default 200 on GPU, several seconds of each; 3 on CPU)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds; medians are reported"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        help="untimed steps after compiling (default 24 on GPU: every kind of step; 1 on CPU)",
    )
    parser.add_argument("--no-compile", action="store_true", help="leave torch.compile out of ours")
    parser.add_argument(
        "--workers", type=int, default=2, help="DataLoader workers of the reference"
    )
    parser.add_argument("--json", help="also write the JSON here")
    return parser.parse_args()


def measure(
    args: argparse.Namespace, device: torch.device, folder: str
) -> tuple[dict[str, list[float]], Ours, int]:
    """Warm both trainers up, then time alternating rounds; return rates, ours, and steps per round."""
    gpu = device.type == "cuda"
    steps = args.steps or (200 if gpu else 3)
    warmup = args.warmup if args.warmup is not None else (24 if gpu else 1)
    images = torch.randint(
        0,
        256,
        (IMAGES, 3, IMAGE_SIZE, IMAGE_SIZE),
        dtype=torch.uint8,
        generator=torch.Generator().manual_seed(0),
    )
    trainers = {
        "reference": Reference(images, device, args.workers),
        "ours": Ours(args.recipe, images, device, gpu and not args.no_compile, gpu, folder),
    }
    for trainer in trainers.values():
        for _ in range(1 + warmup):  # ours compiles in its first step (compile_seconds)
            trainer.step()
    rates = {name: [] for name in trainers}
    for _ in range(args.rounds):
        for name, trainer in trainers.items():
            rates[name].append(images_per_second(trainer, steps, device))
    return rates, trainers["ours"], steps


def main() -> None:
    args = parse_arguments()
    try:
        device = pick_device(args.device)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    gpu = device.type == "cuda"
    if gpu:
        torch.backends.cudnn.benchmark = True
    else:
        from cnn_lib.device import free_cpu_cores

        torch.set_num_threads(free_cpu_cores())
    with tempfile.TemporaryDirectory() as folder:
        rates, ours, steps = measure(args, device, folder)
    reference_rate, our_rate = (
        round(statistics.median(rates[name]), 1) for name in ("reference", "ours")
    )
    result = {
        "device": describe_device(device),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "image_size": IMAGE_SIZE,
        "batch_size": BATCH_SIZE,
        "recipe": args.recipe,
        "timed_steps_per_round": steps,
        "rounds": args.rounds,
        "reference": {
            "images_per_second": reference_rate,
            "timed_seconds": round(args.rounds * steps * BATCH_SIZE / reference_rate, 2),
            "precision": "fp32",
            "memory_format": "NCHW",
            "compile": False,
            "data": f"DataLoader, {args.workers} CPU workers",
        },
        "ours": {
            "images_per_second": our_rate,
            "timed_seconds": round(args.rounds * steps * BATCH_SIZE / our_rate, 2),
            "compile_seconds": round(ours.run.compile_seconds, 2),
            "precision": ours.run.precision.name,
            "memory_format": "channels_last" if gpu else "NCHW",
            "compile": ours.compiled,
            "data": "uint8 on the device",
            "recipe_extras": ours.extras(),
        },
        "ratio": round(our_rate / reference_rate, 2),
        "cpu_threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    print_json(result, args.json)


if __name__ == "__main__":
    main()
