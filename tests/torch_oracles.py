"""PyTorch as the oracle: the output sizes torch.nn gives, which every size the course computes must equal.

One module for every test (unit and browser). Arguments follow :mod:`cnn_lib.arithmetic`'s order,
``(i, k, s, p, d[, output_padding | ceil_mode])``; each raises ``RuntimeError`` where PyTorch
refuses the combination, and :func:`refused_as_none` turns that into ``None`` for comparisons.
Tensors are ``i × 1`` with ``k × 1`` kernels: the rule is per dimension, and thin tensors keep the
thousands of combinations in the tests fast.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

__all__ = ["torch_conv_size", "torch_transposed_size", "torch_pool_size", "refused_as_none"]


def torch_conv_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Return the output size of ``F.conv2d`` on an input of size ``i``."""
    x, w = torch.zeros(1, 1, i, 1), torch.zeros(1, 1, k, 1)
    return F.conv2d(x, w, stride=(s, 1), padding=(p, 0), dilation=(d, 1)).shape[2]


def torch_transposed_size(
    i: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0
) -> int:
    """Return the output size of ``F.conv_transpose2d`` on an input of size ``i``."""
    x, w = torch.zeros(1, 1, i, 1), torch.zeros(1, 1, k, 1)
    return F.conv_transpose2d(
        x, w, stride=(s, 1), padding=(p, 0), output_padding=(output_padding, 0), dilation=(d, 1)
    ).shape[2]


def torch_pool_size(
    i: int, k: int, s: int | None = None, p: int = 0, d: int = 1, ceil_mode: bool = False
) -> int:
    """Return the output size of ``F.max_pool2d`` on an input of size ``i`` (``s=None``: s = k)."""
    x = torch.zeros(1, 1, i, 1)
    s = k if s is None else s
    return F.max_pool2d(
        x, (k, 1), stride=(s, 1), padding=(p, 0), dilation=(d, 1), ceil_mode=ceil_mode
    ).shape[2]


def refused_as_none(oracle: Callable[..., int], *args, **kwargs) -> int | None:
    """Return ``oracle(*args, **kwargs)``, or None where PyTorch refuses the combination."""
    try:
        return oracle(*args, **kwargs)
    except RuntimeError:
        return None
