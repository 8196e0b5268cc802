"""The convolution explorers: moving a control redraws with the right numbers; errors show inline and clear."""

import hypothesis.strategies as st
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings

from cnn_lib.ops.conv import step_grid
from cnn_lib.ops.kernels import KERNELS
from cnn_lib.widgets.conv import (
    CUSTOM,
    ConvArithmeticExplorer,
    ConvStepExplorer,
    PhotoKernelExplorer,
)


@pytest.fixture(scope="module")
def arithmetic_explorer():
    return ConvArithmeticExplorer()


@pytest.fixture(scope="module")
def photo_explorer():
    return PhotoKernelExplorer(size=48)


def test_arithmetic_explorer_default_shows_the_formula_and_torch_agrees():
    explorer = ConvArithmeticExplorer()
    assert "o = ⌊(7 + 2·1 − 3)/2⌋ + 1 = 4" in explorer.formula.value
    assert "✓" in explorer.check.value and "(1, 1, 4, 4)" in explorer.check.value
    assert "output 4×4" in explorer.figure.value


@pytest.mark.parametrize(
    "i, k, s, p, d", [(8, 3, 2, 0, 1), (12, 5, 3, 2, 1), (10, 3, 1, 0, 2), (5, 1, 4, 0, 1)]
)
def test_arithmetic_explorer_moves_give_torchs_size(i, k, s, p, d):
    explorer = ConvArithmeticExplorer()
    explorer.set_values(i=i, k=k, s=s, p=p, d=d)
    o = F.conv2d(
        torch.zeros(1, 1, i, i), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d
    ).shape[-1]
    assert explorer.formula.value.split("= ")[-1].startswith(f"{o}<")
    assert f"output {o}×{o}" in explorer.figure.value and "✓" in explorer.check.value


def test_arithmetic_explorer_single_slider_move_redraws():
    explorer = ConvArithmeticExplorer()
    explorer.sliders["s"].value = 1
    assert "o = ⌊(7 + 2·1 − 3)/1⌋ + 1 = 7" in explorer.formula.value


def test_arithmetic_explorer_shows_an_impossible_kernel_inline_and_recovers():
    explorer = ConvArithmeticExplorer()
    explorer.set_values(i=3, k=7, p=0)
    assert "k is too large" in explorer.error.value and explorer.error.layout.display == "block"
    assert "o = ⌊(3 + 2·0 − 7)/2⌋ + 1 = −1" in explorer.formula.value
    assert explorer.check.value == "" and "it fits nowhere" in explorer.figure.value
    assert "output" not in explorer.figure.value
    explorer.sliders["i"].value = 9
    assert explorer.error.value == "" and "✓" in explorer.check.value
    assert "= 2<" in explorer.formula.value


def test_step_explorer_position_moves_the_window_and_the_sum():
    explorer = ConvStepExplorer()
    x = step_grid()
    bias = explorer.sliders["bias"].value
    expected = F.conv2d(
        torch.from_numpy(x)[None, None],
        torch.from_numpy(KERNELS["Sobel x"].copy())[None, None],
        bias=torch.tensor([float(bias)], dtype=torch.float64),
    )[0, 0]
    assert explorer.sliders["position"].max == 24
    for position in (0, 7, 24):
        explorer.sliders["position"].value = position
        row, col = divmod(position, 5)
        assert f"output[{row}, {col}] =" in explorer.formula.value
        assert explorer.formula.value.split("= ")[-1].startswith(f"{int(expected[row, col])}<")
        assert "✓" in explorer.check.value


@pytest.mark.parametrize("bias", [-3, 0, 2])
def test_step_explorer_adds_the_bias_and_checks_it_against_torch(bias):
    explorer = ConvStepExplorer(position=7)
    explorer.sliders["bias"].value = bias
    x = torch.from_numpy(step_grid())[None, None]
    w = torch.from_numpy(KERNELS["Sobel x"].copy())[None, None]
    window_sum = int(F.conv2d(x, w)[0, 0, 1, 2])
    with_bias = int(
        F.conv2d(x, w, bias=torch.tensor([float(bias)], dtype=torch.float64))[0, 0, 1, 2]
    )
    assert with_bias == window_sum + bias
    shown = f"({bias})" if bias < 0 else str(bias)
    assert f"+ bias {shown} = {with_bias}<" in explorer.formula.value
    assert f"with bias {bias} gives output[1, 2] = {with_bias}" in explorer.check.value
    assert "✓" in explorer.check.value
    assert f"+ bias {shown} → output[1, 2] = {with_bias}" in explorer.figure.value


