"""Notebook 05's exercises: a parameter counter for a list of layers (q6) against the PyTorch
modules, and the checker cases of issue 25 (k for k², 65, 2.13, pointwise only, FLOPs)."""

import pytest
import torch.nn as nn

from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.exercises import nb05
from cnn_lib.exercises.base import CODE_PROMPT
from cnn_lib.layer_cost import count_parameters, model_cost


def message(exercise, answer) -> str:
    return exercise.feedback(answer)[1]


def test_q6_digits_cnn_case_counts_what_pytorch_counts_for_the_notebooks_model():
    assert nb05.q6.reference(nb05._DIGITS_CNN) == count_parameters(DigitsCNN(image_size=28))


def test_q6_reference_counts_what_the_formulas_give_on_every_case():
    by_formula = nb05._counter(nb05._right_conv, nb05._right_linear)
    for (layers,) in nb05.q6.all_cases():
        assert nb05.q6.reference(layers) == by_formula(layers)


def test_q6_a_formula_counter_passes():
    def parameter_count(layers):
        total = 0
        for kind, *sizes in layers:
            if kind == "conv":
                c_in, c_out, k = sizes
                total += c_out * (c_in * k * k + 1)
            elif kind == "linear":
                f_in, f_out = sizes
                total += f_out * (f_in + 1)
        return total

    correct, text = nb05.q6.feedback(parameter_count)
    assert correct and text.startswith("✓ Correct on all")


def test_q6_unfilled_function_is_reported_not_run():
    def parameter_count(layers):
        """Return the parameters of the layers, biases included."""
        ...

    assert message(nb05.q6, parameter_count) == CODE_PROMPT.format(name="parameter_count")


@pytest.mark.parametrize(
    "wrong, words",
    [
        (nb05._no_bias, "biases are forgotten"),
        (nb05._k_not_squared, "k where k² belongs"),
        (nb05._swapped, "in and out sizes are swapped"),
        (nb05._pool_weights, "Pooling has no weights"),
    ],
)
def test_q6_names_each_typical_mistake_with_the_failing_case(wrong, words):
    text = message(nb05.q6, wrong)
    assert text.startswith("✗ count(") and "expected" in text
    assert words in text


def test_q6_a_learners_linear_with_swapped_sizes_is_named():
    def parameter_count(layers):
        total = 0
        for kind, *sizes in layers:
            if kind == "conv":
                c_in, c_out, k = sizes
                total += c_out * (c_in * k * k + 1)
            elif kind == "linear":
                f_in, f_out = sizes
                total += f_in * (f_out + 1)
        return total

    assert "swapped" in message(nb05.q6, parameter_count)


def test_q1_k_for_k_squared_gets_its_own_sentence():
    answer = nb05.digits_cnn_parameters(k=5, k_squared=False)
    assert answer == 16 * (1 * 5 + 1) + 32 * (16 * 5 + 1) + 100_416 + 650
    assert "k² = 25" in message(nb05.q1, answer)


def test_q1_expects_the_count_pytorch_gives():
    assert nb05.q1.expected == count_parameters(DigitsCNN(image_size=28, kernel_size=5))


def test_q3_65_is_told_there_is_no_extra_learned_number():
    assert count_parameters(nn.BatchNorm2d(32)) == nb05.q3.expected == 64
    assert "ε (eps) is a fixed constant" in message(nb05.q3, 65)


@pytest.mark.parametrize("answer", [2.13, 2.12999])
def test_q4_two_decimals_are_asked_for_three(answer):
    if answer == 2.13:
        assert "asks for three" in message(nb05.q4, answer)
    else:
        assert "asks for three" not in message(nb05.q4, answer)


def test_q4_three_decimals_pass():
    assert nb05.q4.feedback(2.127)[0]


def test_q5_pointwise_only_and_flops_get_their_own_sentences():
    pointwise = sum(
        row.macs for row in model_cost(nn.Conv2d(128, 256, 1, bias=False), (128, 28, 28))
    )
    assert "only the pointwise 1×1 half" in message(nb05.q5, pointwise)
    assert "counts FLOPs" in message(nb05.q5, 2 * nb05.q5.expected)


def test_q5_expects_the_macs_model_cost_gives():
    pair = nn.Sequential(
        nn.Conv2d(128, 128, 3, padding=1, groups=128, bias=False),
        nn.Conv2d(128, 256, 1, bias=False),
    )
    assert sum(row.macs for row in model_cost(pair, (128, 28, 28))) == nb05.q5.expected
