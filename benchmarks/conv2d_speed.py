"""Time cnn_lib.ops.conv2d against torch.nn.functional.conv2d on the CPU; prints JSON.

Run with ``python -m benchmarks.conv2d_speed``. Both get the same float32
1×3×128×128 input and 16×3×3×3 kernels (padding 1) in the same process
(one after the other: interleaving them lets torch's idle worker threads, still
spinning, slow down both); the times are medians over many repeats, so one slow
run (a context switch, a cold cache) does not decide the result.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from benchmarks.report import print_json
from cnn_lib.ops import conv2d

INPUT_SHAPE = (1, 3, 128, 128)
WEIGHT_SHAPE = (16, 3, 3, 3)
PADDING = 1
REPEATS = 500
WARMUP = 20


def median_seconds(function: Callable[[], object], repeats: int = REPEATS) -> float:
    """Return the median wall time of ``function()`` over ``repeats`` calls, in seconds, after a warm-up."""
    for _ in range(WARMUP):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict:
    """Return (and print as JSON) the medians in milliseconds and the ratio ours / torch.

    ``torch_ms`` is the faster of torch with its default threads and with one
    thread, so the ratio compares against torch at its best on this machine.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed calls of each (median)")
    repeats = parser.parse_args(argv).repeats
    if repeats < 1:
        parser.error(f"--repeats must be at least 1, got {repeats}.")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(INPUT_SHAPE).astype(np.float32)
    w = rng.standard_normal(WEIGHT_SHAPE).astype(np.float32)
    x_torch, w_torch = torch.from_numpy(x), torch.from_numpy(w)

    ours = conv2d(x, w, padding=PADDING)
    with torch.no_grad():
        reference = F.conv2d(x_torch, w_torch, padding=PADDING).numpy()
        max_difference = float(np.abs(ours - reference).max())
        default_threads = torch.get_num_threads()
        torch_default = median_seconds(lambda: F.conv2d(x_torch, w_torch, padding=PADDING), repeats)
        # On a busy machine torch's threads wait on each other, so also time one
        # thread and compare against whichever torch was faster (the strict ratio).
        torch.set_num_threads(1)
        torch_one_thread = median_seconds(
            lambda: F.conv2d(x_torch, w_torch, padding=PADDING), repeats
        )
        torch.set_num_threads(default_threads)
    ours_seconds = median_seconds(lambda: conv2d(x, w, padding=PADDING), repeats)
    torch_seconds = min(torch_default, torch_one_thread)

    result = {
        "input_shape": list(INPUT_SHAPE),
        "weight_shape": list(WEIGHT_SHAPE),
        "padding": PADDING,
        "dtype": "float32",
        "repeats": repeats,
        "cnn_lib_ms": round(ours_seconds * 1e3, 4),
        "torch_ms": round(torch_seconds * 1e3, 4),
        "ratio_cnn_lib_over_torch": round(ours_seconds / torch_seconds, 2),
        "torch_default_threads_ms": round(torch_default * 1e3, 4),
        "torch_one_thread_ms": round(torch_one_thread * 1e3, 4),
        "torch_default_threads": default_threads,
        "max_abs_difference": max_difference,
        "load_average_1min": os.getloadavg()[0],
        "cpu_count": os.cpu_count(),
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "machine": platform.machine(),
    }
    print_json(result)
    return result


if __name__ == "__main__":
    main()
