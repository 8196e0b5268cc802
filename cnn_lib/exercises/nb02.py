"""Notebook 02's exercises: output sizes, padding, dilation and the receptive field."""

from __future__ import annotations

import math

from cnn_lib.arithmetic import conv_output_size, effective_kernel_size
from cnn_lib.exercises.base import Exercise, Mistake, equals, number, pair, set_of, shape
from cnn_lib.receptive_field import receptive_field

# q1: 28 → 5×5, p = 0 → 3×3, s = 2, p = 1
_first = conv_output_size(28, 5)
q1 = Exercise(
    "q1",
    expected=conv_output_size(_first, 3, 2, 1),
    kind=number,
    mistakes=[
        Mistake(
            equals(_first),
            f"That is the size after the first layer ({_first}); the 3×3, stride-2 layer comes next.",
        ),
        Mistake(
            equals((_first + 2 - 3) / 2 + 1),
            f"You kept the fraction: ({_first} + 2·1 − 3)/2 = 11.5 is floored to 11 before the + 1.",
        ),
        Mistake(
            equals(math.ceil((_first + 2 - 3) / 2) + 1),
            "You rounded 11.5 up; the formula floors it (the half step would hang off the edge).",
        ),
        Mistake(
            equals(((28 - 5) // 2 + 1 + 2 - 3) // 2 + 1),
            "You used the misprinted /2 for the first layer too; its stride is 1, so divide by 1.",
        ),
        Mistake(
            equals((_first - 3) // 2 + 1),
            "You left out the second layer's padding: i + 2p = 24 + 2·1.",
        ),
    ],
    hint_text="Apply o = ⌊(i + 2p − k)/s⌋ + 1 twice, feeding the first output into the second; "
    "conv_output_size(conv_output_size(28, 5), 3, 2, 1) does it for you.",
    solution_text="28 → ⌊(28 − 5)/1⌋ + 1 = 24 → ⌊(24 + 2 − 3)/2⌋ + 1 = 12. Check: "
    "torch.nn.Sequential(torch.nn.Conv2d(1, 1, 5), torch.nn.Conv2d(1, 1, 3, stride=2, padding=1))"
    "(torch.zeros(1, 1, 28, 28)).shape → (1, 1, 12, 12).",
)


q2 = Exercise(
    "q2",
    expected=2,
    kind=number,
    mistakes=[
        Mistake(
            equals(1),
            "With p = 1 a 5×5, stride-2 layer gives ⌊(i − 3)/2⌋ + 1: for i = 8 that is 3, not 4. "
            "p = 1 is the answer for a 3×3 kernel; this one is wider.",
        ),
        Mistake(
            equals(4),
            "k − 1 = 4 is the padding a row needs in total; p is added on each side (i + 2p).",
        ),
        Mistake(
            equals(3),
            "Too much: with p = 3, i = 8 gives ⌊(8 + 6 − 5)/2⌋ + 1 = 5, not 4.",
        ),
        Mistake(
            equals(0),
            "With p = 0 the 5×5 kernel drops two pixels on each side: i = 8 gives 2, not 4.",
        ),
    ],
    hint_text="Try p = 0, 1, 2, 3: all(conv_output_size(i, 5, 2, p) == math.ceil(i / 2) for i in "
    "range(1, 21)) (i below 5 needs enough padding for the kernel to fit at all).",
    solution_text="p = 2 = (k − 1)/2: ⌊(i + 4 − 5)/2⌋ + 1 = ⌊(i − 1)/2⌋ + 1 = ⌈i/2⌉ for every i. "
    "all(conv_output_size(i, 5, 2, 2) == math.ceil(i / 2) for i in range(1, 21)) → True.",
)

_halving = frozenset(
    (k, s, p)
    for k in range(1, 8)
    for s in range(1, 5)
    for p in range(4)
    if k <= 64 + 2 * p and conv_output_size(64, k, s, p) == 32
)


def _wrong_configurations(answer: frozenset) -> list[tuple[int, int, int]]:
    return sorted(c for c in answer if c not in _halving)


def _describe_wrong(answer: frozenset) -> bool:
    return bool(_wrong_configurations(answer))


def _q3_feedback_wrong(answer: frozenset) -> str:
    k, s, p = _wrong_configurations(answer)[0]
    size = conv_output_size(64, k, s, p)
    return (
        f"(k, s, p) = {(k, s, p)} gives ⌊(64 + 2·{p} − {k})/{s}⌋ + 1 = {size}, not 32. "
        "Compute each candidate with conv_output_size(64, k, s, p)."
    )


q3 = Exercise(
    "q3",
    expected=_halving,
    kind=set_of(shape),
    mistakes=[
        Mistake(
            lambda answer: any(len(c) != 3 for c in answer),
            "Each configuration is three numbers (k, s, p).",
        ),
        Mistake(
            _describe_wrong,
            _q3_feedback_wrong,
        ),
        Mistake(
            lambda answer: answer < _halving,
            "All of these give 32, but some are missing: loop over every k ≤ 7, s ≤ 4 and p ≤ 3.",
        ),
    ],
    hint_text="Three nested loops (or one comprehension) over k in range(1, 8), s in range(1, 5), "
    "p in range(4), keeping (k, s, p) where conv_output_size(64, k, s, p) == 32.",
    solution_text="[(k, s, p) for k in range(1, 8) for s in range(1, 5) for p in range(4) "
    f"if conv_output_size(64, k, s, p) == 32] → {sorted(_halving)}: only s = 2 halves, with "
    "p = ⌊(k − 1)/2⌋.",
)

_span = effective_kernel_size(3, 4)
q4 = Exercise(
    "q4",
    expected=(_span, conv_output_size(10, 3, d=4)),
    kind=pair(number, number),
    mistakes=[
        Mistake(
            lambda answer: answer[0] == 3 * 4,
            "The span is d(k − 1) + 1, not d·k: the 3 weights sit at 0, 4 and 8, so the kernel "
            "covers 9 pixels.",
        ),
        Mistake(
            lambda answer: answer[0] == 4 * (3 - 1),
            "d(k − 1) = 8 is the distance from the first weight to the last; the span counts both "
            "ends: d(k − 1) + 1.",
        ),
        Mistake(
            lambda answer: answer == (3, conv_output_size(10, 3)),
            "That is the undilated kernel: dilation 4 spreads the 3 weights 4 pixels apart.",
        ),
        Mistake(
            lambda answer: answer[0] == _span,
            "The span is right; now put it in place of k: o = ⌊(10 + 0 − 9)/1⌋ + 1.",
        ),
    ],
    hint_text="A dilated kernel spans d(k − 1) + 1 pixels; use that span in place of k in the "
    "output-size formula (effective_kernel_size and conv_output_size(10, 3, d=4)).",
    solution_text="span = 4·(3 − 1) + 1 = 9, o = ⌊(10 − 9)/1⌋ + 1 = 2: "
    "(effective_kernel_size(3, 4), conv_output_size(10, 3, d=4)) → (9, 2). With d = 5 the "
    "span is 11 > 10, so the kernel fits nowhere and conv_output_size refuses.",
)

_rows = receptive_field([(3, 1, 1, 1), (3, 2, 1, 1), (3, 2, 1, 1)], 32)
q5 = Exercise(
    "q5",
    expected=(_rows[-1].receptive_field, _rows[-1].jump),
    kind=pair(number, number),
    mistakes=[
        Mistake(
            lambda answer: answer[0] == 1 + 3 * 2,
            "You added k − 1 = 2 per layer. After a stride, one step of the next kernel spans j "
            "input pixels: each layer adds (k − 1)·j of the layer *before* it.",
        ),
        Mistake(
            lambda answer: answer[0] == 1 + 2 * 1 + 2 * 2 + 2 * 4,
            "You multiplied by each layer's own jump; use the jump of the layer before it "
            "(j₀ = 1, j₁ = 1, j₂ = 2).",
        ),
        Mistake(
            lambda answer: answer[1] == 1 + 2 + 2,
            "Strides multiply the jump, they do not add: j = 1·1·2·2.",
        ),
    ],
    hint_text="Start from r₀ = 1, j₀ = 1. Each layer: r ← r + (k − 1)·j, then j ← j·s. "
    "receptive_field([(3, 1, 1, 1), (3, 2, 1, 1), (3, 2, 1, 1)], 32) checks you.",
    solution_text="r = 1 + 2·1 = 3 (j = 1), r = 3 + 2·1 = 5 (j = 2), r = 5 + 2·2 = 9 (j = 4): "
    f"({_rows[-1].receptive_field}, {_rows[-1].jump}).",
)
