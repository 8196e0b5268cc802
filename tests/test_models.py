"""The digits CNN: shapes from the formulas match the model's real shapes; bad arguments are refused."""

import pytest
import torch
from torch import nn

from cnn_lib.models import (
    DigitsCNN,
    count_parameters,
    format_shape_table,
    layer_outputs,
    shape_table,
)

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


@pytest.mark.parametrize("options", CONFIGURATIONS)
def test_shape_table_matches_the_shapes_torch_computes(options):
    model = DigitsCNN(**options)
    rows = shape_table(model)
    size = options["image_size"]
    real = [
        (name, tuple(out.shape[1:]))
        for name, out in layer_outputs(model, torch.zeros(2, 1, size, size))
    ]
    assert [(row.name, row.shape) for row in rows[1:]] == real


@pytest.mark.parametrize("options", CONFIGURATIONS)
def test_shape_table_parameter_counts_match_torch(options):
    model = DigitsCNN(**options)
    rows = shape_table(model)
    assert sum(row.parameters for row in rows) == count_parameters(model)
    for row in rows[1:]:
        layer = getattr(model.layers, row.name)
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


def test_format_shape_table_lists_every_layer_and_the_total():
    model = DigitsCNN(image_size=16)
    text = format_shape_table(shape_table(model))
    for name in ["input", "conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2"]:
        assert name in text
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
    model = DigitsCNN(image_size=16)
    conv = sum(
        p.numel() for name in ("conv1", "conv2") for p in getattr(model.layers, name).parameters()
    )
    assert conv == 4_800
    assert count_parameters(model.layers.fc1) == 32_832
    assert count_parameters(model) == 38_282
    assert count_parameters(DigitsCNN(image_size=16, pooling=None).layers.fc1) == 524_352


def test_keeping_only_the_first_pooling_layer_gives_fc1_131136_parameters():
    one_pool = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.Flatten(),
    )
    features = one_pool(torch.zeros(1, 1, 16, 16)).shape[1]
    assert count_parameters(nn.Linear(features, 64)) == 64 * (32 * 8 * 8 + 1) == 131_136
