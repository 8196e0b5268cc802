"""Transposed-convolution drawings: drawn for valid settings, refused with the arithmetic's message otherwise."""

import pytest

from cnn_lib.draw.transposed import draw_transposed, stretched_grid
from tests.torch_oracles import torch_transposed_size


def test_stretched_grid_puts_inputs_every_s_cells_inside_the_padding():
    labels = stretched_grid(3, 2, 2)
    assert labels.shape == (9, 9)
    assert (labels[2:7:2, 2:7:2] == "x").all() and labels[3, 3] == "0" and labels[0, 0] == "p"


def test_stretched_grid_adds_output_padding_on_bottom_and_right_only():
    labels = stretched_grid(2, 2, 0, output_padding=1)
    assert labels.shape == (4, 4) and labels[0, 0] == "x" and (labels[3] == "p").all()


@pytest.mark.parametrize(
    ("i", "k", "s", "p", "extra", "d"), [(3, 3, 2, 0, 0, 1), (4, 2, 2, 3, 1, 1), (2, 3, 1, 1, 1, 2)]
)
def test_draw_transposed_writes_torchs_output_size(i, k, s, p, extra, d):
    o = torch_transposed_size(i, k, s, p, d, extra)
    assert f"output {o}×{o}" in draw_transposed(i, k, s, p, extra, d)


def test_draw_transposed_says_crop_when_padding_exceeds_the_dilated_kernel():
    assert "cropped by p−d(k−1) = 2" in draw_transposed(4, 2, 2, 3, 1, 1)


def test_draw_transposed_refuses_output_padding_not_below_stride():
    with pytest.raises(ValueError, match="output_padding"):
        draw_transposed(3, 3, 2, 0, 2, 1)
