"""The standard opening and closing of every course notebook, defined once.

Authors build a new notebook's first cells with :func:`opening_cells` and its
navigation line with :func:`navigation`; tests/test_notebooks.py checks every
notebook against the same definitions.
"""

from __future__ import annotations

import re

import nbformat

from tools.project import ROOT, read_pyproject

NOTEBOOKS = ROOT / "notebooks"

# The series, in order. Navigation links come from this list, so they do not
# depend on which files happen to exist while a notebook is being written.
SERIES = [
    "00_start_here.ipynb",
    "01_kernels_and_feature_maps.ipynb",
    "02_output_size_arithmetic.ipynb",
    "03_pooling.ipynb",
    "04_transposed_convolution.ipynb",
    "05_cnn_architecture.ipynb",
    "06_why_convolution.ipynb",
    "07_dcgan.ipynb",
]


def repository_url() -> str:
    """Return the repository URL, whose one home is pyproject.toml's [project.urls]."""
    return read_pyproject()["project"]["urls"]["Repository"]


def github_path() -> str:
    """Return ``owner/name`` of the repository, as Colab's GitHub links need it."""
    return re.sub(r"^https://github\.com/", "", repository_url()).rstrip("/")


def setup_source() -> str:
    """Return the setup cell that opens every notebook, identical everywhere."""
    return (
        "# Setup, the same in every notebook: where cnn_lib is missing (as on Colab),\n"
        "# install it from the course repository; then seed everything.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("cnn_lib") is None:\n'
        f'    %pip install -q "cnn-lib @ git+{repository_url()}"\n'
        "    importlib.invalidate_caches()\n"
        "import cnn_lib\n"
        "\n"
        "cnn_lib.setup_notebook()"
    )


def colab_badge(filename: str) -> str:
    """Return the markdown 'Open in Colab' badge for notebooks/<filename>."""
    target = (
        f"https://colab.research.google.com/github/{github_path()}/blob/main/notebooks/{filename}"
    )
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({target})"


def navigation(filename: str) -> str:
    """Return the ``← previous · index · next →`` line for notebooks/<filename>."""
    names = SERIES
    index = names.index(filename)
    parts = []
    if index > 0:
        parts.append(f"[← {names[index - 1][:-6]}]({names[index - 1]})")
    parts.append("[index](00_start_here.ipynb)")
    if index + 1 < len(names):
        parts.append(f"[{names[index + 1][:-6]} →]({names[index + 1]})")
    return " · ".join(parts)


def opening_cells(filename: str, title: str, paragraph: str, learn: list[str], know: list[str]):
    """Return the first three cells: title + paragraph + badge, the setup cell, the goals."""
    number = filename[:2]
    head = (
        f"# {number} · {title}\n\n{navigation(filename)}\n\n{paragraph}\n\n{colab_badge(filename)}"
    )
    goals = "## You will learn\n\n" + "\n".join(f"- {item}" for item in learn)
    goals += "\n\n## You should know\n\n" + "\n".join(f"- {item}" for item in know)
    return [
        nbformat.v4.new_markdown_cell(head),
        nbformat.v4.new_code_cell(setup_source()),
        nbformat.v4.new_markdown_cell(goals),
    ]


def closing_navigation_cell(filename: str):
    """Return the last cell: the navigation line again, with a Colab badge for the next notebook."""
    names = SERIES
    text = navigation(filename)
    if names.index(filename) + 1 < len(names):
        following = names[names.index(filename) + 1]
        text += f"\n\nOn Colab, open the next notebook here: {colab_badge(following)}"
    return nbformat.v4.new_markdown_cell(text)
