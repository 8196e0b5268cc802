"""Execute notebooks in place, in full mode with fixed seeds, and store clean outputs.

Usage: python -m tools.execute_notebooks notebooks/01_*.ipynb ...   (or `make notebooks`)

Each notebook runs with the notebooks/ folder as its working directory (as in
JupyterLab and Colab, so relative paths behave alike), gets the standard kernelspec, and loses saved widget
state and per-cell execution noise so the committed file stays small and stable.
"""

from __future__ import annotations

import html
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BAR_WIDTH = 10


def final_progress_text(model_id: str, state: dict) -> str | None:
    """Return a tqdm notebook bar's last state as text (``desc: 100%|██████████| 90/90 […]``).

    tqdm draws its bar in Jupyter as an HBox of (HTML description, FloatProgress, HTML counts);
    the output's own text fallback is the bar as first drawn, at 0 %. Returns None for any
    other widget.
    """
    box = state.get(model_id, {})
    if box.get("model_name") != "HBoxModel":
        return None
    children = [
        state.get(child.removeprefix("IPY_MODEL_"), {})
        for child in box.get("state", {}).get("children", [])
    ]
    if [child.get("model_name") for child in children] != [
        "HTMLModel",
        "FloatProgressModel",
        "HTMLModel",
    ]:
        return None
    left, progress, right = (child.get("state", {}) for child in children)
    total = progress.get("max") or 1
    filled = round(BAR_WIDTH * min(1.0, progress.get("value", 0) / total))
    bar = "█" * filled + " " * (BAR_WIDTH - filled)
    text = html.unescape(f"{left.get('value', '')}|{bar}|{right.get('value', '')}")
    return text.replace("\u2007", " ")  # tqdm pads with figure spaces for the HTML view


def clean(notebook) -> None:
    """Drop saved widget state and volatile metadata; set the standard kernelspec.

    A widget view is useless without saved state, so only its text fallback is kept; for
    tqdm progress bars that text is rewritten to the bar's final state.
    """
    widgets = notebook.metadata.pop("widgets", {})
    state = widgets.get(WIDGET_STATE, {}).get("state", {})
    notebook.metadata["kernelspec"] = KERNELSPEC
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                view = data.pop(WIDGET_VIEW)
                text = final_progress_text(view.get("model_id", ""), state)
                if text is not None:
                    data["text/plain"] = text


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
