"""Notebook 04's exercises: transposed sizes, one stamped kernel, output_padding, Wiener's λ, and a
transposed convolution written by scattering kernel copies (a coding exercise)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from cnn_lib.arithmetic import conv_output_size, transposed_output_size
from cnn_lib.exercises.base import (
    CodeMistake,
    CodingExercise,
    Exercise,
    Mistake,
    choice,
    equals,
    number,
    pair,
)

q1 = Exercise(
    "q1",
    expected=transposed_output_size(4, 5, 3, 1),
    kind=number,
    mistakes=[
        Mistake(
            equals(conv_output_size(4, 5, 3, 1)),
            "That is a convolution's size, which shrinks. A transposed convolution goes the other "
            "way: o = (i − 1)s − 2p + k.",
        ),
        Mistake(
            equals((4 - 1) * 3 + 2 * 1 + 5),
            "Padding takes rows away from a transposed convolution's output: −2p, not +2p.",
        ),
        Mistake(
            equals(4 * 3 - 2 * 1 + 5),
            "Use (i − 1)s: 4 input pixels are 3 strides apart, so the copies start at 0, 3, 6, 9.",
        ),
        Mistake(
            equals((4 - 1) * 3 + 5),
            "14 = (4 − 1)·3 + 5 is the canvas the copies cover before the padding is cropped: "
            "padding=1 takes one row off each end, −2p.",
        ),
        Mistake(
            equals((4 - 1) + 5),
            "8 = (4 − 1) + 5 is the size at stride 1 with nothing cropped. Here each input pixel "
            "moves its copy 3 places along (stride 3), and padding=1 crops a row at each end.",
        ),
        Mistake(
            equals(transposed_output_size(4, 5, 3, 1) + 1),
            "One too many: that is the size with output_padding = 1; this layer has 0.",
        ),
    ],
    hint_text="o = (i − 1)s − 2p + d(k − 1) + output_padding + 1, here with d = 1 and "
    "output_padding = 0 (substituted_formula('transposed', i=4, k=5, s=3, p=1)).",
    solution_text="o = (4 − 1)·3 − 2·1 + 5 = 12; torch.nn.ConvTranspose2d(1, 1, 5, stride=3, "
    "padding=1)(torch.zeros(1, 1, 4, 4)).shape[-1] agrees.",
)

q2 = Exercise(
    "q2",
    expected="a",
    kind=choice("abc"),
    mistakes=[
        Mistake(
            equals("b"),
            "Flipping belongs to the other route (insert zeros, pad, convolve with the flipped "
            "kernel). Scattering stamps the kernel as it is, scaled by the input value.",
        ),
        Mistake(
            equals("c"),
            "Zeros go *between* input pixels, s − 1 of them; one pixel has no neighbour, so the "
            "stride never shows: (1 − 1)·2 + 3 = 3.",
        ),
    ],
    hint_text="transposed_by_scatter puts one copy of the kernel, times the input value, at each "
    "input pixel's place. How many input pixels are there?",
    solution_text="(a): one pixel of value 1 stamps one copy of the kernel: "
    "np.allclose(transposed_by_scatter(np.ones((1, 1, 1, 1)), w, stride=2), w) → True.",
)

q3 = Exercise(
    "q3",
    expected=(0, 14),
    kind=pair(number, number),
    mistakes=[
        Mistake(
            lambda answer: answer[0] == 1,
            "Off by output_padding: with 1, (7 − 1)·2 − 2·1 + 3 + 1 = 14, one more than 13.",
        ),
        Mistake(
            lambda answer: answer[1] == 12,
            "conv_output_size(12, 3, 2, 1) is 6, not 7: that input does not map to 7×7.",
        ),
        Mistake(
            lambda answer: answer[0] == 0 and answer[1] == 13,
            "13 is the input that needs output_padding = 0; which other input size also gives 7×7?",
        ),
    ],
    hint_text="transposed_output_size(7, 3, 2, 1, output_padding=0) gives 13. Which inputs i give "
    "conv_output_size(i, 3, 2, 1) == 7?",
    solution_text="(0, 14): 13 → 7 and (7 − 1)·2 − 2 + 3 = 13, so output_padding = 0; 14 → 7 too, "
    "and getting 14 back needs output_padding = 1.",
)

q4 = Exercise(
    "q4",
    expected="c",
    kind=choice("abcd"),
    mistakes=[
        Mistake(
            equals("a"),
            "Too small a λ: dividing by the blur's weakest gains amplifies the noise, and the "
            "image drowns in it.",
        ),
        Mistake(
            equals("b"),
            "Better than 10⁻⁴, but the noise still wins at the finest frequencies. Try a larger λ.",
        ),
        Mistake(
            equals("d"),
            "Too large a λ: the division is damped everywhere, and the blur stays in.",
        ),
    ],
    hint_text="Print the PSNR for each λ and pick the highest: for nsr in (1e-4, 1e-3, 1e-2, "
    "1e-1): print(nsr, psnr(wiener_deconvolve(blurred, g, nsr), original)).",
    solution_text="(c) 10⁻²: run the loop in the hint. Too small a λ amplifies the noise, too "
    "large a λ leaves the blur.",
)


# q5: a transposed convolution by scattering kernel copies, checked against conv_transpose2d.


def _transposed_reference(x, w, stride, padding):
    return F.conv_transpose2d(x[None, None], w[None, None], stride=stride, padding=padding)[0, 0]


def _scatter(x, w, s, p, add=True, crop=True):
    """The scatter with loops; the typical mistakes below are it with one thing changed."""
    k_h, k_w = w.shape
    canvas = torch.zeros((x.shape[0] - 1) * s + k_h, (x.shape[1] - 1) * s + k_w, dtype=x.dtype)
    for r in range(x.shape[0]):
        for c in range(x.shape[1]):
            window = (slice(r * s, r * s + k_h), slice(c * s, c * s + k_w))
            if add:
                canvas[window] += x[r, c] * w
            else:
                canvas[window] = x[r, c] * w
    if not crop or p == 0:
        return canvas
    return canvas[p:-p, p:-p]


def _assigned(x, w, s, p):
    return _scatter(x, w, s, p, add=False)


def _stride_ignored(x, w, s, p):
    return _scatter(x, w, 1, p)


def _not_cropped(x, w, s, p):
    return _scatter(x, w, s, p, crop=False)


def _flipped(x, w, s, p):
    return _scatter(x, w.flip(0, 1), s, p)


def _transposed_cases(rng) -> list[tuple]:
    cases = []
    for _ in range(20):
        generator = torch.Generator().manual_seed(rng.randint(0, 10_000))
        k, s = rng.randint(1, 4), rng.randint(1, 3)
        x = torch.randint(-3, 4, (rng.randint(1, 5), rng.randint(1, 5)), generator=generator)
        # whole numbers: every sum is exact, whatever order the copies are added in
        cases.append(
            (
                x.float(),
                torch.randint(-3, 4, (k, k), generator=generator).float(),
                s,
                rng.randint(0, (k - 1) // 2),
            )
        )
    return cases


_pixel = torch.tensor([[1.0]])
_x2 = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
_w3 = torch.arange(1.0, 10.0).reshape(3, 3)
q5 = CodingExercise(
    "q5",
    reference=_transposed_reference,
    cases=[(_pixel, _w3, 1, 0), (_x2, _w3, 1, 0), (_x2, _w3, 2, 0), (_x2, _w3, 2, 1)],
    random_cases=_transposed_cases,
    mistakes=[
        CodeMistake(
            _flipped,
            "The kernel is flipped: a scatter stamps w as it is. The flip belongs to the other "
            "route (insert zeros, pad, convolve).",
        ),
        CodeMistake(
            _assigned,
            "Where copies overlap, the later one replaced the earlier: that is = where the "
            "scatter needs += (overlap-add).",
        ),
        CodeMistake(
            _stride_ignored,
            "The stride is ignored: input pixel (r, c) puts its copy at row r·stride, column "
            "c·stride, not at (r, c).",
        ),
        CodeMistake(
            _not_cropped,
            "The padding is not cropped: a transposed convolution's padding removes p rows and "
            "columns from each side of the canvas, (i − 1)s + k − 2p in all.",
        ),
    ],
    hint_text="Make a canvas of zeros, (H − 1)·stride + k by (W − 1)·stride + k. For each input "
    "pixel (r, c), add x[r, c]·w to the k×k block that starts at row r·stride, column c·stride. "
    "Then crop `padding` rows and columns from every side.",
    solution_text="k = w.shape[0]; canvas = torch.zeros((x.shape[0] - 1) * stride + k, "
    "(x.shape[1] - 1) * stride + k); for r in range(x.shape[0]): for c in range(x.shape[1]): "
    "canvas[r * stride : r * stride + k, c * stride : c * stride + k] += x[r, c] * w; "
    "return canvas[padding : canvas.shape[0] - padding, padding : canvas.shape[1] - padding]",
)
