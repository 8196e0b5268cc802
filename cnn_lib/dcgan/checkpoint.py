"""Checkpoints that survive a kill at any moment and load with ``weights_only=True``.

A checkpoint is a plain dict of tensors, numbers, strings, lists and dicts (no
pickled classes), so ``torch.load(weights_only=True)`` accepts it. It is written
to a temporary file in the same folder and then renamed over the old one: a
rename is atomic, so a crash leaves either the old or the new file, never half
of one.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import torch

FORMAT = "cnn_lib.dcgan/1"
PREFIXES = ("_orig_mod.", "module.")


def strip_prefixes(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Return ``state_dict`` without the ``_orig_mod.`` (compile) and ``module.`` (DDP) prefixes."""
    cleaned = {}
    for key, value in state_dict.items():
        changed = True
        while changed:
            changed = False
            for prefix in PREFIXES:
                if key.startswith(prefix):
                    key, changed = key[len(prefix) :], True
        cleaned[key] = value
    return cleaned


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """Return the plain module inside DDP and ``torch.compile`` wrappers."""
    while True:
        if hasattr(model, "module") and isinstance(model.module, torch.nn.Module):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model


def save_checkpoint(path: str | Path, state: dict) -> Path:
    """Write ``state`` to ``path`` atomically (temporary file, flush, rename); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            torch.save({"format": FORMAT, **state}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | Path) -> dict:
    """Return the checkpoint dict at ``path`` (on the CPU), or raise ValueError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"there is no checkpoint at {path}; train first or pass the right --checkpoint."
        )
    corrupt = f"{path} is corrupt or truncated and cannot be read; use an earlier checkpoint or train again."
    if not zipfile.is_zipfile(path):
        # torch.save writes a zip archive whose index sits at the end: a cut-off file has none.
        raise ValueError(corrupt)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, OSError) as error:
        if "weights_only" in str(error) or "Unsupported global" in str(error):
            raise ValueError(
                f"{path} holds Python objects beyond tensors and numbers, so it is not a cnn_lib DCGAN "
                "checkpoint and was not loaded (unpickling it could run code)."
            ) from None
        raise ValueError(corrupt) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(
            f"{path} is not a cnn_lib DCGAN checkpoint (format {FORMAT}); pass one written by train."
        )
    return state
