"""The DCGAN's layer tables (the course's one table, :func:`cnn_lib.layer_cost.model_cost`) and a check.

Shapes in the table come from the output-size formulas of notebooks 02 and 04;
:func:`measured_shapes` runs the networks to check them.
"""

from __future__ import annotations

import torch
from torch import nn

from cnn_lib.dcgan.models import Discriminator, Generator, ModelConfig
from cnn_lib.layer_cost import LayerCost, model_cost

CONVOLUTIONS = (nn.Conv2d, nn.ConvTranspose2d)


def layer_tables(config: ModelConfig) -> dict[str, list[LayerCost]]:
    """Return ``{"G": rows, "D": rows}``: every layer's output shape, weights and formulas."""
    size = config.image_size
    return {
        "G": model_cost(Generator(config), (config.latent_dim, 1, 1)),
        "D": model_cost(Discriminator(config), (config.channels, size, size)),
    }


def convolution_shapes(tables: dict[str, list[LayerCost]]) -> list[tuple[int, ...]]:
    """Return the output shape of every (transposed) convolution in ``tables``, G's then D's."""
    return [row.output_shape for rows in tables.values() for row in rows if "Conv" in row.name]


def measured_shapes(config: ModelConfig) -> list[tuple[int, ...]]:
    """Return the output shape (C, H, W) of every convolution, measured by running both networks."""
    shapes: list[tuple[int, ...]] = []
    generator, discriminator = Generator(config).eval(), Discriminator(config).eval()
    hooks = [
        m.register_forward_hook(
            lambda module, inputs, output: shapes.append(tuple(output.shape[1:]))
        )
        for model in (generator, discriminator)
        for m in model
        if isinstance(m, CONVOLUTIONS)
    ]
    with torch.no_grad():
        discriminator(generator(torch.zeros(1, config.latent_dim, 1, 1)))
    for hook in hooks:
        hook.remove()
    return shapes
