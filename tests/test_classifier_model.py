"""The digits CNN: shapes from the formulas match the model's real shapes; bad arguments are refused."""

import pytest
import torch
from torch import nn

from cnn_lib.classifier.model import (
    DigitsCNN,
    layer_outputs,
)
from cnn_lib.layer_cost import cost_table, count_parameters, model_cost

CONFIGURATIONS = [
    {"image_size": 8},
    {"image_size": 16},
    {"image_size": 32},
    {"image_size": 16, "pooling": None},
    {"image_size": 16, "pooling": "avg"},
    {"image_size": 16, "kernel_size": 5},
    {"image_size": 16, "kernel_size": 5, "padding": 0},
    {"image_size": 28, "channels": (4, 6), "hidden": 20},
]


def layer_table(model: DigitsCNN):
    return model_cost(model, (1, model.image_size, model.image_size))


@pytest.mark.parametrize("options", CONFIGURATIONS)
def test_the_layer_table_matches_the_shapes_torch_computes(options):
    model = DigitsCNN(**options)
    size = options["image_size"]
    real = [
        (f"layers.{name}", tuple(out.shape[1:]))
        for name, out in layer_outputs(model, torch.zeros(2, 1, size, size))
    ]
    assert [(row.name.split(":")[0], row.output_shape) for row in layer_table(model)] == real


@pytest.mark.parametrize("options", CONFIGURATIONS)
def test_the_layer_tables_parameter_counts_match_torch(options):
    model = DigitsCNN(**options)
    rows = layer_table(model)
    assert sum(row.parameters for row in rows) == count_parameters(model)
    for row in rows:
        layer = model.get_submodule(row.name.split(":")[0])
        assert row.parameters == sum(p.numel() for p in layer.parameters())


def test_model_returns_ten_logits_and_hidden_features():
    model = DigitsCNN(image_size=32)
    x = torch.rand(5, 1, 32, 32)
    assert model(x).shape == (5, 10)
    assert model.embed(x).shape == (5, 64)
    assert torch.all(model.embed(x) >= 0)  # after the ReLU


def test_removing_pooling_multiplies_the_first_fully_connected_layer_by_sixteen():
    pooled = DigitsCNN(image_size=16).layers.fc1.weight.numel()
    unpooled = DigitsCNN(image_size=16, pooling=None).layers.fc1.weight.numel()
    assert unpooled == 16 * pooled


def test_pooling_choice_sets_the_pool_layers():
    assert isinstance(DigitsCNN(pooling="avg").layers.pool1, nn.AvgPool2d)
    assert isinstance(DigitsCNN(pooling="max").layers.pool2, nn.MaxPool2d)
    assert not hasattr(DigitsCNN(pooling=None).layers, "pool1")


def test_the_printed_layer_table_lists_every_layer_its_formulas_and_the_total():
    model = DigitsCNN(image_size=28)
    text = cost_table(layer_table(model), formulas=True)
    for name in ["conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2"]:
        assert f"layers.{name}" in text
    assert "o = ⌊(28 + 2·1 − 3)/1⌋ + 1 = 28" in text
    assert f"{count_parameters(model):,}" in text.splitlines()[-1]


@pytest.mark.parametrize(
    "options, word",
    [
        ({"image_size": 0}, "image_size"),
        ({"pooling": "median"}, "pooling"),
        ({"channels": (16,)}, "channels"),
        ({"kernel_size": 2.5}, "kernel_size"),
        ({"padding": -1}, "padding"),
        ({"image_size": 3}, "image_size=3 is too small"),
        ({"image_size": 8, "kernel_size": 5, "padding": 0}, "too small"),
    ],
)
def test_bad_arguments_raise_one_clear_sentence(options, word):
    with pytest.raises(ValueError, match=word):
        DigitsCNN(**options)


def test_notebook_05_weight_counts_match_torch():
    model = DigitsCNN(image_size=28)
    conv = sum(
        p.numel() for name in ("conv1", "conv2") for p in getattr(model.layers, name).parameters()
    )
    assert conv == 4_800
    assert count_parameters(model.layers.fc1) == 100_416
    assert count_parameters(model) == 105_866
    assert count_parameters(DigitsCNN(image_size=28, pooling=None).layers.fc1) == 1_605_696
    rows = layer_table(model)
    macs = {row.name.split(":")[0]: row.macs for row in rows}
    assert macs["layers.conv1"] + macs["layers.conv2"] == 1_016_064
    assert sum(row.macs for row in rows) == 1_117_056


def test_keeping_only_the_first_pooling_layer_gives_fc1_401472_parameters():
    one_pool = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.Flatten(),
    )
    features = one_pool(torch.zeros(1, 1, 28, 28)).shape[1]
    assert count_parameters(nn.Linear(features, 64)) == 64 * (32 * 14 * 14 + 1) == 401_472
