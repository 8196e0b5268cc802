"""Training throughput of the DCGAN: the pytorch/examples reference loop against ours; prints JSON.

Run with ``python -m benchmarks.dcgan_throughput --device cuda --json out.json``. Both train
the same 64×64 RGB model (pytorch/examples' sizes: z 100, 64 base channels) at batch size
128 on the same images, in one process; only the execution differs:

- reference, as in pytorch/examples/dcgan: fp32, eager, NCHW, batches from a DataLoader
  with CPU worker processes, D's real and fake losses backpropagated separately, a
  ``.item()`` per step for the log line;
- ours, as ``cnn_lib.dcgan`` trains: the data set stored once on the device as uint8,
  bf16 autocast (fp16 + grad scaler before Ampere), channels-last, ``cudnn.benchmark``,
  ``torch.compile``, statistics read back every 10 steps, the generator EMA updated.

On the CPU ours is fp32, NCHW and eager too (autocast and compile do not pay there), so
the ratio measures only the data pipeline and synchronisation.
Rounds alternate reference and ours, and medians are reported, so a burst of load on a
shared machine hits both.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import time

import torch
from torch import nn

from benchmarks.report import print_json
from cnn_lib.dcgan.data import TensorImages
from cnn_lib.dcgan.models import Discriminator, Generator, ModelConfig
from cnn_lib.dcgan.step import (
    Precision,
    choose_precision,
    prepare_for_device,
    train_step,
    try_compile,
    update_ema,
)
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
    """cnn_lib.dcgan's execution of the same model and batch size."""

    def __init__(
        self, images: torch.Tensor, device: torch.device, compile_models: bool, amp: bool
    ) -> None:
        torch.manual_seed(0)
        self.device = device
        self.precision: Precision = choose_precision(device, amp)
        generator = prepare_for_device(Generator(MODEL), device)
        discriminator = prepare_for_device(Discriminator(MODEL), device)
        self.plain_generator, self.average = generator, copy.deepcopy(generator)
        self.optimizers = (
            torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999)),
            torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999)),
        )
        self.generator, self.discriminator = generator, discriminator
        if compile_models:
            self.generator, self.discriminator = try_compile(generator), try_compile(discriminator)
        self.data = TensorImages(images.float() / 127.5 - 1).to(device)
        self.order = torch.randperm(len(self.data), device=device)
        self.position, self.count, self.pending = 0, 0, []

    def step(self) -> None:
        if self.position + BATCH_SIZE > len(self.order):
            self.position = 0
        real = next(self.data.batches(self.order[self.position :], BATCH_SIZE, 0, self.device))
        self.position += BATCH_SIZE
        if self.device.type == "cuda":
            real = real.contiguous(memory_format=torch.channels_last)
        noise = torch.randn(BATCH_SIZE, 100, 1, 1, device=self.device)
        stats = train_step(
            self.generator, self.discriminator, self.optimizers, real, noise, self.precision
        )
        update_ema(self.average, self.plain_generator, 0.999, self.count)
        self.count += 1
        self.pending.append(stats["loss_d"])
        if len(self.pending) == 10:  # one read-back per 10 steps, as cnn_lib.dcgan does
            torch.stack(self.pending).tolist()
            self.pending.clear()


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
        "--steps",
        type=int,
        help="timed steps per round (default 30 on GPU, 3 on CPU: one 3-second step is too few to compare)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds; medians are reported"
    )
    parser.add_argument(
        "--warmup", type=int, help="untimed steps first (default 15 on GPU, 1 on CPU)"
    )
    parser.add_argument("--no-compile", action="store_true", help="leave torch.compile out of ours")
    parser.add_argument(
        "--workers", type=int, default=2, help="DataLoader workers of the reference"
    )
    parser.add_argument("--json", help="also write the JSON here")
    return parser.parse_args()


def measure(
    args: argparse.Namespace, device: torch.device
) -> tuple[dict[str, list[float]], Ours, int]:
    """Warm both trainers up, then time alternating rounds; return rates, ours, and steps per round."""
    gpu = device.type == "cuda"
    steps = args.steps or (30 if gpu else 3)
    warmup = args.warmup if args.warmup is not None else (15 if gpu else 1)
    images = torch.randint(
        0,
        256,
        (IMAGES, 3, IMAGE_SIZE, IMAGE_SIZE),
        dtype=torch.uint8,
        generator=torch.Generator().manual_seed(0),
    )
    trainers = {
        "reference": Reference(images, device, args.workers),
        "ours": Ours(images, device, gpu and not args.no_compile, gpu),
    }
    try:
        trainers["ours"].step()  # compiling happens here, lazily
    except Exception as error:  # noqa: BLE001 - no working compiler: measure ours eagerly
        print(f"torch.compile failed ({type(error).__name__}); ours runs eagerly.")
        trainers["ours"] = Ours(images, device, False, gpu)
    for trainer in trainers.values():
        for _ in range(warmup):
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
    rates, ours, steps = measure(args, device)
    reference_rate, our_rate = (
        round(statistics.median(rates[name]), 1) for name in ("reference", "ours")
    )
    result = {
        "device": describe_device(device),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "image_size": IMAGE_SIZE,
        "batch_size": BATCH_SIZE,
        "timed_steps": steps * args.rounds,
        "reference": {
            "images_per_second": reference_rate,
            "precision": "fp32",
            "memory_format": "NCHW",
            "compile": False,
            "data": f"DataLoader, {args.workers} CPU workers",
        },
        "ours": {
            "images_per_second": our_rate,
            "precision": ours.precision.name,
            "memory_format": "channels_last" if gpu else "NCHW",
            "compile": ours.generator is not ours.plain_generator,
            "data": "uint8 on the device",
        },
        "ratio": round(our_rate / reference_rate, 2),
        "cpu_threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    print_json(result, args.json)


if __name__ == "__main__":
    main()
