"""What every notebook needs once: the quick-run switch, seeds, and showing library source."""

from __future__ import annotations

import inspect
import os
import random

import numpy as np


def is_quick_run() -> bool:
    """Return True when long work should shrink: the environment says ``CI=true``.

    This is the one place the quick/full decision is read; notebooks and the
    trainers take their sizes from :data:`QUICK`.
    """
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


QUICK: bool = is_quick_run()

DEFAULT_SEED = 0


def set_seed(seed: int = DEFAULT_SEED) -> int:
    """Seed Python, NumPy and (if installed) PyTorch; return the seed."""
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a core dependency
        return seed
    torch.manual_seed(seed)
    return seed


def setup_notebook(seed: int = DEFAULT_SEED) -> None:
    """Seed everything, apply the course's plot style and print one status line."""
    from cnn_lib import __version__
    from cnn_lib.plots import apply_style

    set_seed(seed)
    apply_style()
    mode = "quick (CI=true: short loops, same cells)" if QUICK else "full"
    print(f"cnn_lib {__version__} · seed {seed} · {mode} run")


def show_source(obj) -> object:
    """Return a highlighted view of a library function's or class's source, for display.

    Notebooks use this instead of pasting library code, so there is one copy of it.
    """
    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")


def environment_report() -> dict[str, str]:
    """Return the versions of the packages the course uses and the accelerator torch sees."""
    import importlib.metadata
    import platform

    from cnn_lib.device import describe_device, pick_device

    report = {"python": platform.python_version()}
    for package in ("cnn-lib", "numpy", "torch", "matplotlib", "ipywidgets", "scikit-learn"):
        try:
            report[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            report[package] = "not installed"
    report["device"] = describe_device(pick_device())
    return report
