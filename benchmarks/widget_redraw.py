"""Median in-process redraw time per explorer for a control change at default sizes (target ≤ 50 ms).

Usage: python benchmarks/widget_redraw.py [--repeats N]   → prints JSON.

Every explorer registered in :data:`cnn_lib.widgets.EXPLORERS` (all modules of
``cnn_lib.widgets`` are imported first, so new explorers are found without
editing this file) is built with its defaults; each of its ``benchmark_moves()``
is applied control by control, as a learner moves them, and the time from
setting the value to the end of the observer callback is measured.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.report import print_json
from cnn_lib.widgets import load_all

TARGET_MS = 50.0


def time_moves(explorer, repeats: int) -> list[float]:
    """Return the milliseconds each control change took, over ``repeats`` rounds of the explorer's moves."""
    timings = []
    for _ in range(repeats):
        for move in explorer.benchmark_moves():
            for name, value in move.items():
                start = time.perf_counter()
                explorer.sliders[name].value = value  # fires the observer synchronously
                timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="rounds of each explorer's moves")
    args = parser.parse_args()
    results = {}
    for name, cls in sorted(load_all().items()):
        explorer = cls()
        explorer.redraw()  # warm-up: first calls into torch and PIL pay one-off costs
        timings = time_moves(explorer, args.repeats)
        median = statistics.median(timings)
        results[name] = {
            "median_ms": round(median, 2),
            "max_ms": round(max(timings), 2),
            "moves": len(timings),
            "within_target": median <= TARGET_MS,
            "last_error": explorer.last_error,
        }
    print_json({"target_ms": TARGET_MS, "explorers": results})


if __name__ == "__main__":
    main()
