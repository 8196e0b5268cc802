"""Execute notebooks in place, in full mode with fixed seeds, and store clean outputs.

Usage: python tools/execute_notebooks.py notebooks/01_*.ipynb ...   (or `make notebooks`)

Each notebook runs with the notebooks/ folder as its working directory (so
``../images`` resolves), gets the standard kernelspec, and loses saved widget
state and per-cell execution noise so the committed file stays small and stable.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def clean(notebook) -> None:
    """Drop saved widget state and volatile metadata; set the standard kernelspec."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = KERNELSPEC
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            # A widget view is useless without saved state; keep its text fallback only.
            if "application/vnd.jupyter.widget-view+json" in data:
                data.pop("application/vnd.jupyter.widget-view+json")


def execute(path: Path, timeout: int = 1800) -> float:
    """Execute one notebook in place and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    clean(notebook)
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    os.environ.pop("CI", None)  # committed outputs come from the full run
    for name in paths:
        seconds = execute(Path(name))
        print(f"{name}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
