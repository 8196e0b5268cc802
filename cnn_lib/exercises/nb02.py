"""Notebook 02's exercises: output sizes, the formula the learner writes, dilation and the receptive
field."""

from __future__ import annotations

import math

from cnn_lib.arithmetic import conv_output_size, effective_kernel_size
from cnn_lib.exercises.base import (
    CodeMistake,
    CodingExercise,
    Exercise,
    Mistake,
    equals,
    number,
    pair,
    set_of,
    shape,
)
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
            equals((_first + 2 - 3) // 2),
            f"One short: ⌊({_first} + 2·1 − 3)/2⌋ = {(_first + 2 - 3) // 2} counts the steps "
            "between the windows; the formula adds 1 for the first window.",
        ),
        Mistake(
            equals((_first - 3) // 2 + 1),
            f"You left out the second layer's padding: i + 2p = {_first} + 2·1.",
        ),
    ],
    hint_text="Apply o = ⌊(i + 2p − k)/s⌋ + 1 twice, feeding the first output into the second; "
    "conv_output_size(conv_output_size(28, 5), 3, 2, 1) does it for you.",
    solution_text="28 → ⌊(28 − 5)/1⌋ + 1 = 24 → ⌊(24 + 2 − 3)/2⌋ + 1 = 12. Check: "
    "torch.nn.Sequential(torch.nn.Conv2d(1, 1, 5), torch.nn.Conv2d(1, 1, 3, stride=2, padding=1))"
    "(torch.zeros(1, 1, 28, 28)).shape → (1, 1, 12, 12).",
)


# q2: the learner writes the formula for any k, s, p, d (the reference is checked against torch
# over a grid in tests/test_exercises.py).


def _output_size_reference(i, k, s=1, p=0, d=1):
    return conv_output_size(i, k, s, p, d)


def _floor_missing(i, k, s=1, p=0, d=1):
    return (i + 2 * p - d * (k - 1) - 1) / s + 1


def _misprint_floored(i, k, s=1, p=0, d=1):
    return (i + 2 * p - d * (k - 1) - 1) // 2 + 1


def _misprint(i, k, s=1, p=0, d=1):
    return (i + 2 * p - d * (k - 1) - 1) / 2 + 1


def _plus_one_forgotten(i, k, s=1, p=0, d=1):
    return (i + 2 * p - d * (k - 1) - 1) // s


def _dilation_ignored(i, k, s=1, p=0, d=1):
    return (i + 2 * p - k) // s + 1


def _padding_once(i, k, s=1, p=0, d=1):
    return (i + p - d * (k - 1) - 1) // s + 1


def _rounded_up(i, k, s=1, p=0, d=1):
    return -(-(i + 2 * p - d * (k - 1) - 1) // s) + 1


def _size_cases(rng) -> list[tuple]:
    cases = []
    while len(cases) < 40:
        i, k, s, p, d = (
            rng.randint(1, 40),
            rng.randint(1, 7),
            rng.randint(1, 4),
            rng.randint(0, 3),
            rng.randint(1, 3),
        )
        if i + 2 * p >= d * (k - 1) + 1:  # the kernel fits: torch computes a size
            cases.append((i, k, s, p, d))
    return cases


q2 = CodingExercise(
    "q2",
    reference=_output_size_reference,
    cases=[
        (28, 5, 1, 0, 1),
        (28, 5, 2, 0, 1),
        (28, 5, 1, 2, 1),
        (24, 3, 2, 1, 1),
        (10, 3, 1, 0, 4),
    ],
    random_cases=_size_cases,
    mistakes=[
        CodeMistake(
            _floor_missing,
            "The floor is missing: a window that would hang off the edge is dropped, so the "
            "fraction is rounded down (// in Python) before the + 1.",
        ),
        CodeMistake(
            _misprint,
            "That is the /2 misprint: it divides by 2 whatever the stride, and without a floor. "
            "Divide by s, and floor.",
        ),
        CodeMistake(
            _misprint_floored,
            "That is the /2 misprint: the 2 stands for the stride. Divide by s.",
        ),
        CodeMistake(
            _rounded_up,
            "That rounds the fraction up; the formula floors it (// in Python).",
        ),
        CodeMistake(
            _plus_one_forgotten,
            "The + 1 is forgotten: the fraction counts the steps between windows, and the first "
            "window adds one more.",
        ),
        CodeMistake(
            _dilation_ignored,
            "Dilation is ignored: a dilated kernel spans d(k − 1) + 1 pixels; use that in place "
            "of k.",
        ),
        CodeMistake(
            _padding_once,
            "The padding is counted once: p zeros go on each side, so the padded row is i + 2p.",
        ),
    ],
    hint_text="Put the span of the dilated kernel, d(k − 1) + 1, in place of k in "
    "⌊(i + 2p − k)/s⌋ + 1; Python's // floors.",
    solution_text="return (i + 2 * p - d * (k - 1) - 1) // s + 1",
)

_halving = frozenset(
    (k, s, p)
    for k in range(1, 8)
    for s in range(1, 5)
    for p in range(4)
    if k <= 64 + 2 * p and conv_output_size(64, k, s, p) == 32
)


_RANGES = {"k": range(1, 8), "s": range(1, 5), "p": range(4)}


def _out_of_range(answer: frozenset) -> list[tuple[int, int, int]]:
    return sorted(
        c
        for c in answer
        if len(c) == 3 and any(v not in r for v, r in zip(c, _RANGES.values(), strict=True))
    )


def _q3_feedback_out_of_range(answer: frozenset) -> str:
    configuration = _out_of_range(answer)[0]
    faults = [
        f"{name} = {value}, outside {r.start}–{r.stop - 1}"
        for (name, r), value in zip(_RANGES.items(), configuration, strict=True)
        if value not in r
    ]
    return (
        f"(k, s, p) = {configuration} is outside the range asked ({'; '.join(faults)}): "
        "keep k ≤ 7, s ≤ 4 and p ≤ 3 (k, s ≥ 1 and p ≥ 0)."
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
        Mistake(lambda answer: bool(_out_of_range(answer)), _q3_feedback_out_of_range),
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
            lambda answer: answer == (conv_output_size(10, 3, d=4), _span),
            "The two numbers are swapped: first the span, then the output size.",
        ),
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
            lambda answer: answer == (_rows[-1].receptive_field, _rows[-2].jump),
            f"r is right. The jump {_rows[-2].jump} is the one after the second layer; the third "
            "layer's stride multiplies it again.",
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
