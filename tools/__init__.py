"""Notebook tooling: the standard opening, in-place execution, the static HTML site (run as ``python -m tools.…``)."""
