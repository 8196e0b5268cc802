"""Convolution figures: the numbers they draw agree with PyTorch; impossible sizes are refused."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from cnn_lib.draw.conv import (
    draw_conv_arithmetic,
    draw_conv_step,
    draw_kernel_overhang,
    draw_padding_modes,
    feature_map_png,
    pad_grid,
    window_positions,
)
from cnn_lib.ops.kernels import kernel
from tests.torch_oracles import torch_conv_size

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg_string: str) -> list[str]:
    return [element.text for element in ET.fromstring(svg_string).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    "i, k, s, p, d",
    [(7, 3, 2, 1, 1), (5, 3, 1, 0, 1), (8, 3, 3, 0, 2), (12, 7, 4, 4, 3), (1, 1, 1, 0, 1)],
)
def test_arithmetic_figure_labels_the_output_size_torch_gives(i, k, s, p, d):
    o = torch_conv_size(i, k, s, p, d)
    labels = texts(draw_conv_arithmetic(i, k, s, p, d))
    assert f"output {o}×{o}" in labels
    caption = (
        f"input {i}×{i}, padded to {i + 2 * p}×{i + 2 * p}" if p else f"input {i}×{i}, no padding"
    )
    assert caption in labels
    dots = list(ET.fromstring(draw_conv_arithmetic(i, k, s, p, d)).iter(f"{SVG}circle"))
    assert len(dots) == o * o  # one per window the stride visits


def test_arithmetic_figure_draws_one_bar_per_window_position():
    root = ET.fromstring(draw_conv_arithmetic(7, 3, 2, 1))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("rx") == "2"]
    assert len(bars) == 4


def test_arithmetic_figure_marks_the_row_the_stride_skips():
    # i = 8, k = 3, s = 2, p = 0: windows start at 0, 2, 4 and reach column 6; column 7 is never used.
    assert window_positions(8, 3, 2, 0) == [0, 2, 4]
    assert "dashed: rows and columns that no kernel tap touches" in texts(
        draw_conv_arithmetic(8, 3, 2, 0)
    )
    assert not any("dashed" in t for t in texts(draw_conv_arithmetic(7, 3, 2, 0)))


def test_window_positions_step_by_the_stride():
    assert window_positions(7, 3, 2, 1) == [0, 2, 4, 6]


@pytest.mark.parametrize(
    "i, k, s, p, d", [(3, 5, 1, 0, 1), (5, 3, 1, 0, 3), (0, 3, 1, 0, 1), (5, 3, 0, 0, 1)]
)
def test_arithmetic_figure_refuses_what_torch_refuses(i, k, s, p, d):
    with pytest.raises(ValueError):
        draw_conv_arithmetic(i, k, s, p, d)


def test_step_figure_shows_the_products_their_sum_and_the_outputs_so_far():
    x = np.arange(25, dtype=float).reshape(5, 5) % 4
    w = kernel("Sobel x")
    out = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None])[0, 0]
    labels = texts(draw_conv_step(x, w, position=4))  # row 1, column 1 of the 3×3 output
    assert f"sum = {int(out[1, 1])}" in labels
    assert f"+ bias 0 → output[1, 1] = {int(out[1, 1])}" in labels
    assert f"{int(x[1, 1])}·(-1)" in labels
    for value in out.flatten()[:5]:
        assert str(int(value)) in labels


def test_step_figure_adds_the_bias_to_the_sum_and_to_every_output_as_torch_does():
    x = np.arange(25, dtype=float).reshape(5, 5) % 4
    w = kernel("Laplacian")
    out = F.conv2d(
        torch.from_numpy(x)[None, None],
        torch.from_numpy(w)[None, None],
        bias=torch.tensor([-2.0], dtype=torch.float64),
    )[0, 0]
    labels = texts(draw_conv_step(x, w, position=4, bias=-2))
    assert f"sum = {int(out[1, 1]) + 2}" in labels
    assert f"+ bias (-2) → output[1, 1] = {int(out[1, 1])}" in labels
    for value in out.flatten()[:5]:
        assert str(int(value)) in labels


@pytest.mark.parametrize("position", [-1, 9, 1.5])
def test_step_figure_refuses_a_position_outside_the_output(position):
    with pytest.raises(ValueError, match="position"):
        draw_conv_step(np.zeros((5, 5)), np.ones((3, 3)), position)


def test_step_figure_refuses_a_kernel_that_is_not_square():
    with pytest.raises(ValueError, match="square"):
        draw_conv_step(np.zeros((5, 5)), np.ones((3, 2)), 0)


def test_feature_map_png_shows_edge_responses_around_mid_grey():
    response = np.array([[-1.0, 0.0], [0.0, 1.0]])
    pixels = np.asarray(Image.open(io.BytesIO(feature_map_png(response, kernel("Sobel x")))))
    assert pixels[0, 1] == 128 and pixels[0, 0] == 0 and pixels[1, 1] == 255
    blurred = np.asarray(
        Image.open(io.BytesIO(feature_map_png(np.full((2, 2), 0.5), kernel("box blur"))))
    )
    assert np.all(blurred == 128)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate"])
def test_pad_grid_matches_torch_padding_modes(mode):
    x = np.arange(1, 17, dtype=float).reshape(4, 4)
    torch_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}[mode]
    expected = F.pad(torch.from_numpy(x)[None, None], (2, 2, 2, 2), mode=torch_mode)[0, 0].numpy()
    np.testing.assert_array_equal(pad_grid(x, 2, mode), expected)


def test_padding_modes_figure_writes_each_padded_grid():
    labels = texts(draw_padding_modes(np.arange(1, 17).reshape(4, 4), p=2))
    assert {"padding_mode='zeros'", "padding_mode='reflect'", "padding_mode='replicate'"} <= set(
        labels
    )
    assert (
        labels.count("11") == 1 + 9 + 1
    )  # zeros: once; reflect: 3 mirrored rows × 3 columns; replicate: once


@pytest.mark.parametrize(
    "x, p, mode, word",
    [(np.zeros((3, 3)), 3, "reflect", "too large"), (np.zeros((3, 3)), 1, "circular", "mode")],
)
def test_pad_grid_refuses_what_torch_refuses(x, p, mode, word):
    with pytest.raises(ValueError, match=word):
        pad_grid(x, p, mode)


def test_kernel_overhang_draws_the_span_dashed_beyond_the_padded_input():
    figure = draw_kernel_overhang(i=1, k=7, p=1)
    assert "the kernel spans 7 pixels, the padded input only 3: it fits nowhere" in texts(figure)
    dashed = [r for r in ET.fromstring(figure).iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 1 and float(dashed[0].get("width")) == 7 * 28
