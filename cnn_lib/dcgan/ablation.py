"""The fast recipe's measured ablation, as notebook 07's appendix shows it.

``python -m benchmarks.dcgan_quality --ablation --save-ablation cnn_lib/dcgan/ablation.json``
measures it: the paper's recipe at the CPU size, then each change of
:data:`cnn_lib.dcgan.config.FAST_STEPS` added to the row before, all in one run. The file ships
inside the package so the notebook shows the same table on Colab.
"""

from __future__ import annotations

import json
from pathlib import Path

ABLATION_FILE = Path(__file__).with_name("ablation.json")


def load_ablation(path: str | Path = ABLATION_FILE) -> dict:
    """Return the stored ablation (rows with their median numbers, and how it was measured)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"no measured ablation at {path}; run python -m benchmarks.dcgan_quality --ablation "
            f"--save-ablation {path} to measure one."
        )
    return json.loads(path.read_text())


def ablation_table(path: str | Path = ABLATION_FILE) -> str:
    """Return the ablation as a Markdown table, one row per added change, with how it was measured."""
    ablation = load_ablation(path)
    seeds = ablation["seeds"]
    lines = [
        f"{ablation['max_seconds']:g} s of training each on `{ablation['dataset']}` at 32×32, "
        f"{ablation['cpu_threads']} CPU thread{'s' if ablation['cpu_threads'] > 1 else ''}; "
        + ("one run per row" if seeds == 1 else f"median of {seeds} runs per row")
        + _load_note(ablation)
        + ". Held-out real digits are the yardstick (ratio 1, their own confident share).",
        "",
        "| recipe | steps | Fréchet ratio to the floor | confident share | class coverage |",
        "|---|---|---|---|---|",
    ]
    for row in ablation["rows"]:
        median = row["median"]
        lines.append(
            f"| {row['row']} | {median['steps']:,.0f} | {median['ratio']:.1f} | "
            f"{median['confident_share']:.0%} | {abs(median['coverage']):.3f} |"
        )
    real = ablation["rows"][0]["runs"][0]["real_confident_share"]
    lines.append(f"| *held-out real digits* | | *1* | *{real:.0%}* | |")
    return "\n".join(lines)


def _load_note(ablation: dict) -> str:
    """Return ", load average about L" from the runs' recorded 1-minute load, or "" if none."""
    loads = [
        run["load_average_1min_before"]
        for row in ablation["rows"]
        for run in row["runs"]
        if run.get("load_average_1min_before") is not None
    ]
    return (
        f", load average about {sorted(loads)[len(loads) // 2]:.1f} (a shared machine)"
        if loads
        else ""
    )
