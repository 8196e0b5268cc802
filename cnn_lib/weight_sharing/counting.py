"""The argument for convolution, counted: one 28×28 image to one 28×28 map, three ways.

- dense: every output connected to every input pixel, ``(H·W)·(H·W)`` weights + ``H·W`` biases;
- locally connected: every output sees only its ``k×k`` window, but each position has its
  own kernel and bias, ``H_out·W_out·(C_in·k·k)`` weights + ``H_out·W_out`` biases per channel;
- convolution: the same window everywhere with one shared kernel, ``C_in·k·k + 1`` per channel.
"""

from __future__ import annotations

from cnn_lib.arithmetic import conv_output_size


def dense_parameters(input_size: int, output_size: int | None = None) -> int:
    """Return the weights + biases of a fully connected layer from a square image to a square map."""
    inputs = input_size * input_size
    outputs = inputs if output_size is None else output_size * output_size
    return outputs * inputs + outputs


def locally_connected_parameters(
    input_size: int,
    kernel_size: int,
    in_channels: int = 1,
    out_channels: int = 1,
    padding: int = 0,
    stride: int = 1,
) -> int:
    """Return the weights + biases of a locally connected layer: a kernel and a bias per position."""
    side = conv_output_size(input_size, kernel_size, s=stride, p=padding)
    positions = side * side
    return out_channels * positions * (in_channels * kernel_size * kernel_size + 1)


def convolution_parameters(kernel_size: int, in_channels: int = 1, out_channels: int = 1) -> int:
    """Return the weights + biases of a convolution: one kernel and one bias per output channel."""
    return out_channels * (in_channels * kernel_size * kernel_size + 1)
