"""Command line: ``python -m cnn_lib.dcgan train …`` and ``python -m cnn_lib.dcgan sample …``.

    python -m cnn_lib.dcgan train --dataset digits --image-size 32 --max-seconds 60 --out runs/digits
    python -m cnn_lib.dcgan train --recipe fast --dataset mnist5k --max-seconds 120 --out runs/fast
    python -m cnn_lib.dcgan sample --checkpoint runs/digits/checkpoint.pt --n 1000 --seed 0 --out samples.npy

Bad input ends with one sentence saying what to change and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cnn_lib.dcgan.config import RECIPES, TrainConfig
from cnn_lib.dcgan.data import DATASETS
from cnn_lib.dcgan.models import IMAGE_SIZES
from cnn_lib.device import DEVICE_CHOICES

DEFAULT_EPOCHS = 25  # used when neither --epochs nor --max-seconds is given


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for both sub-commands."""
    defaults = TrainConfig(max_steps=1)
    recipe_knobs = "defaults to the recipe's value"
    parser = argparse.ArgumentParser(
        prog="python -m cnn_lib.dcgan", description="Train and sample a DCGAN."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train", help="train a DCGAN, writing checkpoint.pt, metrics.jsonl and PNGs"
    )
    train.add_argument("--dataset", default=defaults.dataset, help=f"one of {', '.join(DATASETS)}")
    train.add_argument(
        "--image-size",
        type=int,
        default=defaults.image_size,
        help=f"one of {', '.join(map(str, IMAGE_SIZES))}",
    )
    train.add_argument(
        "--data-root", default=defaults.data_root, help="folder with (or for) the data files"
    )
    train.add_argument(
        "--out", default=defaults.out, help="folder for checkpoint.pt, metrics.jsonl, PNGs"
    )
    train.add_argument(
        "--epochs", type=int, help=f"total epochs (default {DEFAULT_EPOCHS} without --max-seconds)"
    )
    train.add_argument("--max-seconds", type=float, help="seconds of training in this call")
    train.add_argument("--max-steps", type=int, help="total optimisation steps")
    train.add_argument(
        "--recipe",
        default=defaults.recipe,
        help=f"{' or '.join(RECIPES)}: the paper's exact choices, or the CPU-minute recipe; "
        "the options below change single settings of it",
    )
    train.add_argument("--batch-size", type=int, help=recipe_knobs)
    train.add_argument("--latent-dim", type=int, help=recipe_knobs)
    train.add_argument("--generator-width", type=int, help=recipe_knobs)
    train.add_argument("--discriminator-width", type=int, help=recipe_knobs)
    train.add_argument("--lr-generator", type=float, help=recipe_knobs)
    train.add_argument("--lr-discriminator", type=float, help=recipe_knobs)
    train.add_argument("--ema-decay", type=float, help="0 turns the EMA off")
    train.add_argument(
        "--latent-clusters",
        type=int,
        help="z from this many Gaussians (1: a single N(0, I))",
    )
    train.add_argument(
        "--cluster-distance",
        type=float,
        help="distance of each cluster centre from the origin",
    )
    train.add_argument(
        "--cluster-guess-weight",
        type=float,
        help="weight of D guessing each fake's noise cluster (InfoGAN); 0 turns it off",
    )
    train.add_argument("--translate-pixels", type=int, help=recipe_knobs)
    train.add_argument("--r1-gamma", type=float, help="R1 penalty on D; 0 turns it off")
    train.add_argument("--r1-every", type=int, help=recipe_knobs)
    train.add_argument("--device", default="auto", help=f"one of {', '.join(DEVICE_CHOICES)}")
    train.add_argument(
        "--amp",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="mixed precision on CUDA (bf16 on Ampere and newer, else fp16)",
    )
    train.add_argument("--compile", action="store_true", help="torch.compile both networks")
    train.add_argument("--seed", type=int, default=defaults.seed)
    train.add_argument("--checkpoint-seconds", type=float, default=defaults.checkpoint_seconds)
    train.add_argument(
        "--workers", type=int, default=defaults.workers, help="loader processes for folders"
    )
    train.add_argument("--threads", type=int, help="CPU threads (default: the idle cores)")
    train.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.pt")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    sample = commands.add_parser("sample", help="write generated images as a float32 .npy array")
    sample.add_argument("--checkpoint", required=True, help="a checkpoint.pt written by train")
    sample.add_argument("--n", type=int, default=64, help="how many images")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--out", default="samples.npy", help="output .npy file, shape (N, C, H, W)")
    sample.add_argument("--no-ema", action="store_true", help="use the raw generator, not its EMA")
    return parser


def run_train(args: argparse.Namespace) -> None:
    """Train as the arguments say and print where the results are."""
    from cnn_lib.dcgan.loop import train_dcgan

    epochs = args.epochs
    if epochs is None and args.max_seconds is None and args.max_steps is None:
        epochs = DEFAULT_EPOCHS
    options = {
        key: value
        for key, value in vars(args).items()
        if key not in ("command", "no_progress", "recipe") and value is not None
    }
    config = TrainConfig.from_recipe(args.recipe, **{**options, "epochs": epochs})
    result = train_dcgan(config, progress=not args.no_progress)
    if result.checkpoint is not None:
        print(
            f"{result.stopped} after {result.steps} steps ({result.train_seconds:.1f} s of training); "
            f"wrote {result.checkpoint}, metrics.jsonl and sample PNGs in {config.out}"
        )


def run_sample(args: argparse.Namespace) -> None:
    """Write ``args.n`` generated images to ``args.out`` as float32 (N, C, H, W) in [−1, 1]."""
    import numpy as np

    from cnn_lib.dcgan.sampling import generate, generator_from_checkpoint

    if args.n < 1:
        raise ValueError(f"--n must be a positive number of images, got {args.n}.")
    generator = generator_from_checkpoint(args.checkpoint, use_ema=not args.no_ema)
    images = generate(generator, args.n, args.seed).numpy().astype(np.float32)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, images)
    print(
        f"wrote {args.out}: {images.shape[0]} images of shape {tuple(images.shape[1:])}, float32 in [-1, 1]"
    )


def _out_of_memory_types() -> tuple[type[BaseException], ...]:
    import torch

    return tuple(
        t
        for t in (
            getattr(torch, "OutOfMemoryError", None),
            getattr(torch.cuda, "OutOfMemoryError", None),
        )
        if t is not None
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 done, 2 bad input, 1 diverged)."""
    args = build_parser().parse_args(argv)
    from cnn_lib.dcgan.loop import TrainingDiverged

    try:
        if args.command == "train":
            run_train(args)
        else:
            run_sample(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except _out_of_memory_types():
        size = (
            getattr(args, "batch_size", None)
            or RECIPES[getattr(args, "recipe", "paper")]["batch_size"]
        )
        print(
            f"error: the GPU ran out of memory at batch size {size}; pass a smaller --batch-size "
            f"(for example {max(1, size // 2)}) or a smaller --image-size.",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
