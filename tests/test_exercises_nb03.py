"""Notebook 03's exercises: max pooling written by hand (q5) against F.max_pool2d, and the checker
cases of issue 25 (111 is two slips, 8.000025 is the limit found)."""

import pytest
import torch
import torch.nn.functional as F

from cnn_lib.exercises import nb03
from cnn_lib.exercises.base import CODE_PROMPT


def message(exercise, answer) -> str:
    return exercise.feedback(answer)[1]


def test_q5_reference_is_torch_max_pool2d_on_every_case():
    for x, k, s, p in nb03.q5.all_cases():
        expected = F.max_pool2d(x[None, None], k, s, p)[0, 0]
        assert torch.equal(nb03.q5.reference(x, k, s, p), expected)


def test_q5_a_loop_with_minus_infinity_padding_passes():
    correct, text = nb03.q5.feedback(nb03._pool_by_hand)
    assert correct and text.startswith("✓ Correct on all")


def test_q5_cases_include_negative_values_padding_and_an_uneven_fit():
    cases = nb03.q5.all_cases()
    assert any(p > 0 and x.max() < 0 for x, k, s, p in cases)
    assert any((x.shape[0] + 2 * p - k) % s for x, k, s, p in cases)


def test_q5_unfilled_function_is_reported_not_run():
    def max_pool(x, kernel_size, stride, padding):
        """Return the max pooling of the 2-D tensor x."""
        ...

    assert message(nb03.q5, max_pool) == CODE_PROMPT.format(name="max_pool")


@pytest.mark.parametrize(
    "wrong, words",
    [
        (nb03._stride_one, "stride is ignored"),
        (nb03._stride_k, "default stride"),
        (nb03._no_padding, "padding is forgotten"),
        (nb03._zero_padding, "padding is 0"),
        (nb03._ceil, "floor is missing"),
        (nb03._no_plus_one, "One window short"),
    ],
)
def test_q5_names_each_typical_mistake_with_the_failing_case(wrong, words):
    text = message(nb03.q5, wrong)
    assert text.startswith(f"✗ {wrong.__name__}(") and "expected" in text
    assert words in text


def test_q5_a_learners_zero_padding_written_with_f_pad_is_named():
    def max_pool(x, kernel_size, stride, padding):
        padded = F.pad(x, (padding,) * 4)  # value 0 by default
        return F.max_pool2d(padded[None, None], kernel_size, stride)[0, 0]

    assert "−∞" in message(nb03.q5, max_pool)


def test_q1_111_names_both_slips_that_give_it():
    text = message(nb03.q1, 111)
    assert "left out the padding" in text and "forgot the + 1" in text


def test_q4_accepts_the_p_32_value_and_refuses_a_value_clearly_above_the_max():
    assert nb03.q4.feedback(8.000025)[0]
    assert nb03.q4.feedback(8)[0]
    assert "above the max" in message(nb03.q4, 8.1)
