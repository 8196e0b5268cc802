"""How good are the DCGAN's digits after a fixed training time on this machine? Prints JSON.

Run with ``python -m benchmarks.dcgan_quality`` (CPU, digits at 32×32, 60 s of training,
the library's default settings). It trains exactly as
``python -m cnn_lib.dcgan train --dataset digits --image-size 32 --max-seconds 60`` does,
samples 1,000 digits from the EMA generator and scores them with ``cnn_lib.metrics``:
Fréchet distance of classifier features against held-out real digits, beside the real-vs-real
floor, the share of confidently classified samples (beside the share for held-out real digits)
and the class coverage. The issue's
target: ratio ≤ 3, confident share ≥ 0.8, coverage ≥ 0.97. The load average is reported
because the machine may be shared: other processes slow training and so lower quality.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile

import torch

from cnn_lib.dcgan import TrainConfig, generate, train_dcgan
from cnn_lib.dcgan.config import PAPER_SETTINGS
from cnn_lib.metrics import digits_reference, quality_report

TARGET = {"ratio": 3.0, "confident_share": 0.8, "coverage": 0.97}


def load_average() -> float | None:
    """Return the 1-minute load average, or None where the OS has none."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--paper", action="store_true", help="the paper's settings instead of ours")
    parser.add_argument("--json", help="also write the JSON here")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig(
            dataset="digits",
            image_size=32,
            max_seconds=args.max_seconds,
            device=args.device,
            seed=args.seed,
            out=out,
            **(PAPER_SETTINGS if args.paper else {}),
        )
        result = train_dcgan(config, progress=False, log=lambda *a: None)
    load_after_training = load_average()
    images = generate(result.generator_ema or result.generator, args.samples, seed=args.seed)
    report = quality_report(images, digits_reference())
    summary = {
        **report.to_dict(),
        "meets_target": report.ratio <= TARGET["ratio"]
        and report.confident_share >= TARGET["confident_share"]
        and report.coverage >= TARGET["coverage"],
        "target": TARGET,
        "steps": result.steps,
        "train_seconds": round(result.train_seconds, 1),
        "device": result.device,
        "cpu_threads": torch.get_num_threads(),
        "cpu_cores": os.cpu_count(),
        "load_average_1min_before": load_before,
        "load_average_1min_after_training": load_after_training,
        "config": {key: value for key, value in config.to_dict().items() if key != "out"},
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as file:
            file.write(text + "\n")


if __name__ == "__main__":
    main()
