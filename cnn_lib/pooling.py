"""The experiments of notebook 03 in PyTorch: shift tolerance, window coverage, a small CNN with three heads, a photo's feature map.

Pooling has no weights. What it changes is the size of the feature maps, and so
the weights of the layers after it and how much a small shift of the input
moves the output. The operations themselves are :func:`cnn_lib.ops.pooling.pool2d`.
"""

from __future__ import annotations

import numbers

import numpy as np
from torch import nn

from cnn_lib.arithmetic import pool_output_size
from cnn_lib.ops.conv import conv2d
from cnn_lib.ops.kernels import kernel
from cnn_lib.ops.pooling import pool2d

__all__ = [
    "shift_change",
    "window_coverage",
    "small_cnn",
    "photo_feature_map",
    "HEADS",
]

HEADS = ("flatten", "pool + flatten", "pool + global average")


def _check_count(name: str, value, minimum: int, meaning: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} ({meaning}) must be a whole number ≥ {minimum}, got {value!r}.")
    return int(value)


def shift_change(feature_map, shift: int, k: int = 1, mode: str = "max") -> float:
    """Return how much the pooled map changes when ``feature_map`` moves ``shift`` pixels right: Σ|b − a| / Σ|a|.

    Both versions are cut from the same map (no wrap-around): columns
    ``shift, shift + 1, …`` (the original ``a``) against columns ``0, 1, …`` (the
    same picture moved right), pooled with k×k windows and stride k (``k = 1``
    means no pooling) and compared position by position. 0 means unchanged; 1
    means the change is as large as the output itself.
    """
    feature_map = np.asarray(feature_map, dtype=float)
    if feature_map.ndim != 2:
        raise ValueError(f"feature_map must be a 2-D array, got shape {feature_map.shape}.")
    shift = _check_count("shift", shift, 0, "pixels to move")
    k = _check_count("k", k, 1, "pooling window size")
    width = feature_map.shape[1] - shift
    width -= width % k  # whole windows only, so both crops pool the same way
    if width < k:
        raise ValueError(
            f"shift={shift} leaves fewer than k={k} columns of the {feature_map.shape[1]}-wide map; "
            "use a smaller shift or a wider map."
        )
    original = feature_map[:, shift : shift + width]
    moved = feature_map[:, :width]  # the same picture, content shifted right by `shift`
    height = feature_map.shape[0] - feature_map.shape[0] % k
    a = pool2d(original[None, None, :height], k, mode=mode)
    b = pool2d(moved[None, None, :height], k, mode=mode)
    total = float(np.sum(np.abs(a)))
    if total == 0:
        raise ValueError("feature_map is zero where it is compared, so no change can be measured.")
    return float(np.sum(np.abs(b - a)) / total)


def window_coverage(i: int, k: int, s: int | None = None, p: int = 0) -> np.ndarray:
    """Return, for each of the ``i`` input positions along one axis, how many pooling windows include it."""
    s = k if s is None else s
    o = pool_output_size(i, k, s, p)
    counts = np.zeros(i + 2 * p, dtype=int)
    for start in range(0, o * s, s):
        counts[start : start + k] += 1
    return counts[p : p + i]


def small_cnn(head: str = "flatten", size: int = 28, classes: int = 10) -> nn.Sequential:
    """Return a two-conv network for ``size × size`` grey images with one of three heads.

    ``"flatten"``: no pooling, the last maps flattened into a linear layer;
    ``"pool + flatten"``: a 2×2 max pool after each conv, then flatten;
    ``"pool + global average"``: the same pools, then one average per channel.
    """
    if head not in HEADS:
        raise ValueError(f"head must be one of {', '.join(map(repr, HEADS))}; got {head!r}.")
    size = _check_count("size", size, 4, "input height and width")
    pool = head != "flatten"
    layers: list[nn.Module] = [nn.Conv2d(1, 16, 3, padding=1), nn.ReLU()]
    layers += [nn.MaxPool2d(2)] if pool else []
    layers += [nn.Conv2d(16, 32, 3, padding=1), nn.ReLU()]
    layers += [nn.MaxPool2d(2)] if pool else []
    side = size // 4 if pool else size
    if head == "pool + global average":
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, classes)]
    else:
        layers += [nn.Flatten(), nn.Linear(32 * side * side, classes)]
    return nn.Sequential(*layers)


def photo_feature_map(size: int = 128) -> np.ndarray:
    """Return ReLU(photo ⋆ Sobel x) for the sample photo at ``size × size``: a typical post-ReLU feature map."""
    from cnn_lib.data import load_photo

    sobel_x = kernel("Sobel x")
    photo = load_photo(size=size)
    return np.maximum(conv2d(photo[None, None], sobel_x[None, None], padding=1)[0, 0], 0.0)
