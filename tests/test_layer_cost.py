"""cnn_lib.layer_cost against torch's FLOP counter, parameter counts and counted windows."""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from cnn_lib.layer_cost import cost_table, count_parameters, layer_cost, model_cost


def measured_macs(module: nn.Module, input_shape) -> int:
    """Return FlopCounterMode's count for one example, halved: it counts 2 FLOPs per MAC."""
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        module(torch.zeros(1, *input_shape))
    return counter.get_total_flops() // 2


def output_shape(module: nn.Module, input_shape) -> tuple[int, ...]:
    with torch.no_grad():
        return tuple(module(torch.zeros(1, *input_shape)).shape[1:])


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@settings(max_examples=60, deadline=None)
@given(
    groups=st.integers(1, 4),
    per_group=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    d=st.integers(1, 2),
    size=st.tuples(st.integers(6, 14), st.integers(6, 14)),
    bias=st.booleans(),
)
def test_conv2d_cost_matches_torch(groups, per_group, k, s, p, d, size, bias):
    conv = nn.Conv2d(groups * per_group[0], groups * per_group[1], k, s, p, d, groups, bias)
    shape = (groups * per_group[0], *size)
    assume(all(d * (k[a] - 1) + 1 <= size[a] + 2 * p for a in (0, 1)))
    cost = layer_cost(conv, shape)
    assert cost.output_shape == output_shape(conv, shape)
    assert cost.parameters == parameter_count(conv)
    assert cost.macs == measured_macs(conv, shape)
    assert cost.activations == torch.Size(cost.output_shape).numel()


@settings(max_examples=40, deadline=None)
@given(
    groups=st.integers(1, 3),
    per_group=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    k=st.integers(1, 5),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    d=st.integers(1, 2),
    size=st.integers(3, 9),
    bias=st.booleans(),
)
def test_conv_transpose2d_cost_matches_torch(groups, per_group, k, s, p, d, size, bias):
    output_padding = s - 1 if s > 1 else 0
    transposed = nn.ConvTranspose2d(
        groups * per_group[0], groups * per_group[1], k, s, p, output_padding, groups, bias, d
    )
    shape = (groups * per_group[0], size, size)
    assume((size - 1) * s - 2 * p + d * (k - 1) + output_padding + 1 >= 1)
    cost = layer_cost(transposed, shape)
    assert cost.output_shape == output_shape(transposed, shape)
    assert cost.parameters == parameter_count(transposed)
    assert cost.macs == measured_macs(transposed, shape)


