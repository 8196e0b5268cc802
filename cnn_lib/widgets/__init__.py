"""The interactive explorers of the notebooks, and a registry of them for tests and benchmarks.

Each explorer module defines :class:`~cnn_lib.widgets.base.Explorer` subclasses;
:data:`EXPLORERS` maps each explorer's ``name`` (its CSS suffix) to its class,
so the benchmark and the tests find every explorer without naming it. A new
explorer module adds itself with :func:`register`.
"""

from __future__ import annotations

from cnn_lib.widgets.base import Explorer

__all__ = ["EXPLORERS", "Explorer", "load_all", "register"]

EXPLORERS: dict[str, type[Explorer]] = {}


def register(cls: type[Explorer]) -> type[Explorer]:
    """Add an explorer class to :data:`EXPLORERS` under its ``name``; usable as a class decorator."""
    if not (isinstance(cls, type) and issubclass(cls, Explorer)):
        raise ValueError(f"register takes an Explorer subclass, got {cls!r}.")
    if cls.name in EXPLORERS and EXPLORERS[cls.name] is not cls:
        raise ValueError(
            f"an explorer named {cls.name!r} is already registered; pick another name."
        )
    EXPLORERS[cls.name] = cls
    return cls


def load_all() -> dict[str, type[Explorer]]:
    """Import every module of this package (each registers its explorers) and return :data:`EXPLORERS`."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return EXPLORERS
