"""Feature maps and digits as PNG: every map tiled on its own scale, bad stacks refused clearly."""

import io

import numpy as np
import pytest
from PIL import Image

from cnn_lib.draw.feature_maps import digit_png, feature_maps_png


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def test_feature_maps_png_tiles_every_map_with_gaps():
    pixels = decode(feature_maps_png(np.random.rand(16, 8, 8), columns=8, tile=64, gap=4))
    assert pixels.shape == (2 * 64 + 4, 8 * 64 + 7 * 4)


def test_feature_maps_png_scales_each_map_and_centres_signed_maps():
    maps = np.stack(
        [np.full((4, 4), 2.0), np.full((4, 4), 0.5), np.array([[-1.0, 1.0]] * 4).repeat(2, 1)]
    )
    pixels = decode(feature_maps_png(maps, columns=3, tile=4, gap=2))
    assert pixels[0, 0] == 255 and pixels[0, 6] == 255  # each non-negative map reaches white
    assert pixels[0, 12] == 0 and pixels[0, 15] == 255  # signed: −max black, +max white


@pytest.mark.parametrize(
    "maps", [np.zeros((4, 4)), np.zeros((0, 4, 4)), np.full((1, 2, 2), np.nan)]
)
def test_feature_maps_png_rejects_bad_stacks(maps):
    with pytest.raises(ValueError, match="maps"):
        feature_maps_png(maps)


def test_digit_png_enlarges_a_digit_and_refuses_a_batch():
    assert decode(digit_png(np.random.rand(1, 16, 16), size=128)).shape == (128, 128)
    with pytest.raises(ValueError, match="image must have shape"):
        digit_png(np.zeros((2, 1, 8, 8)))