def test_step_explorer_kernel_choice_changes_the_products():
    explorer = ConvStepExplorer()
    before = explorer.formula.value
    explorer.sliders["kernel"].value = "Laplacian"
    assert explorer.formula.value != before and "·(-4)" in explorer.formula.value


def test_step_explorer_refuses_a_grid_too_small_for_the_kernel():
    with pytest.raises(ValueError, match="3×3"):
        ConvStepExplorer(x=np.zeros((2, 5)))


def test_photo_explorer_kernel_choice_fills_the_nine_boxes_and_redraws(photo_explorer):
    photo_explorer.sliders["kernel"].value = "Gaussian blur"
    np.testing.assert_array_equal(photo_explorer.kernel_weights(), KERNELS["Gaussian blur"])
    blurred = photo_explorer.map_image.value
    assert (
        "weights sum to 1" in photo_explorer.formula.value
        and "48×48 → 46×46" in photo_explorer.formula.value
    )
    photo_explorer.sliders["kernel"].value = "Sobel y"
    assert photo_explorer.map_image.value != blurred and "✓" in photo_explorer.check.value


def test_photo_explorer_editing_a_box_switches_to_custom_and_redraws(photo_explorer):
    photo_explorer.sliders["kernel"].value = "identity"
    before = photo_explorer.map_image.value
    photo_explorer.sliders["w4"].value = 2.0
    assert photo_explorer.sliders["kernel"].value == CUSTOM
    assert (
        photo_explorer.map_image.value != before
        and "weights sum to 2" in photo_explorer.formula.value
    )


def test_photo_explorer_colour_needs_the_kernel_on_three_channels(photo_explorer):
    photo_explorer.sliders["kernel"].value = "sharpen"
    photo_explorer.sliders["colour"].value = True
    assert "3 channels" in photo_explorer.formula.value and "✓" in photo_explorer.check.value
    photo_explorer.sliders["colour"].value = False
    assert "grayscale" in photo_explorer.formula.value


def test_photo_explorer_shows_a_non_finite_weight_inline_and_recovers(photo_explorer):
    photo_explorer.sliders["w0"].value = float("inf")
    assert "finite" in photo_explorer.error.value
    photo_explorer.sliders["kernel"].value = "emboss"
    assert photo_explorer.error.value == "" and "✓" in photo_explorer.check.value


@pytest.mark.parametrize("cls", [ConvArithmeticExplorer, ConvStepExplorer])
def test_every_benchmark_move_changes_the_figure_or_formula(cls):
    explorer = cls()
    for move in explorer.benchmark_moves():
        before = (explorer.figure.value, explorer.formula.value)
        explorer.set_values(**move)
        assert (explorer.figure.value, explorer.formula.value) != before


@given(
    i=st.integers(1, 12),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.integers(0, 4),
    d=st.integers(1, 3),
)
@settings(max_examples=60, deadline=None)
def test_arithmetic_explorer_agrees_with_torch_or_shows_why_not(arithmetic_explorer, i, k, s, p, d):
    explorer = arithmetic_explorer  # one explorer for all examples, moved like a learner would
    explorer.set_values(i=i, k=k, s=s, p=p, d=d)
    try:
        o = F.conv2d(
            torch.zeros(1, 1, i, i), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d
        ).shape[-1]
    except RuntimeError:
        assert "k is too large" in explorer.error.value and explorer.check.value == ""
        return
    assert explorer.error.value == "" and "✓" in explorer.check.value
    assert explorer.formula.value.split("= ")[-1].startswith(f"{o}<")
    assert f"output {o}×{o}" in explorer.figure.value
