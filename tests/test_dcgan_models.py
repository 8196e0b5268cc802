"""The DCGAN networks: shapes for every size, the paper's guidelines, initialisation."""

from dataclasses import replace

import pytest
import torch
from torch import nn

from cnn_lib.dcgan.models import (
    IMAGE_SIZES,
    Discriminator,
    Generator,
    ModelConfig,
    latent_centres,
    sample_latent,
    sample_latent_and_clusters,
    sample_noise,
)
from cnn_lib.layer_cost import count_parameters


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
        ({"latent_clusters": 0}, "latent_clusters"),
        ({"cluster_distance": -1.0}, "cluster_distance"),
        ({"cluster_distance": float("nan")}, "cluster_distance"),
        ({"cluster_head": 1}, "cluster_head"),
    ],
)
def test_model_config_rejects_bad_values_naming_the_parameter(options, word):
    with pytest.raises(ValueError, match=word):
        ModelConfig(**options)


def test_one_cluster_is_the_papers_standard_normal_noise():
    config = ModelConfig(latent_dim=8)
    drawn = sample_latent(5, config, torch.Generator().manual_seed(2))
    assert torch.equal(drawn, sample_noise(5, 8, torch.Generator().manual_seed(2)))


def test_latent_centres_are_fixed_points_at_the_cluster_distance():
    config = ModelConfig(latent_dim=16, latent_clusters=12, cluster_distance=6.0)
    centres = latent_centres(config)
    assert centres.shape == (12, 16)
    assert torch.allclose(centres.norm(dim=1), torch.full((12,), 6.0))
    assert torch.equal(centres, latent_centres(ModelConfig(**config.to_dict())))


def test_mixture_noise_is_a_centre_plus_standard_normal_noise():
    config = ModelConfig(latent_dim=32, latent_clusters=5, cluster_distance=20.0)
    z = sample_latent(4000, config, torch.Generator().manual_seed(0)).flatten(1)
    centres = latent_centres(config)
    nearest = torch.cdist(z, centres).argmin(1)
    offsets = z - centres[nearest]
    # Far-apart centres: every z is nearest its own centre, and what is left is N(0, I).
    assert torch.bincount(nearest, minlength=5).min() > 700
    assert offsets.mean().abs() < 0.02 and (offsets.std() - 1).abs() < 0.02


def test_sampled_clusters_name_the_centre_each_z_was_drawn_around():
    config = ModelConfig(latent_dim=32, latent_clusters=5, cluster_distance=20.0)
    z, clusters = sample_latent_and_clusters(500, config, torch.Generator().manual_seed(3))
    assert torch.equal(z, sample_latent(500, config, torch.Generator().manual_seed(3)))
    assert torch.equal(clusters, torch.cdist(z.flatten(1), latent_centres(config)).argmin(1))


def test_a_discriminator_with_a_cluster_head_also_returns_one_guess_per_cluster():
    config = ModelConfig(
        image_size=16, latent_dim=8, discriminator_width=4, latent_clusters=7, cluster_head=True
    )
    images = torch.rand(3, 1, 16, 16) * 2 - 1
    discriminator = Discriminator(config)
    logits, guesses = discriminator(images, cluster_guesses=True)
    assert logits.shape == (3,) and guesses.shape == (3, 7)
    assert torch.equal(discriminator(images), logits)
    # The head is the last convolution's extra output channels: 7 more filters of 4·4·C_in.
    without_head = Discriminator(replace(config, cluster_head=False))
    extra = count_parameters(discriminator) - count_parameters(without_head)
    assert extra == 7 * 4 * 4 * discriminator[-2].in_channels
    assert ModelConfig(latent_clusters=1, cluster_head=True).cluster_guesses == 0
