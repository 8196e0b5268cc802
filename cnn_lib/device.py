"""Choosing where tensors live: a CUDA GPU, Apple's MPS, or the CPU."""

from __future__ import annotations

import torch

DEVICE_CHOICES = ("auto", "cuda", "mps", "cpu")


def pick_device(preference: str = "auto") -> torch.device:
    """Return the device to train on: the fastest available for ``"auto"``, else the one named."""
    if preference not in DEVICE_CHOICES:
        raise ValueError(f"device must be one of {', '.join(DEVICE_CHOICES)}, got {preference!r}.")
    mps_available = hasattr(torch.backends, "mps") and torch.backends.mps.is_available()
    if preference == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if mps_available else "cpu")
    if preference == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device='cuda' was asked for but torch sees no CUDA GPU; on Colab choose "
            "Runtime → Change runtime type → GPU, or use device='auto'."
        )
    if preference == "mps" and not mps_available:
        raise ValueError(
            "device='mps' was asked for but this machine has no Apple GPU; use 'auto'."
        )
    return torch.device(preference)


def describe_device(device: torch.device) -> str:
    """Return a one-line human description of ``device``, e.g. ``cuda (Tesla T4)``."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({torch.get_num_threads()} threads, no GPU visible)"
