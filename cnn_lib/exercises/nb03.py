"""Notebook 03's exercises: pooling sizes, min pooling, the weights pooling saves, Lp → max, and
max pooling written by hand (a coding exercise)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from cnn_lib.arithmetic import pool_output_size
from cnn_lib.exercises.base import (
    AnswerFormError,
    CodeMistake,
    CodingExercise,
    Exercise,
    Mistake,
    equals,
    number,
    pair,
)
from cnn_lib.ops import pool2d
from cnn_lib.ops.pooling import pooling_grid

q1 = Exercise(
    "q1",
    expected=pool_output_size(224, 3, 2, 1),
    kind=number,
    mistakes=[
        Mistake(
            equals((224 + 2 - 3) / 2 + 1),
            "You kept the fraction: (224 + 2·1 − 3)/2 = 111.5 is floored to 111 before the + 1.",
        ),
        Mistake(
            equals(math.ceil((224 + 2 - 3) / 2) + 1),
            "That is ceil_mode=True; by default pooling floors, like a convolution.",
        ),
        Mistake(
            # ⌊(224 − 3)/2⌋ + 1 and ⌊(224 + 2 − 3)/2⌋ are both 111: either slip gives it.
            equals((224 - 3) // 2 + 1),
            "Two different slips give 111: you left out the padding (⌊(224 − 3)/2⌋ + 1), or you "
            "forgot the + 1 (⌊(224 + 2·1 − 3)/2⌋). The formula needs both: "
            "o = ⌊(i + 2p − k)/s⌋ + 1.",
        ),
        Mistake(
            equals((224 + 2 - 3) // 3 + 1),
            "You used the default stride s = k = 3, but this layer sets stride=2.",
        ),
    ],
    hint_text="The pooling size is the convolution formula: o = ⌊(i + 2p − k)/s⌋ + 1 "
    "(pool_output_size(224, 3, 2, 1)).",
    solution_text="⌊(224 + 2·1 − 3)/2⌋ + 1 = ⌊111.5⌋ + 1 = 112; "
    "torch.nn.MaxPool2d(3, 2, 1)(torch.zeros(1, 1, 224, 224)).shape[-1] agrees.",
)


def grid(answer: Any) -> np.ndarray:
    """Read a 2-D grid of numbers (an array, a tensor or nested lists)."""
    if hasattr(answer, "detach"):
        answer = answer.detach().cpu().numpy()
    try:
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError) as error:
        raise AnswerFormError("a grid of numbers (an array or a tensor)") from error
    values = np.squeeze(values)
    if values.ndim != 2:
        raise AnswerFormError(f"a 2-D grid of numbers (this one has shape {values.shape})")
    return values


_x = pooling_grid(6)[None, None]
_min = pool2d(_x, 3, 1, mode="min")[0, 0]
_max = pool2d(_x, 3, 1, mode="max")[0, 0]


def _same_grid(answer: np.ndarray, expected: np.ndarray) -> bool:
    return answer.shape == expected.shape and np.allclose(answer, expected)


q2 = Exercise(
    "q2",
    expected=_min,
    kind=grid,
    same=_same_grid,
    mistakes=[
        Mistake(
            lambda answer: _same_grid(answer, _max),
            "That is max pooling. min(x) = −max(−x): negate the map, max-pool, negate back.",
        ),
        Mistake(
            lambda answer: _same_grid(answer, -_min),
            "Every value has the wrong sign: after max-pooling −x, negate the result back.",
        ),
        Mistake(
            lambda answer: answer.shape == (2, 2),
            "A 2×2 result means stride 3 (the default s = k). This exercise asks for stride 1, "
            "which gives 4×4.",
        ),
    ],
    hint_text="min(x) = −max(−x). Turn pooling_grid(6) into a tensor of shape (1, 1, 6, 6) "
    "and call F.max_pool2d on its negation with kernel_size=3, stride=1.",
    solution_text="t = torch.from_numpy(pooling_grid(6))[None, None]; "
    "answer = -F.max_pool2d(-t, 3, stride=1)[0, 0]; it equals "
    "pool2d(pooling_grid(6)[None, None], 3, 1, mode='min')[0, 0].",
)


def _linear_weights(side: int, pools: int, channels: int = 32, classes: int = 10) -> int:
    side = side // 2**pools
    return channels * side * side * classes + classes


_flatten, _global = _linear_weights(64, 2), 32 * 10 + 10
q3 = Exercise(
    "q3",
    expected=(_flatten, _global),
    kind=pair(number, number),
    mistakes=[
        Mistake(
            lambda answer: answer[0] == _linear_weights(28, 2),
            "That is the count for 28×28 inputs. At 64×64 the two pools leave 16×16 maps.",
        ),
        Mistake(
            lambda answer: answer == (_flatten - 10, _global - 10),
            "Add the biases: one per class, 10 more in each.",
        ),
        Mistake(
            lambda answer: answer[0] == _linear_weights(64, 1),
            "That keeps only one pool (32×32 maps); small_cnn has two, so the maps are 16×16.",
        ),
        Mistake(
            lambda answer: answer[0] == _flatten and answer[1] != _global,
            "The first number is right. The global-average head sees one value per channel, "
            "whatever the input size.",
        ),
    ],
    hint_text="Two 2×2 pools take 64 → 32 → 16. The linear layer has (inputs + 1)·10 weights "
    "with the bias; model_cost(small_cnn(head, size=64), (1, 64, 64))[-1].parameters checks it.",
    solution_text=f"32·16·16·10 + 10 = {_flatten:,} for 'pool + flatten'; 32·10 + 10 = {_global} "
    "for 'pool + global average', at any input size.",
)

_first_window = _x[0, 0, :2, :2]
_lp_values = ", ".join(
    f"{pool2d(_x, 2, mode='lp', norm_type=p)[0, 0, 0, 0]:.2f}" for p in (1, 2, 8, 32)
)
# The question asks which value the results approach; Lp pooling at p = 32, printed as the hint
# says, is that value to within 0.01 (8.000025 here), and counts as found.
_LP_TOLERANCE = 0.01
q4 = Exercise(
    "q4",
    expected=float(_first_window.max()),
    kind=number,
    same=lambda answer, expected: abs(answer - expected) <= _LP_TOLERANCE,
    correct_note="The limit is exactly the window's maximum: L∞ pooling is max pooling.",
    mistakes=[
        Mistake(
            equals(float(_first_window.mean())),
            "That is the window's average. (Σ x^p)^(1/p) is never below the largest value, and "
            "grows towards it as p grows.",
        ),
        Mistake(
            equals(float(_first_window.sum())),
            "That is p = 1, the sum. Raise p: the largest value dominates.",
        ),
        Mistake(
            lambda answer: answer > _first_window.max() + _LP_TOLERANCE,
            "Lp pooling is above the max for small p, but it comes down towards one of the window's "
            "values as p grows. Which one?",
        ),
    ],
    hint_text="Print F.lp_pool2d(t, p, 2)[0, 0, 0, 0] for p = 1, 2, 8, 32 and compare with "
    "F.max_pool2d(t, 2)[0, 0, 0, 0].",
    solution_text=f"{_first_window.max():g}, the window's maximum: for p = 1, 2, 8, 32 the first "
    f"window gives {_lp_values}. "
    "(Σ x^p)^(1/p) is at least the max and tends to it: L∞ pooling is max pooling.",
)


# q5: max pooling written by the learner, checked against torch.nn.functional.max_pool2d.


def _max_pool_reference(x, kernel_size, stride, padding):
    return F.max_pool2d(x[None, None], kernel_size, stride, padding)[0, 0]


def _pool_by_hand(x, k, s, p, fill=float("-inf"), size=lambda n, s: n // s + 1):
    """Max pooling with loops; ``fill`` pads, ``size(i + 2p − k, s)`` counts the windows per side.

    The typical mistakes below are this function with one thing changed. Windows that run past
    the padded map (a ceil instead of a floor) take the maximum of what is there, as slicing does.
    """
    padded = F.pad(x, (p, p, p, p), value=fill)
    rows = size(x.shape[0] + 2 * p - k, s)
    cols = size(x.shape[1] + 2 * p - k, s)
    out = torch.empty(rows, cols, dtype=x.dtype)
    for r in range(rows):
        for c in range(cols):
            out[r, c] = padded[r * s : r * s + k, c * s : c * s + k].max()
    return out


def _stride_one(x, k, s, p):
    return _pool_by_hand(x, k, 1, p)


def _stride_k(x, k, s, p):
    return _pool_by_hand(x, k, k, p)


def _no_padding(x, k, s, p):
    return _pool_by_hand(x, k, s, 0)


def _zero_padding(x, k, s, p):
    return _pool_by_hand(x, k, s, p, fill=0.0)


def _ceil(x, k, s, p):
    return _pool_by_hand(x, k, s, p, size=lambda n, s: -(-n // s) + 1)


def _no_plus_one(x, k, s, p):
    return _pool_by_hand(x, k, s, p, size=lambda n, s: n // s)


def _grid(size: int) -> torch.Tensor:
    return torch.from_numpy(pooling_grid(size)).float()


def _max_pool_cases(rng) -> list[tuple]:
    cases = []
    for _ in range(20):
        k = rng.randint(1, 4)
        height, width = rng.randint(k, 9), rng.randint(k, 9)
        generator = torch.Generator().manual_seed(rng.randint(0, 10_000))
        x = torch.randint(-9, 10, (height, width), generator=generator).float()
        cases.append((x, k, rng.randint(1, k + 1), rng.randint(0, k // 2)))
    return cases


q5 = CodingExercise(
    "q5",
    reference=_max_pool_reference,
    cases=[
        (_grid(6), 2, 2, 0),
        (_grid(6), 3, 2, 1),
        (-1 - _grid(6), 3, 2, 1),  # all negative: now the padding value shows
        (_grid(7), 2, 2, 0),  # (7 − 2)/2 = 2.5: the floor drops the last column
        (_grid(6), 3, 1, 1),
    ],
    random_cases=_max_pool_cases,
    mistakes=[
        CodeMistake(
            _stride_one,
            "The stride is ignored: the windows moved 1 pixel at a time. Start window (r, c) at "
            "row r·stride, column c·stride.",
        ),
        CodeMistake(
            _stride_k,
            "The windows moved kernel_size pixels at a time (the default stride); use the "
            "stride given.",
        ),
        CodeMistake(
            _no_padding,
            "The padding is forgotten: add `padding` cells on every side before sliding the "
            "window, and count the windows with i + 2p.",
        ),
        CodeMistake(
            _zero_padding,
            "The padding is 0, so a window of negative values picked the padding's 0. Pad max "
            "pooling with −∞ (float('-inf')): the padding must never win.",
        ),
        CodeMistake(
            _ceil,
            "The floor is missing: rounding up added a window that runs past the padded edge. "
            "Count ⌊(i + 2p − k)/s⌋ + 1 windows per side (// in Python).",
        ),
        CodeMistake(
            _no_plus_one,
            "One window short on each side: the count is ⌊(i + 2p − k)/s⌋ + 1; the + 1 is the "
            "window at position 0.",
        ),
    ],
    hint_text="Pad x with −∞ on every side (F.pad(x, (p, p, p, p), value=float('-inf'))), make an "
    "output of ⌊(i + 2p − k)/s⌋ + 1 rows and columns, and fill output[r, c] with the max of the "
    "k×k window that starts at row r·s, column c·s of the padded map.",
    solution_text="padded = F.pad(x, (padding,) * 4, value=float('-inf')); "
    "rows = (x.shape[0] + 2 * padding - kernel_size) // stride + 1; "
    "cols = (x.shape[1] + 2 * padding - kernel_size) // stride + 1; "
    "out = torch.empty(rows, cols); for r in range(rows): for c in range(cols): "
    "out[r, c] = padded[r * stride : r * stride + kernel_size, "
    "c * stride : c * stride + kernel_size].max(); return out",
)
