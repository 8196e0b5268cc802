"""Notebook 06's experiment at full size, timed: prints JSON (parameters, accuracy, seconds,
accuracy against shift, data efficiency).

Run with ``python -m benchmarks.weight_sharing [--out result.json]``. Same data, same training
and same budget rule as the notebook in full mode (``CI`` unset): 10 epochs on the 4,000
training digits, judged on the 1,000 held out; smaller training sets get at least 150 steps.
"""

from __future__ import annotations

import argparse
import platform
import time

import torch

from benchmarks.report import print_json
from cnn_lib.classifier.data import digit_split
from cnn_lib.weight_sharing.experiments import (
    MODEL_BUILDERS,
    build_models,
    data_efficiency,
    shift_accuracy,
    train_and_compare,
)

EPOCHS = 10
SIZES = (250, 500, 1000, 2000, 4000)
MIN_STEPS = 150
MAX_SHIFT = 6
EFFICIENCY_MODELS = ("MLP", "locally connected", "CNN (notebook 05)")


def run() -> dict:
    """Return the measured numbers of notebook 06, part 1."""
    torch.manual_seed(0)
    split = digit_split("mnist5k", 28)
    start = time.perf_counter()
    models = build_models(seed=0)
    rows = train_and_compare(models, split.train, split.test, epochs=EPOCHS)
    shifts = {
        name: shift_accuracy(m, *split.test, max_shift=MAX_SHIFT) for name, m in models.items()
    }
    builders = {name: MODEL_BUILDERS[name] for name in EFFICIENCY_MODELS}
    efficiency = data_efficiency(
        builders,
        split.train,
        split.test,
        SIZES,
        EPOCHS,
        MIN_STEPS,
        trained={row.name: row.accuracy for row in rows},
    )
    return {
        "machine": platform.processor() or platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "epochs": EPOCHS,
        "models": {
            row.name: {
                "parameters": row.parameters,
                "accuracy": round(row.accuracy, 4),
                "training_seconds": round(row.seconds, 1),
                "accuracy_at_3_pixel_shift": round(shifts[row.name][3], 4),
                "accuracy_by_shift": [round(a, 4) for a in shifts[row.name]],
            }
            for row in rows
        },
        "data_efficiency": {
            "sizes": list(SIZES),
            "min_steps": MIN_STEPS,
            "accuracy": {
                name: [round(a, 4) for a in values] for name, values in efficiency.items()
            },
        },
        "total_seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="also write the JSON to this file")
    print_json(run(), parser.parse_args().out)


if __name__ == "__main__":
    main()
