"""cnn_lib.receptive_field against the input gradient of real torch stacks."""

import math

import pytest
import torch
import torch.nn as nn
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnn_lib.receptive_field import (
    measure_input_gradient,
    receptive_field,
    receptive_field_formula,
)

CONV = st.tuples(
    st.just("conv"),
    st.integers(1, 5),
    st.integers(1, 3),
    st.integers(0, 2),
    st.integers(1, 3),
)
POOL = st.integers(1, 4).flatmap(
    lambda k: st.tuples(
        st.sampled_from(["max", "avg"]), st.just(k), st.integers(1, 3), st.integers(0, k // 2)
    )
)
LAYER = st.one_of(CONV, POOL)


def build(spec, measuring: bool) -> nn.Module:
    """Return the torch layer for a drawn spec; when measuring, max pooling becomes average."""
    if spec[0] == "conv":
        _, k, s, p, d = spec
        conv = nn.Conv2d(1, 1, k, s, p, dilation=d, bias=False).double()
        with torch.no_grad():
            conv.weight.uniform_(0.5, 1.5)  # all positive: no cancellation in the gradient
        return conv
    kind, k, s, p = spec
    if kind == "max" and not measuring:
        return nn.MaxPool2d(k, s, p)
    return nn.AvgPool2d(k, s, p)


def interior_output(rows, input_size: int) -> int | None:
    """Return the first output index whose whole receptive field lies inside the input."""
    last = rows[-1]
    half = (last.receptive_field - 1) / 2
    for index in range(last.output_size):
        centre = last.start + index * last.jump
        if centre - half >= 0 and centre + half <= input_size - 1:
            return index
    return None


def stack_and_size(specs, relu_after, extra):
    """Return the torch stack for the specs and an input size with an interior output pixel."""
    layers = []
    for spec, relu in zip(specs, relu_after, strict=False):
        layers.append(build(spec, measuring=False))
        if relu:
            layers.append(nn.ReLU())  # skipped by receptive_field
    probe = receptive_field(
        [(spec[1], spec[2], spec[3], spec[4] if spec[0] == "conv" else 1) for spec in specs], 10_000
    )[-1]
    # The smallest input holding an output whose whole field lies inside it, plus a margin.
    left = probe.start - (probe.receptive_field - 1) / 2
    first = math.ceil(-left / probe.jump)
    return layers, probe, int(left + first * probe.jump + probe.receptive_field) + extra


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(LAYER, min_size=1, max_size=6),
    relu_after=st.lists(st.booleans(), min_size=6, max_size=6),
    extra=st.integers(0, 6),
)
def test_receptive_field_matches_input_gradient_support_of_random_stacks(specs, relu_after, extra):
    layers, probe, size = stack_and_size(specs, relu_after, extra)
    assume(probe.receptive_field <= 100)
    rows = receptive_field(layers, size)
    assert len(rows) == len(specs)
    assert (
        torch.nn.Sequential(*layers)
        .double()(torch.zeros(1, 1, size, size, dtype=torch.float64))
        .shape[-1]
        == rows[-1].output_size
    )
    convs = iter(m for m in layers if isinstance(m, nn.Conv2d))
    measured = [next(convs) if s[0] == "conv" else build(s, measuring=True) for s in specs]
    x = (torch.rand(1, 1, size, size, dtype=torch.float64) + 0.5).requires_grad_(True)
    y = x
    for row, layer in zip(rows, measured, strict=True):
        y = layer(y)
        assert y.shape[-1] == row.output_size
    index = interior_output(rows, size)
    assert index is not None
    y[0, 0, index, index].backward()
    last = rows[-1]
    for axis in (0, 1):
        # Extent, not count: dilation leaves holes inside the field.
        hit = x.grad[0, 0].abs().sum(dim=axis).nonzero().flatten()
        assert hit.max().item() - hit.min().item() + 1 == last.receptive_field
        centre = (hit.max().item() + hit.min().item()) / 2
        assert centre == pytest.approx(last.start + index * last.jump)


