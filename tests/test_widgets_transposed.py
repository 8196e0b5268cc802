"""The transposed-convolution explorer: moves redraw with PyTorch's sizes; refused settings show inline and clear."""

import pytest

from cnn_lib.widgets.transposed import TransposedExplorer
from tests.torch_oracles import torch_transposed_size


def test_transposed_explorer_carries_its_dom_classes():
    explorer = TransposedExplorer()
    assert {"cnn-explorer", "cnn-explorer-transposed"} <= set(explorer._dom_classes)


def test_transposed_explorer_default_shows_the_formula_and_torch_agrees():
    explorer = TransposedExplorer()
    assert "o = (3 − 1)·2 − 2·0 + 3 = 7" in explorer.formula.value
    assert "✓" in explorer.check.value and "(1, 1, 7, 7)" in explorer.check.value
    assert "output 7×7" in explorer.figure.value


@pytest.mark.parametrize(
    ("i", "k", "s", "p", "extra", "d"),
    [
        (4, 4, 2, 1, 0, 1),
        (3, 3, 2, 1, 1, 1),
        (5, 2, 3, 3, 2, 1),
        (2, 3, 1, 0, 1, 2),
        (6, 5, 3, 1, 2, 3),
    ],
)
def test_transposed_explorer_moves_give_torchs_size(i, k, s, p, extra, d):
    explorer = TransposedExplorer()
    explorer.set_values(i=i, k=k, s=s, p=p, output_padding=extra, d=d)
    o = torch_transposed_size(i, k, s, p, d, extra)
    assert explorer.formula.value.split("= ")[-1].startswith(f"{o}<")
    assert f"output {o}×{o}" in explorer.figure.value and "✓" in explorer.check.value


def test_transposed_explorer_single_slider_move_redraws():
    explorer = TransposedExplorer()
    before = explorer.figure.value
    explorer.sliders["s"].value = 1
    assert (
        "o = (3 − 1)·1 − 2·0 + 3 = 5" in explorer.formula.value and explorer.figure.value != before
    )


def test_transposed_explorer_shows_output_padding_too_large_inline_and_recovers():
    explorer = TransposedExplorer()
    explorer.set_values(s=1, output_padding=1)
    assert "output_padding=1 is too large" in explorer.error.value and explorer.check.value == ""
    explorer.sliders["s"].value = 2
    assert explorer.error.value == "" and "✓" in explorer.check.value


def test_transposed_explorer_shows_padding_that_crops_everything_inline():
    explorer = TransposedExplorer()
    explorer.set_values(i=1, k=1, s=1, p=3)
    assert "crops away the whole output" in explorer.error.value
