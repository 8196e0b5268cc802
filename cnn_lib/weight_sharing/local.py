"""A locally connected layer: a convolution whose kernel is different at every output position.

PyTorch has no such layer (its feature request has been open since 2017), so here is one,
written with ``unfold``: cut the input into the same windows a convolution reads, then give
each window its own weights. With one kernel copied to every position it computes exactly
``conv2d``; that is weight sharing, and the tests check it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from cnn_lib.arithmetic import conv_output_size


def _whole(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number ≥ {minimum}, got {value!r}.")
    return value


class LocallyConnected2d(nn.Module):
    """Like ``nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)``, weights unshared.

    ``input_size`` (the square input's side) must be known up front, because there is one
    kernel per output position: ``weight`` has shape ``(out_channels, H_out·W_out,
    in_channels·k·k)`` and ``bias`` ``(out_channels, H_out, W_out)``, one per output value.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        input_size: int,
        stride: int = 1,
        padding: int = 0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels = _whole("in_channels", in_channels, 1)
        self.out_channels = _whole("out_channels", out_channels, 1)
        self.kernel_size = _whole("kernel_size", kernel_size, 1)
        self.input_size = _whole("input_size", input_size, 1)
        self.stride = _whole("stride", stride, 1)
        self.padding = _whole("padding", padding, 0)
        try:  # the course's output-size formula, with its teaching error message
            self.output_size = conv_output_size(input_size, kernel_size, s=stride, p=padding)
        except ValueError as error:
            raise ValueError(f"kernel_size does not fit input_size: {error}") from None
        positions = self.output_size**2
        window = in_channels * kernel_size * kernel_size
        self.weight = nn.Parameter(torch.empty(out_channels, positions, window))
        size = (out_channels, self.output_size, self.output_size)
        self.bias = nn.Parameter(torch.empty(size)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Initialise as ``nn.Conv2d`` does: uniform in ±1/√fan_in (kaiming-uniform, a = √5)."""
        bound = 1 / math.sqrt(self.weight.shape[-1])  # fan_in = in_channels·k·k, as for conv
        nn.init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the output, shape (N, out_channels, H_out, W_out), for x of (N, C_in, H, W)."""
        if x.dim() != 4 or x.shape[1:] != (self.in_channels, self.input_size, self.input_size):
            raise ValueError(
                f"x must have shape (N, {self.in_channels}, {self.input_size}, "
                f"{self.input_size}), the size this layer was built for; got {tuple(x.shape)}."
            )
        # windows: (N, C_in·k·k, L), one column per output position, exactly as conv2d reads them
        windows = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)
        # each position l has its own kernel: out[n, o, l] = Σ_c weight[o, l, c] · windows[n, c, l],
        # one small matrix product per position (the positions are bmm's batch)
        out = torch.bmm(windows.permute(2, 0, 1), self.weight.permute(1, 2, 0))  # (L, N, C_out)
        out = out.permute(1, 2, 0).reshape(
            len(x), self.out_channels, self.output_size, self.output_size
        )
        return out if self.bias is None else out + self.bias

    @classmethod
    def from_conv(cls, conv: nn.Conv2d, input_size: int) -> LocallyConnected2d:
        """Return a locally connected layer holding ``conv``'s kernel at every position (shared)."""
        (k, _), (s, _), (p, _) = conv.kernel_size, conv.stride, conv.padding
        layer = cls(conv.in_channels, conv.out_channels, k, input_size, s, p, conv.bias is not None)
        with torch.no_grad():
            layer.weight.copy_(conv.weight.reshape(conv.out_channels, 1, -1))
            if conv.bias is not None:
                layer.bias.copy_(conv.bias[:, None, None])
        return layer

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"input_size={self.input_size}, stride={self.stride}, padding={self.padding}"
        )
