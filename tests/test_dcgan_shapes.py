"""The DCGAN layer tables: sizes from the formulas equal the networks' real output shapes."""

import pytest

from cnn_lib.dcgan.models import IMAGE_SIZES, Discriminator, Generator, ModelConfig
from cnn_lib.dcgan.shapes import convolution_shapes, layer_tables, measured_shapes
from cnn_lib.layer_cost import cost_table, count_parameters


@pytest.mark.parametrize("image_size", IMAGE_SIZES)
@pytest.mark.parametrize("channels", [1, 3])
def test_formula_shapes_match_the_networks_for_every_size(image_size, channels):
    config = ModelConfig(
        image_size, channels, latent_dim=10, generator_width=4, discriminator_width=4
    )
    tables = layer_tables(config)
    assert convolution_shapes(tables) == measured_shapes(config)
    assert tables["G"][-1].output_shape == (channels, image_size, image_size)
    assert tables["D"][-1].output_shape == (1,)


def test_parameter_counts_match_pytorchs_count_for_both_networks():
    config = ModelConfig(32, 1, latent_dim=100, generator_width=32, discriminator_width=16)
    tables = layer_tables(config)
    for name, model in (("G", Generator(config)), ("D", Discriminator(config))):
        assert sum(row.parameters for row in tables[name]) == count_parameters(model)


def test_printed_tables_show_the_substituted_size_formulas():
    tables = layer_tables(ModelConfig(32))
    text = cost_table(tables["G"], formulas=True) + cost_table(tables["D"], formulas=True)
    assert "o = (16 − 1)·2 − 2·1 + 4 = 32" in text and "o = ⌊(32 + 2·1 − 4)/2⌋ + 1 = 16" in text
