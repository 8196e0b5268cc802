"""Notebook 06's exercises and the coding-exercise checker: references pass, typical mistakes are named."""

import pytest
import torch

from cnn_lib.exercises import nb06
from cnn_lib.exercises.base import CODE_PROMPT, PROMPT, CodeMistake, CodingExercise, is_unfilled
from cnn_lib.layer_cost import count_parameters
from cnn_lib.weight_sharing.counting import locally_connected_parameters
from cnn_lib.weight_sharing.local import LocallyConnected2d
from cnn_lib.weight_sharing.shift import shift_images


def message(exercise, answer) -> str:
    return exercise.feedback(answer)[1]


def test_q1_expects_the_count_pytorch_gives():
    layer = LocallyConnected2d(1, 16, 3, input_size=28, padding=1)
    assert nb06.q1.expected == count_parameters(layer)
    assert nb06.q1.feedback(count_parameters(layer))[0]


@pytest.mark.parametrize(
    "answer, words",
    [
        (112_896, "biases"),
        (112_912, "each channel one bias"),
        (160, "convolution"),
        (108_160, "padding=1"),
    ],
)
def test_q1_names_typical_mistakes(answer, words):
    assert words in message(nb06.q1, answer)


def lc_count(input_size, kernel_size, in_channels, out_channels):
    return locally_connected_parameters(input_size, kernel_size, in_channels, out_channels)


def test_q2_reference_agrees_with_the_library_and_the_layer():
    for case in nb06.q2.all_cases():
        assert nb06.q2.reference(*case) == lc_count(*case)
    assert nb06.q2.reference(10, 3, 2, 4) == count_parameters(LocallyConnected2d(2, 4, 3, 10))
    correct, text = nb06.q2.feedback(lc_count)
    assert correct and text.startswith("✓")


def test_q2_unfilled_function_is_reported_not_run():
    def locally_connected_count(input_size, kernel_size, in_channels, out_channels):
        """Return the count."""
        ...

    assert message(nb06.q2, locally_connected_count) == CODE_PROMPT.format(
        name="locally_connected_count"
    )
    assert message(nb06.q2, None) == CODE_PROMPT.format(name="your function")


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda i, k, c, o: o * (i - k + 1) ** 2 * c * k * k, "bias is forgotten"),
        (lambda i, k, c, o: o * i * i * (c * k * k + 1), "output size is not reduced"),
        (lambda i, k, c, o: o * (c * k * k + 1), "shared by mistake"),
        (lambda i, k, c, o: o * (i - k + 1) ** 2 * c * k * k + o, "One bias per channel"),
        (lambda i, k, c, o: o * (i - k + 1) ** 2 * (k * k + 1), "in_channels·k·k"),
    ],
)
def test_q2_names_each_typical_mistake_with_the_failing_case(wrong, words):
    text = message(nb06.q2, wrong)
    assert text.startswith("✗ <lambda>(") and "expected" in text and "returned" in text
    assert words in text


def test_q2_reports_an_error_in_the_learners_code_without_raising():
    def broken(input_size, kernel_size, in_channels, out_channels):
        return input_size / 0

    assert "raised ZeroDivisionError" in message(nb06.q2, broken)


def test_q2_says_when_the_return_is_forgotten():
    def no_return(input_size, kernel_size, in_channels, out_channels):
        side = input_size - kernel_size + 1  # noqa: F841

    assert "forget the return" in message(nb06.q2, no_return)


def test_q3_reference_is_the_library_shift_and_passes():
    for images, pixels in nb06.q3.all_cases():
        assert torch.equal(nb06.q3.reference(images, pixels), shift_images(images, 0, pixels))
    assert nb06.q3.feedback(lambda images, pixels: shift_images(images, 0, pixels))[0]


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda images, pixels: torch.roll(images, pixels, dims=-1), "torch.roll"),
        (lambda images, pixels: shift_images(images, 0, -pixels), "moved left"),
        (lambda images, pixels: shift_images(images, pixels, 0), "moved down"),
    ],
)
def test_q3_names_each_typical_mistake(wrong, words):
    assert words in message(nb06.q3, wrong)


def test_q3_a_shift_that_edits_its_input_cannot_change_the_cases():
    def in_place(images, pixels):
        result = shift_images(images, 0, pixels)
        images.zero_()
        return result

    assert nb06.q3.feedback(in_place)[0]


def test_q3_an_implementation_that_fails_at_zero_pixels_is_caught():
    def slices(images, pixels):
        out = torch.zeros_like(images)
        out[..., pixels:] = images[..., :-pixels]  # images[..., :-0] is empty
        return out

    text = message(nb06.q3, slices)
    assert text.startswith("✗") and ", 0)" in text


def test_q4_answer_and_mistakes():
    assert nb06.q4.feedback("c")[0]
    assert nb06.q4.feedback(None) == (False, PROMPT)
    for letter in "abd":
        assert not nb06.q4.feedback(letter)[0]
    assert "ReLU" in message(nb06.q4, "b")


def test_no_hint_or_solution_is_in_a_prompt():
    for exercise in (nb06.q1, nb06.q2, nb06.q3, nb06.q4):
        for prompt in (PROMPT, CODE_PROMPT):
            assert exercise.solution_text not in prompt and exercise.hint_text not in prompt


def test_is_unfilled_reads_ellipsis_and_pass_bodies_but_not_real_ones():
    def dots(x): ...

    def documented(x):
        """Doc."""
        pass

    def real(x):
        return x

    assert is_unfilled(dots) and is_unfilled(documented) and not is_unfilled(real)
    compiled = {}
    exec("def f(a, b):\n    ...\n", compiled)  # no source file, as in `python -c`
    assert is_unfilled(compiled["f"])


def test_coding_exercise_passes_a_non_function_back_with_a_sentence():
    exercise = CodingExercise(
        "q9", abs, [(1,)], "h", "s", mistakes=[CodeMistake(lambda x: -x, "m")]
    )
    assert "Pass the function itself" in message(exercise, 3)
    assert message(exercise, lambda x: -x).endswith("m")


def test_is_unfilled_is_not_misled_by_another_snippets_source_under_the_same_name(monkeypatch):
    import linecache

    # Code made by exec is named "<string>"; linecache may hold another snippet under that name.
    monkeypatch.setitem(linecache.cache, "<string>", (6, None, ["x = 1\n"], "<string>"))
    compiled = {}
    exec("def f(a, b):\n    ...\n\ndef g(a):\n    return a\n", compiled)
    assert is_unfilled(compiled["f"]) and not is_unfilled(compiled["g"])