VGG16_CONFIG = [
    64,
    64,
    "M",
    128,
    128,
    "M",
    256,
    256,
    256,
    "M",
    512,
    512,
    512,
    "M",
    512,
    512,
    512,
    "M",
]


def vgg16_features(channels: int = 1) -> nn.Sequential:
    """VGG-16's convolutional stack (Simonyan & Zisserman, 2014), with few channels."""
    layers, previous = [], 1
    for item in VGG16_CONFIG:
        if item == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(previous, channels, 3, padding=1), nn.ReLU()]
            previous = channels
    return nn.Sequential(*layers)


def test_start_is_the_zero_based_centre_of_the_first_window():
    assert receptive_field([(3, 1, 1, 1)], 8)[0].start == 0.0
    assert receptive_field([(3, 1, 0, 1)], 8)[0].start == 1.0
    assert receptive_field([(2, 2, 0, 1)], 8)[0].start == 0.5


def test_torch_layers_give_the_same_rows_as_tuples():
    modules = [nn.Conv2d(3, 8, 5, 2, 1, dilation=2), nn.MaxPool2d(3, 2, 1), nn.AvgPool2d(2)]
    tuples = [(5, 2, 1, 2), (3, 2, 1, 1), (2, 2, 0, 1)]
    numbers = [
        (r.output_size, r.receptive_field, r.jump, r.start) for r in receptive_field(modules, 64)
    ]
    expected = [
        (r.output_size, r.receptive_field, r.jump, r.start) for r in receptive_field(tuples, 64)
    ]
    assert numbers == expected


