"""The DCGAN networks: shapes for every size, the paper's guidelines, initialisation."""

import pytest
import torch
from torch import nn

from cnn_lib.dcgan.models import (
    IMAGE_SIZES,
    Discriminator,
    Generator,
    ModelConfig,
    count_parameters,
    sample_noise,
)


@pytest.mark.parametrize("image_size", IMAGE_SIZES)
@pytest.mark.parametrize("channels", [1, 3])
def test_generator_and_discriminator_shapes_for_every_image_size(image_size, channels):
    config = ModelConfig(
        image_size=image_size, channels=channels, generator_width=4, discriminator_width=4
    )
    images = Generator(config)(sample_noise(3, config.latent_dim))
    assert images.shape == (3, channels, image_size, image_size)
    assert Discriminator(config)(images).shape == (3,)


def test_each_doubling_adds_one_layer_to_each_network():
    def convolutions(model):
        return sum(isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) for m in model.modules())

    counts = [
        convolutions(Generator(ModelConfig(image_size=s, generator_width=2))) for s in IMAGE_SIZES
    ]
    assert counts == [3, 4, 5, 6]
    counts = [
        convolutions(Discriminator(ModelConfig(image_size=s, discriminator_width=2)))
        for s in IMAGE_SIZES
    ]
    assert counts == [3, 4, 5, 6]


def test_64_pixel_rgb_models_match_the_pytorch_examples_parameter_counts():
    # pytorch/examples dcgan (nz=100, ngf=ndf=64, nc=3) has 3,576,704 and 2,765,568 parameters.
    config = ModelConfig(image_size=64, channels=3)
    assert count_parameters(Generator(config)) == 3_576_704
    assert count_parameters(Discriminator(config)) == 2_765_568


def test_models_follow_the_paper_guidelines():
    config = ModelConfig(image_size=64, channels=3)
    generator, discriminator = Generator(config), Discriminator(config)
    for model in (generator, discriminator):
        kinds = [type(m) for m in model.modules()]
        assert nn.Linear not in kinds and nn.MaxPool2d not in kinds and nn.AvgPool2d not in kinds
    # G: no batch norm on the output layer, Tanh output, ReLU inside.
    assert isinstance(generator[-1], nn.Tanh) and isinstance(generator[-2], nn.ConvTranspose2d)
    assert all(not isinstance(m, nn.LeakyReLU) for m in generator.modules())
    # D: no batch norm right after the input layer, LeakyReLU(0.2) inside.
    assert isinstance(discriminator[0], nn.Conv2d) and isinstance(discriminator[1], nn.LeakyReLU)
    slopes = {m.negative_slope for m in discriminator.modules() if isinstance(m, nn.LeakyReLU)}
    assert slopes == {0.2}
    strides = [m.stride for m in discriminator.modules() if isinstance(m, nn.Conv2d)]
    assert strides[:-1] == [(2, 2)] * (len(strides) - 1)


def test_weights_are_drawn_from_normal_with_standard_deviation_0_02():
    torch.manual_seed(0)
    generator = Generator(ModelConfig(image_size=64))
    weights = torch.cat(
        [m.weight.flatten() for m in generator.modules() if isinstance(m, nn.ConvTranspose2d)]
    )
    assert abs(weights.mean().item()) < 1e-3
    assert weights.std().item() == pytest.approx(0.02, rel=0.02)
    scales = torch.cat([m.weight for m in generator.modules() if isinstance(m, nn.BatchNorm2d)])
    assert scales.mean().item() == pytest.approx(1.0, abs=0.01)


def test_generator_output_lies_in_minus_one_to_one():
    images = Generator(ModelConfig(image_size=16))(sample_noise(8, 100) * 50)
    assert images.min() >= -1 and images.max() <= 1


@pytest.mark.parametrize(
    "options, word",
    [
        ({"image_size": 48}, "image_size"),
        ({"image_size": 256}, "image_size"),
        ({"channels": 0}, "channels"),
        ({"latent_dim": 2.5}, "latent_dim"),
        ({"generator_width": True}, "generator_width"),
    ],
)
def test_model_config_rejects_bad_values_naming_the_parameter(options, word):
    with pytest.raises(ValueError, match=word):
        ModelConfig(**options)
