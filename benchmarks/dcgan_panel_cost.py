"""What the live training panel costs: steps per second with and without it, same run; prints JSON.

Run with ``python -m benchmarks.dcgan_panel_cost`` (``--steps``, ``--rounds``, ``--preset``,
``--every-seconds``, ``--json out.json``). Each round trains the notebook's preset (``cpu``:
the paper's DCGAN at 32×32, width 32, batch 64, on mnist5k) for the same number of steps
twice, from the same seed: once with text progress off and no panel, once with the panel
redrawn every ``--every-seconds`` as the notebook does. The panel's frames are drawn in full
(samples decoded, PNG composed and base64-encoded); only sending them to a browser is left
out (the display function is a stand-in). Steps per second are steps over the wall time of
the whole training call (checkpoints and panel included); rounds alternate the two, and
medians are reported, so a burst of load on a shared machine hits both.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace

import torch

from benchmarks.report import print_json
from cnn_lib.dcgan.loop import run_training
from cnn_lib.dcgan.panel import PANEL_SECONDS, TrainingPanel
from cnn_lib.dcgan.presets import preset_config
from cnn_lib.dcgan.run import DCGANRun


class _Discard:
    """A display handle that keeps nothing: the frame is made, only its delivery is skipped."""

    def __init__(self) -> None:
        self.last_bytes = 0

    def display(self, bundle, raw, display_id):
        self.update(bundle, raw)
        return self

    def update(self, bundle, raw):
        self.last_bytes = len(bundle["image/png"])


def timed_run(config, panel: TrainingPanel | None) -> tuple[float, int]:
    """Return (wall seconds of the training call, steps) for one run of ``config``."""
    with tempfile.TemporaryDirectory() as out:
        run = DCGANRun(replace(config, out=out), log=lambda *args: None)
        started = time.perf_counter()
        result = run_training(run, progress=False, panel=panel)
        return time.perf_counter() - started, result.steps


def measure(preset: str, steps: int, rounds: int, every_seconds: float) -> dict:
    config = replace(preset_config(preset), max_seconds=None, epochs=None, max_steps=steps)
    timed_run(replace(config, max_steps=10), None)  # warm-up: data cache, allocator, threads
    plain, with_panel, frames, frame_ms, frame_bytes = [], [], [], [], []
    for _ in range(rounds):
        seconds, done = timed_run(config, None)
        plain.append(done / seconds)
        discard = _Discard()
        panel = TrainingPanel(every_seconds, display=discard.display)
        seconds, done = timed_run(config, panel)
        with_panel.append(done / seconds)
        frames.append(panel.frames)
        frame_ms.append(1000 * panel.draw_seconds / max(1, panel.frames))
        frame_bytes.append(discard.last_bytes)
    without, with_ = statistics.median(plain), statistics.median(with_panel)
    return {
        "preset": preset,
        "steps_per_run": steps,
        "rounds": rounds,
        "every_seconds": every_seconds,
        "steps_per_second_without_panel": round(without, 2),
        "steps_per_second_with_panel": round(with_, 2),
        "cost_percent": round(100 * (1 - with_ / without), 2),
        "runs_without_panel": [round(value, 2) for value in plain],
        "runs_with_panel": [round(value, 2) for value in with_panel],
        "frames_per_run": frames,
        "median_ms_per_frame": round(statistics.median(frame_ms), 1),
        "frame_png_base64_bytes": max(frame_bytes),
        "device": str(config.device),
        "threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "torch": torch.__version__,
    }


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="cpu", help="a preset of cnn_lib.dcgan.presets")
    parser.add_argument("--steps", type=int, default=300, help="training steps per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind, alternating")
    parser.add_argument("--every-seconds", type=float, default=PANEL_SECONDS)
    parser.add_argument("--json", help="also write the JSON to this file")
    return parser.parse_args()


def main() -> None:
    args = parse_arguments()
    print_json(measure(args.preset, args.steps, args.rounds, args.every_seconds), args.json)


if __name__ == "__main__":
    main()