def test_shape_keeping_modules_are_skipped_and_sequentials_opened():
    block = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.1))
    rows = receptive_field(nn.Sequential(block, nn.MaxPool2d(2), nn.Identity()), 16)
    assert [r.name for r in rows] == ["Conv2d(k=3, s=1, p=0)", "MaxPool2d(k=2, s=2, p=0)"]
    assert rows[-1].receptive_field == 4


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("d", [1, 2])
def test_same_padding_puts_the_centre_where_torch_pads(k, d):
    rows = receptive_field([nn.Conv2d(1, 1, k, padding="same", dilation=d)], 15)
    gradient = measure_input_gradient([(k, 1, d * (k - 1) // 2, d)], 15, 7, 7)
    hit = torch.from_numpy(gradient).sum(dim=0).nonzero().flatten()
    assert rows[0].output_size == 15
    assert (hit.min().item() + hit.max().item()) / 2 == rows[0].start + 7


def test_measure_input_gradient_support_has_the_predicted_extent():
    layers = [(3, 1, 1, 1), (3, 1, 0, 2), (2, 2, 0, 1), (3, 1, 1, 1)]
    rows = receptive_field(layers, 24)
    gradient = measure_input_gradient(layers, 24, 4, 5)
    hit_rows = gradient.sum(axis=1).nonzero()[0]
    hit_cols = gradient.sum(axis=0).nonzero()[0]
    assert hit_rows.max() - hit_rows.min() + 1 == rows[-1].receptive_field == 12
    assert (hit_cols.min() + hit_cols.max()) / 2 == rows[-1].start + 5 * rows[-1].jump


def test_vgg16_conv_stack_sees_212_pixels_at_224_measured_by_torch():
    # Teaching number for notebook 02: VGG-16's pool5 outputs see 212×212 input pixels.
    rows = receptive_field(vgg16_features(), 224)
    assert [(r.receptive_field, r.jump) for r in rows[-2:]] == [(196, 16), (212, 32)]
    assert rows[-1].output_size == 7
    gradient = measure_input_gradient(vgg16_features(), 224, 3, 3)
    hit = gradient.sum(axis=0).nonzero()[0]
    assert hit.max() - hit.min() + 1 == 212
    assert (hit.min() + hit.max()) / 2 == rows[-1].start + 3 * 32


def test_doubling_dilations_grow_the_field_exponentially_as_torch_measures():
    # Teaching numbers for notebook 02: r = 2^(L+1) − 1 with doubling dilations, 2L + 1 without.
    for depth in range(1, 7):
        doubling = [(3, 1, 2**n, 2**n) for n in range(depth)]
        rows = receptive_field(doubling, 160)
        assert rows[-1].receptive_field == 2 ** (depth + 1) - 1 and rows[-1].output_size == 160
        assert receptive_field([(3, 1, 1, 1)] * depth, 160)[-1].receptive_field == 2 * depth + 1
        hit = measure_input_gradient(doubling, 160, 80, 80).sum(axis=0).nonzero()[0]
        assert hit.max() - hit.min() + 1 == 2 ** (depth + 1) - 1


@pytest.mark.parametrize(
    ("strides", "field", "jumps"),
    [
        ((1, 1, 1, 1), 9, [1, 1, 1, 1]),
        ((1, 1, 1, 2), 9, [1, 1, 1, 2]),
        ((2, 1, 1, 1), 15, [2, 2, 2, 2]),
        ((2, 2, 1, 1), 23, [2, 4, 4, 4]),
        ((2, 2, 2, 2), 31, [2, 4, 8, 16]),
    ],
)
def test_stride_multiplies_the_jump_as_torch_measures(strides, field, jumps):
    # Teaching numbers for notebook 02: the same four 3×3 kernels, strides moved earlier.
    layers = [(3, s, 1, 1) for s in strides]
    rows = receptive_field(layers, 64)
    assert [r.jump for r in rows] == jumps and rows[-1].receptive_field == field
    middle = rows[-1].output_size // 2
    hit = measure_input_gradient(layers, 64, middle, middle).sum(axis=0).nonzero()[0]
    assert hit.max() - hit.min() + 1 == field


def test_formula_substitutes_the_recurrence():
    lines = receptive_field_formula([(3, 1, 1, 1), (2, 2, 0, 1), (3, 1, 0, 2)], 16)
    assert (
        lines[0] == "r₁ = 1 + 1·(3 − 1)·1 = 3   j₁ = 1·1 = 1   start₁ = 0 + (1·(3 − 1)/2 − 1)·1 = 0"
    )
    assert lines[2].startswith("r₃ = 4 + 2·(3 − 1)·2 = 12   j₃ = 2·1 = 2")


@pytest.mark.parametrize(
    ("layer", "word"),
    [
        (nn.ConvTranspose2d(1, 1, 3), "ConvTranspose2d"),
        (nn.Linear(4, 4), "Linear"),
        (nn.AdaptiveAvgPool2d(1), "AdaptiveAvgPool2d"),
        (nn.Conv2d(1, 1, (3, 5)), "kernel_size"),
        (nn.Conv2d(1, 1, 3, stride=(1, 2)), "stride"),
    ],
)
def test_layers_it_cannot_follow_are_refused_by_name(layer, word):
    with pytest.raises(ValueError, match=word):
        receptive_field([layer], 16)


@pytest.mark.parametrize(
    ("layers", "size", "word"),
    [
        ([(3, 1, 1)], 8, r"\(k, s, p, d\)"),
        ([(0, 1, 0, 1)], 8, "k"),
        ([(3, 0, 0, 1)], 8, "s"),
        ([(3, 1, -1, 1)], 8, "p"),
        ([(3, 1, 0, 0)], 8, "d"),
        ([[3, 1, 0, 1]], 8, "tuple"),
        ([(3, 1, 1, 1)], 0, "input_size"),
        ([(3, 1, 1, 1)], 8.0, "input_size"),
        ([(5, 1, 0, 1), (5, 1, 0, 1)], 8, "layer 2"),
        ("3131", 8, "layers"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(layers, size, word):
    with pytest.raises(ValueError, match=word):
        receptive_field(layers, size)


def test_measure_input_gradient_refuses_a_pixel_outside_the_output():
    with pytest.raises(ValueError, match="row and column"):
        measure_input_gradient([(3, 1, 0, 1)], 8, 6, 0)
