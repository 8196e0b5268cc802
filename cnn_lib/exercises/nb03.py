"""Notebook 03's exercises: pooling sizes, min pooling, the weights pooling saves, Lp → max."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cnn_lib.arithmetic import pool_output_size
from cnn_lib.exercises.base import AnswerFormError, Exercise, Mistake, equals, number, pair
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
            equals((224 - 3) // 2 + 1),
            "You left out the padding: i + 2p = 224 + 2·1.",
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
q4 = Exercise(
    "q4",
    expected=float(_first_window.max()),
    kind=number,
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
            lambda answer: answer > _first_window.max(),
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
