"""How every benchmark reports: JSON on standard output, and optionally the same in a file."""

from __future__ import annotations

import json


def print_json(result: dict, path: str | None = None) -> None:
    """Print ``result`` as indented JSON and, when ``path`` is given, write the same text there."""
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if path:
        with open(path, "w") as file:
            file.write(text + "\n")
