"""Sampling from a generator: reproducible arrays in [−1, 1], image grids, PNG files."""

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_lib.dcgan.models import Generator, ModelConfig
from cnn_lib.dcgan.sampling import generate, generator_from_checkpoint, image_grid, save_grid_png

TINY = ModelConfig(image_size=16, latent_dim=8, generator_width=4, discriminator_width=4)


def test_generate_is_reproducible_float32_in_minus_one_to_one():
    generator = Generator(TINY).eval()
    images = generate(generator, 5, seed=3, batch_size=2)
    assert images.shape == (5, 1, 16, 16) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    assert torch.equal(images, generate(generator, 5, seed=3))
    assert not torch.equal(images, generate(generator, 5, seed=4))


@pytest.mark.parametrize("count", [0, -3, 2.5, True])
def test_generate_rejects_a_bad_count(count):
    with pytest.raises(ValueError, match="number of samples"):
        generate(Generator(TINY), count)


def test_image_grid_tiles_grey_and_colour_images_with_gaps():
    grey = image_grid(torch.ones(10, 1, 4, 4), columns=4, gap=1)
    assert grey.shape == (3 * 5 + 1, 4 * 5 + 1) and grey.dtype == np.uint8
    assert grey[1, 1] == 255 and grey[0, 0] == 0
    colour = image_grid(-torch.ones(2, 3, 4, 4), columns=2)
    assert colour.shape == (6, 11, 3) and colour.max() == 0


def test_save_grid_png_writes_a_readable_png(tmp_path):
    path = save_grid_png(tmp_path / "grid.png", torch.zeros(4, 1, 8, 8), columns=2)
    with Image.open(path) as image:
        assert image.size == (2 * 9 + 1, 2 * 9 + 1)


def test_generator_from_checkpoint_puts_the_generator_on_the_device_asked_for():
    trained = Generator(TINY).eval()
    state = {"model": TINY.to_dict(), "generator": trained.state_dict(), "generator_ema": {}}
    loaded = generator_from_checkpoint(state, device=torch.device("cpu"))
    assert next(loaded.parameters()).device == torch.device("cpu") and not loaded.training
    # On a GPU the copies differ in kernels and memory format: compare with a tolerance.
    assert torch.allclose(generate(loaded, 4), generate(trained, 4), atol=1e-5)
    with pytest.raises(ValueError, match="device must be one of"):
        generator_from_checkpoint(state, device="tpu")
