"""PyTorch oracles shared by several test files: the numbers the course's code must reproduce."""

import torch
import torch.nn.functional as F


def torch_transposed_size(i: int, k: int, s: int, p: int, output_padding: int, d: int) -> int:
    """Return the output size PyTorch's transposed convolution gives an i×i input (RuntimeError if it refuses)."""
    return F.conv_transpose2d(
        torch.zeros(1, 1, i, i),
        torch.zeros(1, 1, k, k),
        stride=s,
        padding=p,
        output_padding=output_padding,
        dilation=d,
    ).shape[-1]
