"""Execute every notebook and write a static HTML site under build/html/, for reading without Jupyter.

Usage: python -m tools.build_html [--out build/html] [notebooks/NN_x.ipynb ...]   (or `make html`)

Each page is self-contained: figures and markdown images are embedded as data URIs, links to
sibling notebooks point at their pages, and each live explorer is replaced by a note (its static
figure of the default state is already a normal output just above it). The run follows the
environment like `make notebooks` does: full mode unless CI=true.
"""

from __future__ import annotations

import argparse
import html
import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from tools.notebook_opening import SERIES

ROOT = Path(__file__).resolve().parents[1]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXPLORER_NOTE = (
    '<p class="cnn-static-note"><em>Interactive explorer: open this notebook in JupyterLab or '
    "Colab to move its controls. The figure above shows its default state.</em></p>"
)
EXPLORER_REPR = re.compile(r"\w+Explorer\(")  # an explorer's text fallback: PoolingExplorer(k=2, …)
SIBLING_LINK = re.compile(r"\]\((\d\d_\w+)\.ipynb(#[^)\s]*)?\)")


def execute(notebook, notebooks_dir: Path, timeout: int = 1800) -> None:
    """Run every cell with notebooks/ as the working directory, as JupyterLab would."""
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebooks_dir)}},
    )
    client.execute()


def prepare_for_static_page(notebook) -> None:
    """Point sibling links at their pages; swap explorers (dead without a kernel) for a note.

    Other widget views (tqdm's progress bars) are dropped: their text fallback shows the bar at
    0 %, which misleads on a page; the cell's printed result follows them anyway.
    """
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = SIBLING_LINK.sub(
                lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", cell.source
            )
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                kept.append(output)
            elif EXPLORER_REPR.match(data.get("text/plain", "")):
                output["data"] = {"text/html": EXPLORER_NOTE}
                kept.append(output)
        cell.outputs = kept
    notebook.metadata.pop("widgets", None)


def notebook_title(notebook) -> str:
    """Return the notebook's `# NN · Topic` title without the hash."""
    first = notebook.cells[0].source.splitlines()[0]
    return first.lstrip("# ").strip()


def build_page(path: Path, out_dir: Path, run: bool = True) -> tuple[Path, str]:
    """Execute one notebook (unless run=False) and write its page; return (page path, title)."""
    notebook = nbformat.read(path, as_version=4)
    if run:
        execute(notebook, path.parent)
    prepare_for_static_page(notebook)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"path": str(path.parent)}}
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / f"{path.stem}.html"
    page.write_text(body, encoding="utf-8")
    return page, notebook_title(notebook)


def write_index(entries: list[tuple[Path, str]], out_dir: Path) -> Path:
    """Write index.html listing the pages in series order; return its path."""
    order = {name[:-6]: index for index, name in enumerate(SERIES)}
    entries = sorted(entries, key=lambda entry: order.get(entry[0].stem, len(order)))
    items = "\n".join(
        f'    <li><a href="{page.name}">{html.escape(title)}</a></li>' for page, title in entries
    )
    index = out_dir / "index.html"
    index.write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>Convolutional neural networks, interactively</title>\n"
        "<style>body{font-family:sans-serif;max-width:44rem;margin:3rem auto;line-height:1.6}"
        "ul{list-style:none;padding:0}li{margin:.4rem 0}</style></head>\n<body>\n"
        "<h1>Convolutional neural networks, interactively</h1>\n"
        "<p>The course's notebooks, executed, as static pages. Read them in order; to move the "
        "explorers' sliders, open the notebooks in JupyterLab or Colab.</p>\n"
        f"<ul>\n{items}\n</ul>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return index


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="default: every notebook of the series"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "html")
    args = parser.parse_args(argv)
    paths = args.notebooks or [
        ROOT / "notebooks" / name for name in SERIES if (ROOT / "notebooks" / name).exists()
    ]
    entries = []
    for path in paths:
        start = time.perf_counter()
        entries.append(build_page(path.resolve(), args.out))
        print(f"{entries[-1][0]}: {time.perf_counter() - start:.1f} s")
    print(f"index: {write_index(entries, args.out)}")


if __name__ == "__main__":
    main()
