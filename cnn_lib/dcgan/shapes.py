"""The DCGAN's layer-by-layer shape table, from the output-size formulas of notebooks 02 and 04."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from cnn_lib.arithmetic import conv_output_size, transposed_output_size
from cnn_lib.dcgan.models import Discriminator, Generator, ModelConfig


@dataclass(frozen=True)
class ShapeRow:
    """One convolution of a DCGAN network: its settings, output shape (C, H, W) and the formula."""

    network: str
    layer: int
    kind: str
    kernel: int
    stride: int
    padding: int
    shape: tuple[int, int, int]
    formula: str
    parameters: int


def _row(network: str, index: int, layer: nn.Module, channels: int, size: int) -> ShapeRow:
    k, s, p = layer.kernel_size[0], layer.stride[0], layer.padding[0]
    if isinstance(layer, nn.ConvTranspose2d):
        out = transposed_output_size(size, k, s, p)
        formula = f"({size} − 1)·{s} − 2·{p} + {k} = {out}"
    else:
        out = conv_output_size(size, k, s, p)
        formula = f"⌊({size} + 2·{p} − {k})/{s}⌋ + 1 = {out}"
    parameters = channels * layer.out_channels * k * k  # bias=False throughout, as in the paper
    kind = "ConvTranspose2d" if isinstance(layer, nn.ConvTranspose2d) else "Conv2d"
    return ShapeRow(
        network, index, kind, k, s, p, (layer.out_channels, out, out), formula, parameters
    )


def shape_table(config: ModelConfig) -> list[ShapeRow]:
    """Return both networks' convolutions with shapes computed from the formulas, not by running them."""
    rows = []
    for name, model, channels, size in (
        ("G", Generator(config), config.latent_dim, 1),
        ("D", Discriminator(config), config.channels, config.image_size),
    ):
        convolutions = [m for m in model if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
        for index, layer in enumerate(convolutions, start=1):
            row = _row(name, index, layer, channels, size)
            rows.append(row)
            channels, size = row.shape[0], row.shape[1]
    return rows


def measured_shapes(config: ModelConfig) -> list[tuple[int, int, int]]:
    """Return the output shape (C, H, W) of every convolution, measured by running both networks."""
    shapes: list[tuple[int, int, int]] = []
    generator, discriminator = Generator(config).eval(), Discriminator(config).eval()
    hooks = [
        m.register_forward_hook(
            lambda module, inputs, output: shapes.append(tuple(output.shape[1:]))
        )
        for model in (generator, discriminator)
        for m in model
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))
    ]
    with torch.no_grad():
        discriminator(generator(torch.zeros(1, config.latent_dim, 1, 1)))
    for hook in hooks:
        hook.remove()
    return shapes


def format_shape_table(rows: list[ShapeRow]) -> str:
    """Return the table as aligned text: network, layer, k/s/p, output shape, formula, weights."""
    header = ("net", "layer", "k s p", "output C×H×W", "size formula", "weights")
    cells = [header] + [
        (
            row.network,
            f"{row.layer} {row.kind}",
            f"{row.kernel} {row.stride} {row.padding}",
            "×".join(map(str, row.shape)),
            row.formula,
            f"{row.parameters:,}",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i == 5 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=False))
        )
        for line in cells
    )
