"""The repository's root and its pyproject.toml, read in one place (tomllib, or tomli on Python 3.10)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (the dev extra installs it)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def read_pyproject() -> dict[str, Any]:
    """Return pyproject.toml as a dict."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)
