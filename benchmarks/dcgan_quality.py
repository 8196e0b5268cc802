"""How good are the DCGAN's digits after a fixed training time on this machine? Prints JSON.

``python -m benchmarks.dcgan_quality`` trains the fast recipe on the 5,000 real MNIST digits
(``mnist5k``) at 32×32 for 120 s on the CPU, exactly as
``python -m cnn_lib.dcgan train --recipe fast --dataset mnist5k --max-seconds 120`` does,
samples 1,000 images (from the EMA generator where the recipe has one) and scores them with
``cnn_lib.dcgan.metrics``, using a classifier trained on the same data set's training split:
Fréchet distance of classifier features against its held-out split, beside the real-vs-real
floor; the share of confidently classified samples (beside held-out real digits' share); and
the class coverage.

- ``--recipe paper --width 32 --batch-size 64``: the paper's recipe at the CPU preset's size.
- ``--dataset digits --max-seconds 60``: the UCI digits' minute.
- ``--ablation``: the table of notebook 07's appendix, all rows in one run: the paper's
  recipe at the CPU size, then each change of the fast recipe added to the row before
  (``cnn_lib.dcgan.config.FAST_STEPS``). ``--save-ablation PATH`` writes it where the
  notebook reads it (``cnn_lib/dcgan/ablation.json``).

One GAN run says little: another seed can move the confident share by ±0.05 and the ratio by
a third, so ``--seeds`` runs each setting several times and reports the median. The load
average is reported because the machine may be shared: other processes slow training.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile

from benchmarks.report import print_json
from cnn_lib.dcgan import TrainConfig, generate, train_dcgan
from cnn_lib.dcgan.config import FAST_STEPS
from cnn_lib.dcgan.metrics import digits_reference, quality_report
from cnn_lib.device import free_cpu_cores

# The targets of the DCGAN lesson issue, per data set, for the fast recipe.
TARGETS = {
    "mnist5k": {"ratio": 5.0, "confident_share": 0.8, "coverage": 0.97},
    "digits": {"ratio": 3.0, "confident_share": 0.8, "coverage": 0.97},
}
CPU_SIZE = {"generator_width": 32, "discriminator_width": 32, "batch_size": 64}


def load_average() -> float | None:
    """Return the 1-minute load average, or None where the OS has none."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def train_and_score(
    settings: dict, args: argparse.Namespace, seed: int, reference, threads: int
) -> dict:
    """Train one run of ``settings`` with ``seed``; return its quality report as a dict."""
    load_before = load_average()
    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig(**settings, seed=seed, out=out, threads=threads, device=args.device)
        result = train_dcgan(config, progress=False, log=lambda *a: None)
    images = generate((result.generator_ema or result.generator).eval(), args.samples, seed=seed)
    report = quality_report(images, reference)
    return {
        "seed": seed,
        **report.to_dict(),
        "steps": result.steps,
        "train_seconds": round(result.train_seconds, 1),
        "load_average_1min_before": load_before,
    }


def meets(target: dict | None, row: dict) -> bool | None:
    """Return whether a row's numbers reach ``target`` (None where there is no target)."""
    if target is None:
        return None
    return (
        row["ratio"] <= target["ratio"]
        and row["confident_share"] >= target["confident_share"]
        and row["coverage"] >= target["coverage"]
    )


def measure(settings: dict, args, reference, threads: int) -> dict:
    """Train ``args.seeds`` runs of ``settings``; return their median and each run."""
    runs = [train_and_score(settings, args, seed, reference, threads) for seed in range(args.seeds)]
    median = {
        name: round(statistics.median(run[name] for run in runs), 4)
        for name in ("ratio", "confident_share", "coverage", "steps")
    }
    return {"median": median, "runs": runs}


def base_settings(args: argparse.Namespace) -> dict:
    """Return the TrainConfig settings the command line asks for (recipe plus overrides)."""
    settings = TrainConfig.from_recipe(
        args.recipe, dataset=args.dataset, image_size=32, max_seconds=args.max_seconds
    ).to_dict()
    for key in ("out", "seed", "threads", "device"):
        settings.pop(key)
    if args.width:
        settings["generator_width"] = settings["discriminator_width"] = args.width
    if args.batch_size:
        settings["batch_size"] = args.batch_size
    return settings


def ablation_rows(args: argparse.Namespace) -> list[tuple[str, dict]]:
    """Return (name, settings) for the paper at the CPU size, then each fast change added on."""
    settings = {**base_settings(argparse.Namespace(**{**vars(args), "recipe": "paper"}))}
    settings.update(CPU_SIZE)
    rows = [("paper's recipe (width 32, batch 64)", dict(settings))]
    for name, change in FAST_STEPS.items():
        settings.update(change)
        rows.append((f"+ {name}", dict(settings)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist5k", choices=("mnist5k", "digits"))
    parser.add_argument("--recipe", default="fast", choices=("paper", "fast"))
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--width", type=int, help="generator and discriminator width")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=1, help="runs per setting (seeds 0, 1, …)")
    parser.add_argument("--ablation", action="store_true", help="every row of the appendix table")
    parser.add_argument("--save-ablation", help="with --ablation: also write the table here")
    parser.add_argument(
        "--threads",
        type=int,
        help="CPU threads (default: the idle cores, chosen once before the first run)",
    )
    parser.add_argument("--json", help="also write the JSON here")
    args = parser.parse_args()
    # Chosen once: run 2 would otherwise see run 1's own load and train on fewer threads.
    threads = args.threads or free_cpu_cores()
    reference = digits_reference(dataset=args.dataset)
    target = TARGETS.get(args.dataset)
    common = {
        "dataset": args.dataset,
        "max_seconds": args.max_seconds,
        "seeds": args.seeds,
        "cpu_threads": threads,
        "cpu_cores": os.cpu_count(),
        "classifier_held_out_accuracy": round(reference.held_out_accuracy, 4),
    }
    if args.ablation:
        rows = []
        for name, settings in ablation_rows(args):
            rows.append({"row": name, **measure(settings, args, reference, threads)})
            print(f"{name}: {rows[-1]['median']}", flush=True)
        summary = {**common, "target_fast": target, "rows": rows}
        if args.save_ablation:
            print_json(summary, args.save_ablation)
    else:
        settings = base_settings(args)
        result = measure(settings, args, reference, threads)
        summary = {
            **common,
            **result,
            "target": target if args.recipe == "fast" else None,
            "meets_target_median": meets(target, result["median"])
            if args.recipe == "fast"
            else None,
            "config": settings,
        }
    print_json(summary, args.json)


if __name__ == "__main__":
    main()
