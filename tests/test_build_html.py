"""`make html`: one notebook's static page, executed, with its figures embedded; the index in series order."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools.build_html import build_page, prepare_for_static_page, write_index
from tools.notebook_opening import SERIES

ROOT = Path(__file__).resolve().parents[1]


def figure_counts(notebook) -> tuple[int, int]:
    """Return how many PNG and SVG figures a notebook's code cells output."""
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    png = sum("image/png" in o.get("data", {}) for o in outputs)
    svg = sum("image/svg+xml" in o.get("data", {}) for o in outputs)
    return png, svg


def notebook_with_figures() -> Path:
    """Return the first notebook of the series whose stored outputs hold figures (the cheapest to build)."""
    for name in SERIES:
        path = ROOT / "notebooks" / name
        if path.exists() and sum(figure_counts(nbformat.read(path, as_version=4))) > 0:
            return path
    pytest.fail("no notebook of the series has a figure yet")


def test_index_lists_the_pages_in_series_order(tmp_path):
    names = [SERIES[3], SERIES[0], SERIES[1]]
    entries = [(tmp_path / f"{name[:-6]}.html", f"{name[:2]} · title {name[:2]}") for name in names]
    index = write_index(entries, tmp_path).read_text()
    links = re.findall(r'href="([^"]+)"', index)
    assert links == [f"{name[:-6]}.html" for name in (SERIES[0], SERIES[1], SERIES[3])]
    assert "00 · title 00" in index


def test_static_page_links_siblings_replaces_explorers_and_drops_progress_bars():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "[next →](01_kernels_and_feature_maps.ipynb#top) · [web](https://x.org/a.ipynb)"
        ),
        nbformat.v4.new_code_cell("explorer"),
    ]
    widget = "application/vnd.jupyter.widget-view+json"
    explorer = {widget: {"model_id": "1"}, "text/plain": "PoolingExplorer(mode='max', k=2)"}
    progress = {widget: {"model_id": "2"}, "text/plain": "training:   0%|          | 0/5"}
    notebook.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data=progress),
        nbformat.v4.new_output("stream", text="epoch 5: loss 0.1\n"),
        nbformat.v4.new_output("display_data", data=explorer),
    ]
    prepare_for_static_page(notebook)
    assert "(01_kernels_and_feature_maps.html#top)" in notebook.cells[0].source
    assert "(https://x.org/a.ipynb)" in notebook.cells[0].source
    stream, note = notebook.cells[1].outputs  # the progress bar is gone
    assert stream["text"] == "epoch 5: loss 0.1\n"
    assert list(note["data"]) == ["text/html"]
    assert "open this notebook in JupyterLab or Colab" in note["data"]["text/html"]


@pytest.mark.slow  # executes a notebook in a kernel
def test_built_page_embeds_every_figure_of_the_executed_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")  # quick mode, like every executed notebook in the tests
    path = notebook_with_figures()
    png, svg = figure_counts(nbformat.read(path, as_version=4))
    page, title = build_page(path, tmp_path)
    text = page.read_text()
    assert page.name == f"{path.stem}.html" and title.startswith(path.name[:2] + " · ")
    assert text.count('src="data:image/png;base64,') >= png
    assert text.count("<svg") + text.count('src="data:image/svg+xml;base64,') >= svg
    assert not re.search(r'src="(?!data:|https?:)', text), "an image is linked, not embedded"
    assert not re.search(r'href="\d\d_\w+\.ipynb', text), (
        "a sibling link still points at a notebook"
    )
