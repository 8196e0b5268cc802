"""Notebook 00's exercises: the output-size formula on a 28×28 MNIST digit."""

from __future__ import annotations

from cnn_lib.arithmetic import conv_output_size
from cnn_lib.exercises.base import Exercise, Mistake, equals, number

SIDE, K = 28, 5

q1 = Exercise(
    "q1",
    expected=conv_output_size(SIDE, K),
    kind=number,
    mistakes=[
        Mistake(
            equals((SIDE - K) / 2 + 1),
            "That is the misprinted formula with /2: the 2 stands for the stride, and here s = 1.",
        ),
        Mistake(
            equals((SIDE - K) // 2 + 1),
            "You divided by 2, as the misprinted formula does; the 2 is the stride, and here s = 1.",
        ),
        Mistake(
            equals(SIDE - K),
            "Almost: that counts the steps between positions. Add 1 for the first position (the + 1).",
        ),
        Mistake(
            equals(SIDE - K + 2),
            "One too many: the last start is i − k = 23, and the starts 0, 1, …, 23 are 24 positions.",
        ),
    ],
    hint_text="Count the positions of a 5-pixel window along a 28-pixel row: the first start is 0, "
    "the last is 28 − 5. Or call conv_output_size(i, k).",
    solution_text=f"conv_output_size(28, 5) = {conv_output_size(SIDE, K)}: "
    "o = ⌊(28 + 2·0 − 5)/1⌋ + 1 = 24.",
)

q2 = Exercise(
    "q2",
    expected=(K - 1) // 2,
    kind=number,
    mistakes=[
        Mistake(
            equals(K - 1),
            "That is the total number of extra pixels a row needs (k − 1 = 4); p is added on each "
            "side, so it counts twice in i + 2p.",
        ),
        Mistake(
            equals(1),
            "p = 1 keeps the size for a 3×3 kernel: conv_output_size(28, 5, p=1) is 26. A 5×5 "
            "kernel loses more pixels per row, so it needs more padding on each side.",
        ),
        Mistake(
            equals((K) / 2),
            "k/2 = 2.5 is no whole number of pixels. The output keeps its size when the padding of "
            "both sides together, 2p, makes up the k − 1 pixels the kernel loses.",
        ),
        Mistake(
            equals(3),
            "Too much: conv_output_size(28, 5, p=3) is 30, not 28 (each extra pixel of p adds 2).",
        ),
        Mistake(equals(K), "p = k pads too much: conv_output_size(28, 5, p=5) is 34, not 28."),
        Mistake(
            equals(0), "With p = 0 the output is 24: the kernel needs room to sit on the edge."
        ),
    ],
    hint_text="Solve i + 2p − k + 1 = i for p, or try p = 0, 1, 2, … in conv_output_size(28, 5, p=p).",
    solution_text="p = (k − 1)/2 = 2: conv_output_size(28, 5, p=2) = 28.",
)

q3 = Exercise(
    "q3",
    expected=conv_output_size(SIDE, K, s=2),
    kind=number,
    mistakes=[
        Mistake(
            equals((SIDE - K) / 2 + 1),
            "You kept the fraction: the formula floors (28 − 5)/2 = 11.5 to 11 before adding 1 "
            "(the half step is a window that would hang off the edge).",
        ),
        Mistake(
            equals((SIDE - K) / 2),
            "Two things: (28 − 5)/2 = 11.5 is floored to 11, and then the formula adds 1.",
        ),
        Mistake(
            equals((SIDE - K) // 2 + 2),
            "You rounded 11.5 up; the floor ⌊·⌋ rounds down (a window that would hang off the "
            "edge is dropped).",
        ),
        Mistake(
            equals((SIDE - K) // 2),
            "You floored the fraction; now add the 1 for the first position.",
        ),
        Mistake(
            equals(conv_output_size(SIDE, K)),
            "That is the stride-1 size from exercise 1: the stride is forgotten. With s = 2 the "
            "window jumps 2 pixels at a time, so divide i + 2p − k by s.",
        ),
    ],
    hint_text="Print substituted_formula('conv', i=28, k=5, s=2): the floor acts on the whole "
    "fraction, and the + 1 comes after it.",
    solution_text="o = ⌊(28 + 2·0 − 5)/2⌋ + 1 = ⌊11.5⌋ + 1 = 12; "
    "conv_output_size(28, 5, s=2) agrees.",
)
