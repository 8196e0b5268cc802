"""Notebook 04's exercises: a transposed convolution by scattering kernel copies (q5) against
F.conv_transpose2d, and the size mistakes 14 and 8 of q1."""

import pytest
import torch
import torch.nn.functional as F

from cnn_lib.exercises import nb04
from cnn_lib.exercises.base import CODE_PROMPT
from cnn_lib.ops.transposed import transposed_by_scatter


def message(exercise, answer) -> str:
    return exercise.feedback(answer)[1]


def test_q5_reference_is_conv_transpose2d_and_the_librarys_scatter():
    for x, w, s, p in nb04.q5.all_cases():
        expected = F.conv_transpose2d(x[None, None], w[None, None], stride=s, padding=p)[0, 0]
        assert torch.equal(nb04.q5.reference(x, w, s, p), expected)
        by_library = transposed_by_scatter(x[None, None].numpy(), w[None, None].numpy(), s, p)
        assert torch.equal(torch.from_numpy(by_library[0, 0]), expected)


def test_q5_a_scatter_with_overlap_add_passes():
    correct, text = nb04.q5.feedback(nb04._scatter)
    assert correct and text.startswith("✓ Correct on all")


def test_q5_unfilled_function_is_reported_not_run():
    def transposed_conv(x, w, stride, padding):
        """Return the transposed convolution of the 2-D tensor x with the kernel w."""
        ...

    assert message(nb04.q5, transposed_conv) == CODE_PROMPT.format(name="transposed_conv")


@pytest.mark.parametrize(
    "wrong, words",
    [
        (nb04._flipped, "kernel is flipped"),
        (nb04._assigned, "+= (overlap-add)"),
        (nb04._stride_ignored, "stride is ignored"),
        (nb04._not_cropped, "padding is not cropped"),
    ],
)
def test_q5_names_each_typical_mistake_with_the_failing_case(wrong, words):
    text = message(nb04.q5, wrong)
    assert text.startswith(f"✗ {wrong.__name__}(") and "expected" in text
    assert words in text


def test_q5_a_learners_assignment_in_place_of_add_is_named():
    def transposed_conv(x, w, stride, padding):
        k = w.shape[0]
        out = torch.zeros((x.shape[0] - 1) * stride + k, (x.shape[1] - 1) * stride + k)
        for r in range(x.shape[0]):
            for c in range(x.shape[1]):
                out[r * stride : r * stride + k, c * stride : c * stride + k] = x[r, c] * w
        return out[padding : out.shape[0] - padding, padding : out.shape[1] - padding]

    assert "overlap-add" in message(nb04.q5, transposed_conv)


@pytest.mark.parametrize(
    "answer, words", [(14, "before the padding is cropped"), (8, "stride 1 with nothing cropped")]
)
def test_q1_names_the_uncropped_and_the_stride_one_sizes(answer, words):
    assert words in message(nb04.q1, answer)


def test_q1_expects_the_size_pytorch_gives():
    layer = torch.nn.ConvTranspose2d(1, 1, 5, stride=3, padding=1)
    assert nb04.q1.expected == layer(torch.zeros(1, 1, 4, 4)).shape[-1]
