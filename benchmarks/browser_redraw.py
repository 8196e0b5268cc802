"""Median time, in JupyterLab + headless Chromium, from a key press on an explorer to its redrawn output.

Usage: python -m benchmarks.browser_redraw [--moves 10] [notebooks/NN_x.ipynb ...]   → prints JSON.

For every explorer (element with class ``cnn-explorer``) in every notebook that has one, the
first slider is moved with ArrowRight/ArrowLeft in turn (an explorer without sliders gets its
first number box retyped and Enter pressed). Each time is measured in the page: from the
keydown event to the last change of the explorer's outputs (figure, images, formula, check),
so it includes the kernel round trip and the browser's re-render. Target: median ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import print_json
from tests.browser.lab_browser import chromium_browser, chromium_executable, running_lab
from tests.browser.lab_notebook import LabNotebook
from tools.notebook_opening import SERIES

ROOT = Path(__file__).resolve().parents[1]

TARGET_MS = 300.0


def notebooks_with_explorers() -> list[str]:
    """Return the series' notebooks (relative paths) whose code builds an explorer."""
    found = []
    for name in SERIES:
        path = ROOT / "notebooks" / name
        if path.exists() and "Explorer(" in path.read_text():
            found.append(f"notebooks/{name}")
    return found


def time_explorer(notebook: LabNotebook, name: str, moves: int) -> dict:
    """Move an explorer's first slider (or number box) ``moves`` times; return its timings."""
    explorer = notebook.explorer(name)
    notebook.settle(explorer)
    slider = explorer.locator(".widget-slider")
    timings = []
    if slider.count():
        control = slider.first
        label = control.locator(".widget-label").inner_text().strip()
        handle = control.locator("[role=slider]").first
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        keys = ["ArrowLeft", "ArrowRight"] if at_max else ["ArrowRight", "ArrowLeft"]
        for move in range(moves):
            timings.append(notebook.redraw_ms(explorer, control, keys[move % 2]))
        what = f"slider '{label}' (arrow keys)"
    else:
        box = explorer.locator(".widget-text input").first
        original = box.input_value()
        for move in range(moves):
            box.fill(str(float(original) + 1) if move % 2 == 0 else original)
            timings.append(notebook.redraw_ms(explorer, box, "Enter", focus_handle=False))
        what = "first number box (retyped, Enter)"
    return {
        "notebook": notebook.relative_path,
        "control": what,
        "moves": moves,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "meets_target": statistics.median(timings) <= TARGET_MS,
    }


def versions(executable: str) -> dict:
    import ipywidgets
    import jupyterlab

    chromium = subprocess.run(
        [executable, "--version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "chromium": chromium,
        "jupyterlab": jupyterlab.__version__,
        "ipywidgets": ipywidgets.__version__,
        "machine": f"{platform.machine()}, {platform.system()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebook with an explorer")
    parser.add_argument("--moves", type=int, default=10)
    args = parser.parse_args()
    executable = chromium_executable()
    if executable is None:
        sys.exit(
            "Chromium is missing at /usr/bin/chromium (or $CNN_CHROMIUM): apt-get install -y chromium"
        )
    results = {}
    with tempfile.TemporaryDirectory() as work, running_lab(ROOT, Path(work)) as server:
        with chromium_browser(executable) as browser:
            for relative_path in args.notebooks or notebooks_with_explorers():
                notebook = LabNotebook(browser, server, relative_path)
                try:
                    notebook.open()
                    notebook.run_all()
                    for name in notebook.explorer_names():
                        results[name] = time_explorer(notebook, name, args.moves)
                finally:
                    notebook.close()
                    server.shut_down_kernels()
    report = {"target_ms": TARGET_MS, **versions(executable), "explorers": results}
    print_json(report)


if __name__ == "__main__":
    main()