@pytest.mark.parametrize("shape", [(20,), (5, 20)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_cost_matches_torch(shape, bias):
    linear = nn.Linear(20, 7, bias=bias)
    cost = layer_cost(linear, shape)
    assert cost.output_shape == output_shape(linear, shape)
    assert cost.parameters == parameter_count(linear)
    assert cost.macs == measured_macs(linear, shape)


@pytest.mark.parametrize(("k", "s", "p"), [(2, 2, 0), (3, 2, 1), (3, 1, 1), (4, 3, 2)])
def test_average_pooling_costs_one_mac_per_window_tap_counted_by_unfold(k, s, p):
    pool = nn.AvgPool2d(k, s, p)
    x = torch.zeros(1, 3, 11, 11)
    cost = layer_cost(pool, (3, 11, 11))
    # Count the window taps: unfold lays every window out as a column.
    assert cost.macs == F.unfold(x, k, padding=p, stride=s).numel()
    # And the MACs are real: average pooling is a depthwise convolution with weights 1/k².
    conv = nn.Conv2d(3, 3, k, s, p, groups=3, bias=False)
    nn.init.constant_(conv.weight, 1 / k**2)
    x = torch.rand(1, 3, 11, 11)
    torch.testing.assert_close(conv(x), pool(x))
    assert cost.macs == measured_macs(conv, (3, 11, 11))
    assert cost.output_shape == output_shape(pool, (3, 11, 11)) and cost.parameters == 0


@pytest.mark.parametrize(("k", "s", "p", "d"), [(2, 2, 0, 1), (3, 2, 1, 1), (3, 1, 1, 2)])
def test_max_pooling_makes_window_minus_one_comparisons_and_no_macs(k, s, p, d):
    pool = nn.MaxPool2d(k, s, p, dilation=d)
    x = torch.zeros(1, 2, 10, 10)
    cost = layer_cost(pool, (2, 10, 10))
    windows = F.unfold(x, k, dilation=d, padding=p, stride=s)
    assert cost.comparisons == windows.numel() - windows.shape[-1] * 2
    assert cost.macs == 0 and cost.output_shape == output_shape(pool, (2, 10, 10))


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_pool_output_shape_follows_ceil_mode(ceil_mode):
    pool = nn.MaxPool2d(3, 2, ceil_mode=ceil_mode)
    assert layer_cost(pool, (1, 8, 8)).output_shape == output_shape(pool, (1, 8, 8))


@pytest.mark.parametrize(("size", "out"), [((7, 7), 1), ((7, 5), (3, 2)), ((10, 6), (4, None))])
def test_adaptive_average_pooling_counts_every_window_tap(size, out):
    pool = nn.AdaptiveAvgPool2d(out)
    cost = layer_cost(pool, (2, *size))
    ones = torch.ones(1, 2, *size)
    # Each output is a mean; times its window length it gives back the window's tap count.
    counted = 0
    for oh in range(cost.output_shape[1]):
        for ow in range(cost.output_shape[2]):
            h0, h1 = (
                oh * size[0] // cost.output_shape[1],
                -(-(oh + 1) * size[0] // cost.output_shape[1]),
            )
            w0, w1 = (
                ow * size[1] // cost.output_shape[2],
                -(-(ow + 1) * size[1] // cost.output_shape[2]),
            )
            counted += ones[0, :, h0:h1, w0:w1].numel()
    assert cost.macs == counted
    assert cost.output_shape == output_shape(pool, (2, *size))


def test_batchnorm_folds_into_one_multiply_add_per_value():
    bn = nn.BatchNorm2d(4).eval()
    with torch.no_grad():
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.weight.uniform_(0.5, 2)
    cost = layer_cost(bn, (4, 6, 5))
    # Inference BatchNorm is y = a·x + b per channel: a 1×1 depthwise convolution.
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    conv = nn.Conv2d(4, 4, 1, groups=4)
    with torch.no_grad():
        conv.weight.copy_(scale.view(4, 1, 1, 1))
        conv.bias.copy_(bn.bias - bn.running_mean * scale)
    x = torch.rand(1, 4, 6, 5)
    torch.testing.assert_close(conv(x), bn(x))
    assert cost.macs == measured_macs(conv, (4, 6, 5)) == 4 * 6 * 5
    assert cost.parameters == parameter_count(bn) == 8


def small_cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1, groups=2),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.ConvTranspose2d(16, 4, 2, stride=2),
        nn.AdaptiveAvgPool2d(2),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def test_model_cost_rows_add_up_to_torch_counts():
    model = small_cnn()
    rows = model_cost(model, (1, 16, 16))
    assert len(rows) == len(model)
    assert sum(r.parameters for r in rows) == parameter_count(model)
    counted = ("Conv", "Linear")  # FlopCounterMode counts 0 for pooling and BatchNorm
    macs = sum(r.macs for r in rows if r.name.split(": ")[1].startswith(counted))
    assert macs == measured_macs(model, (1, 16, 16))
    assert rows[-1].output_shape == (10,) and model.training


def test_cost_table_prints_one_line_per_layer_and_the_totals():
    text = cost_table(model_cost(small_cnn(), (1, 16, 16)))
    lines = text.splitlines()
    assert len(lines) == 1 + 1 + 11 + 1 + 1
    assert lines[2].startswith("0: Conv2d(1→8, k=3)") and "18,432" in lines[2]
    assert lines[-1].startswith("total")


@pytest.mark.parametrize(
    ("module", "shape", "word"),
    [
        (nn.Conv2d(3, 8, 3), (4, 8, 8), "channels"),
        (nn.Conv2d(3, 8, 3), (3, 8), r"\(C, H, W\)"),
        (nn.Conv2d(3, 8, 5), (3, 4, 4), "k"),
        (nn.Linear(10, 2), (12,), "in_features"),
        (nn.Conv2d(3, 8, 3), (3, 0, 8), "input_shape"),
        (nn.LSTM(3, 3), (3,), "LSTM"),
        (nn.BatchNorm2d(3), (4, 2, 2), "channels"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(module, shape, word):
    with pytest.raises(ValueError, match=word):
        layer_cost(module, shape)


def test_model_cost_follows_the_receptive_field_until_a_layer_mixes_everything():
    from cnn_lib.receptive_field import receptive_field

    model = nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, dilation=2),
        nn.AvgPool2d(1, 2),
        nn.Flatten(),
        nn.Linear(4 * 2 * 2, 3),
    )
    rows = model_cost(model, (1, 24, 24))
    expected = iter(receptive_field(model[:6], 24))
    for module, row in zip(model, rows, strict=True):
        if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            field = next(expected)
            assert (row.receptive_field, row.jump) == (field.receptive_field, field.jump)
    assert [row.receptive_field for row in rows[:6]] == [3, 3, 3, 4, 12, 12]
    assert rows[-1].sees_everything and rows[-1].receptive_field is None
    assert "all" in cost_table(rows).splitlines()[-3]


def test_model_cost_stops_following_the_field_at_a_transposed_convolution():
    rows = model_cost(
        nn.Sequential(nn.Conv2d(1, 2, 3), nn.ConvTranspose2d(2, 1, 2, 2), nn.ReLU()), (1, 8, 8)
    )
    assert [row.receptive_field for row in rows] == [3, None, None]
    assert not any(row.sees_everything for row in rows)


def four_designs() -> dict[str, nn.Module]:
    """64 → 128 channels at 3×3, four ways (no biases: a BatchNorm follows each in practice)."""
    return {
        "standard": nn.Conv2d(64, 128, 3, padding=1, bias=False),
        "grouped": nn.Conv2d(64, 128, 3, padding=1, groups=4, bias=False),
        "separable": nn.Sequential(
            nn.Conv2d(64, 64, 3, padding=1, groups=64, bias=False),
            nn.Conv2d(64, 128, 1, bias=False),
        ),
        "bottleneck": nn.Sequential(
            nn.Conv2d(64, 32, 1, bias=False),
            nn.Conv2d(32, 32, 3, padding=1, bias=False),
            nn.Conv2d(32, 128, 1, bias=False),
        ),
    }


@pytest.mark.parametrize(
    ("design", "parameters", "macs"),
    [
        ("standard", 73_728, 231_211_008),
        ("grouped", 18_432, 57_802_752),
        ("separable", 8_768, 27_496_448),
        ("bottleneck", 15_360, 48_168_960),
    ],
)
def test_four_designs_from_64_to_128_channels_cost_what_torch_counts(design, parameters, macs):
    # Teaching numbers for notebook 05, on a 56×56 map (a ResNet stage-2 feature map).
    module = four_designs()[design]
    rows = model_cost(module, (64, 56, 56))
    assert sum(r.parameters for r in rows) == parameters == parameter_count(module)
    assert sum(r.macs for r in rows) == macs == measured_macs(module, (64, 56, 56))
    assert rows[-1].output_shape == (128, 56, 56)


def test_digits_cnn_table_numbers_match_torch():
    # Teaching numbers for notebook 05's table: DigitsCNN at 16×16.
    from cnn_lib.classifier.model import DigitsCNN
    from cnn_lib.receptive_field import measure_input_gradient

    model = DigitsCNN(image_size=16)
    rows = model_cost(model, (1, 16, 16))
    assert sum(r.parameters for r in rows) == parameter_count(model) == 38_282
    assert sum(r.macs for r in rows) == measured_macs(model, (1, 16, 16)) == 365_184
    convs = [r for r in rows if "Conv2d" in r.name]
    assert sum(r.parameters for r in convs) == 4_800 and sum(r.macs for r in convs) == 331_776
    pool2 = next(r for r in rows if r.name.startswith("layers.pool2"))
    assert (pool2.receptive_field, pool2.jump) == (10, 4)
    hit = measure_input_gradient(model.layers[:6], 16, 1, 1).sum(axis=0).nonzero()[0]
    assert hit.max() - hit.min() + 1 == 10


def test_each_parameter_formula_evaluates_to_the_counted_parameters():
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1, bias=False),
        nn.Flatten(),
        nn.Linear(4 * 8 * 8, 10),
    )
    rows = model_cost(model, (3, 8, 8))
    with_formula = [row for row in rows if row.parameter_formula]
    assert len(with_formula) == 4  # conv, BatchNorm, transposed conv, linear
    for row in with_formula:
        assert eval(row.parameter_formula.replace("·", "*")) == row.parameters, row
    assert sum(row.parameters for row in rows) == count_parameters(model)


def test_each_size_formula_ends_in_the_output_height_torch_gives():
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, stride=2, padding=1, dilation=2),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.ConvTranspose2d(2, 1, 4, stride=2, padding=1, output_padding=1),
    )
    rows = model_cost(model, (1, 23, 23))
    heights = []
    x = torch.zeros(1, 1, 23, 23)
    for layer in model:
        x = layer(x)
        heights.append(x.shape[-2])
    assert [row.size_formula.rsplit("= ", 1)[1].split()[0] for row in rows] == [
        str(h) for h in heights
    ]


def test_cost_table_with_formulas_shows_them_and_totals_the_parameters():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 3 * 3, 2))
    text = cost_table(model_cost(model, (1, 5, 5)), formulas=True)
    assert "o = ⌊(5 + 2·0 − 3)/1⌋ + 1 = 3" in text and "4·(1·3·3) + 4" in text
    assert text.splitlines()[-1].split() == ["total", f"{count_parameters(model):,}"]
