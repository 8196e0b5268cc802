"""Where tensors live and how many CPU threads torch uses: a CUDA GPU, Apple's MPS, or the CPU."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["DEVICE_CHOICES", "pick_device", "describe_device", "torch_threads", "free_cpu_cores"]

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


@contextmanager
def torch_threads(count: int | None = 1) -> Iterator[None]:
    """Run the block with ``count`` CPU threads for torch (None: leave as is), then restore the count.

    Small work gains nothing from more threads, and on a busy shared CPU they wait on
    each other: an explorer's 1 ms torch check took 30–60 ms with a thread pool, and
    a small classifier trained 10× faster on one thread than on two, both measured on
    the course's 2-core test machine under load.
    """
    previous = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def free_cpu_cores() -> int:
    """Return how many CPU cores are not already busy (by the 1-minute load average), at least one.

    Two threads on a loaded two-core machine can be ten times slower than one, because
    PyTorch's threads spin-wait for each other while another process holds a core.
    """
    cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except (AttributeError, OSError):  # Windows has no load average
        busy = 0
    return max(1, min(cores, cores - busy))
