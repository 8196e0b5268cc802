"""The DCGAN shape table: sizes from the formulas equal the networks' real output shapes."""

import pytest
from torch import nn

from cnn_lib.dcgan.models import IMAGE_SIZES, Discriminator, Generator, ModelConfig
from cnn_lib.dcgan.shapes import format_shape_table, measured_shapes, shape_table


@pytest.mark.parametrize("image_size", IMAGE_SIZES)
@pytest.mark.parametrize("channels", [1, 3])
def test_formula_shapes_match_the_networks_for_every_size(image_size, channels):
    config = ModelConfig(
        image_size, channels, latent_dim=10, generator_width=4, discriminator_width=4
    )
    rows = shape_table(config)
    assert [row.shape for row in rows] == measured_shapes(config)
    assert rows[-1].shape == (1, 1, 1)
    generator_rows = [row for row in rows if row.network == "G"]
    assert generator_rows[-1].shape == (channels, image_size, image_size)


def test_weight_counts_match_the_convolution_weights():
    config = ModelConfig(32, 1, latent_dim=100, generator_width=32, discriminator_width=16)
    rows = shape_table(config)
    for network, model in (("G", Generator(config)), ("D", Discriminator(config))):
        weights = sum(
            m.weight.numel() for m in model if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))
        )
        assert sum(row.parameters for row in rows if row.network == network) == weights


def test_formatted_table_shows_the_substituted_formulas():
    text = format_shape_table(shape_table(ModelConfig(32)))
    assert "(16 − 1)·2 − 2·1 + 4 = 32" in text and "⌊(32 + 2·1 − 4)/2⌋ + 1 = 16" in text
    assert len(text.splitlines()) == 1 + 8
