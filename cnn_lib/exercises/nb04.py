"""Notebook 04's exercises: transposed sizes, one stamped kernel, output_padding, Wiener's λ."""

from __future__ import annotations

from cnn_lib.arithmetic import conv_output_size, transposed_output_size
from cnn_lib.exercises.base import Exercise, Mistake, choice, equals, number, pair

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
    hint_text="for nsr in (1e-4, 1e-3, 1e-2, 1e-1): print(nsr, psnr(wiener_deconvolve(blurred, g, "
    "nsr), original)) — higher PSNR is better.",
    solution_text="(c) 10⁻²: run the loop in the hint. Too small a λ amplifies the noise, too "
    "large a λ leaves the blur.",
)
