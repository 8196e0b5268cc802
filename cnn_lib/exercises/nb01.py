"""Notebook 01's exercises: what a kernel computes (on ``step_grid()``, the notebook's x), and the
cross-correlation loop the learner writes."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnn_lib.exercises.base import (
    AnswerFormError,
    CodeMistake,
    CodingExercise,
    Exercise,
    Mistake,
    equals,
    number,
    set_of,
)
from cnn_lib.ops.conv import step_grid
from cnn_lib.ops.kernels import KERNELS, kernel


def kernel_3x3(answer: Any) -> np.ndarray:
    """Read a 3×3 kernel (a nested list, an array or a tensor; shape (1, 1, 3, 3) is fine too)."""
    if hasattr(answer, "detach"):
        answer = answer.detach().cpu().numpy()
    try:
        weights = np.squeeze(np.asarray(answer, dtype=float))
    except (TypeError, ValueError) as error:
        raise AnswerFormError("a 3×3 array of numbers") from error
    if weights.shape != (3, 3):
        raise AnswerFormError(f"a 3×3 array of numbers (this one has shape {weights.shape})")
    return weights


def _kernel_is(weights: np.ndarray) -> Any:
    return lambda answer: np.array_equal(answer, weights)


def _one_at(row: int, column: int) -> np.ndarray:
    weights = np.zeros((3, 3))
    weights[row, column] = 1
    return weights


def _name(answer: Any) -> str:
    if not isinstance(answer, str) or answer not in KERNELS:
        raise AnswerFormError(f"a list of kernel names from {list(KERNELS)}")
    return answer


q1 = Exercise(
    "q1",
    expected=_one_at(1, 0),
    kind=kernel_3x3,
    same=lambda answer, expected: np.array_equal(answer, expected),
    mistakes=[
        Mistake(
            _kernel_is(_one_at(1, 2)),
            "That kernel copies each pixel's right neighbour, so the image moves left. "
            "Cross-correlation reads x[r + a, c + b]·w[a, b]: which neighbour should be read?",
        ),
        Mistake(
            lambda answer: np.array_equal(answer, _one_at(1, 1)),
            "That is the identity kernel: every pixel copies itself, nothing moves.",
        ),
        Mistake(
            # A single 1 above or below the middle, in the middle column: up or down.
            lambda answer: (
                np.count_nonzero(answer) == 1 and answer[:, 1].sum() == 1 and answer[1, 1] == 0
            ),
            lambda answer: (
                "That kernel copies each pixel's "
                + (
                    "upper neighbour, so the image moves down"
                    if answer[0, 1]
                    else "lower neighbour, so the image moves up"
                )
                + ". Moving right means copying the neighbour on the left, in the middle row."
            ),
        ),
        Mistake(
            # A single 1 in the left column, above or below the middle: right and up/down.
            lambda answer: (
                np.count_nonzero(answer) == 1 and answer[:, 0].sum() == 1 and answer[1, 0] == 0
            ),
            "Close, but check the row: a weight outside the middle row also moves the image up or down.",
        ),
    ],
    wrong_note="Try it: conv2d(x[None, None], answer[None, None]) should be x moved right by one",
    hint_text="Output pixel (r, c) is Σ x[r + a, c + b]·w[a, b]. Moving right means output pixel "
    "(r, c) copies the input pixel to its left: put a single 1 where that neighbour sits.",
    solution_text="w = np.zeros((3, 3)); w[1, 0] = 1 — the middle-left weight reads each pixel's "
    "left neighbour: conv2d(x[None, None], w[None, None])[0, 0] equals x[1:-1, :-2].",
)

_value, _weight = 0.5, 0.2
q2 = Exercise(
    "q2",
    expected=_value * 9 * _weight,
    kind=number,
    mistakes=[
        Mistake(
            equals(_value),
            "That is what a kernel whose weights sum to 1 (a blur) gives back. These nine weights "
            "sum to 1.8.",
        ),
        Mistake(
            equals(_value * _weight),
            "That is one of the nine products. The output is their sum.",
        ),
        Mistake(
            equals(0),
            "Only a kernel whose weights sum to 0 (an edge kernel) gives 0 on a flat image.",
        ),
    ],
    wrong_note="Every window of a constant image holds the same number c. What is Σ c·w?",
    hint_text="Every window of a constant image holds 0.5 in all nine cells, so the output is "
    "0.5·(sum of the weights).",
    solution_text="0.9: every window gives 0.5·Σw = 0.5·(9·0.2) = 0.9. Check: "
    "apply_kernel(np.full((5, 5), 0.5), np.full((3, 3), 0.2)) is 0.9 everywhere.",
)

_x = step_grid()
_laplacian = kernel("Laplacian")
_at = float((_x[2:5, 3:6] * _laplacian).sum())
_centred = float((_x[1:4, 2:5] * _laplacian).sum())
_swapped = float((_x[3:6, 2:5] * _laplacian).sum())

q3 = Exercise(
    "q3",
    expected=_at,
    kind=number,
    mistakes=[
        Mistake(
            equals(-_at),
            "Right size, wrong sign: the Laplacian's centre weight is −4 and its four neighbours +1.",
        ),
        Mistake(
            equals(_centred),
            "You centred the window on input (2, 3). Without padding, output (2, 3) reads the "
            "window whose top-left corner is input (2, 3): x[2:5, 3:6].",
        ),
        Mistake(
            equals(_swapped),
            "Rows and columns swapped: row 2, column 3 is x[2:5, 3:6] (rows first).",
        ),
    ],
    hint_text="Output (r, c) of an unpadded convolution reads the window x[r:r+3, c:c+3]. "
    "Multiply it by kernel('Laplacian') cell by cell and add the nine products.",
    solution_text=f"(x[2:5, 3:6] * kernel('Laplacian')).sum() = {_at:g}; "
    "conv2d(x[None, None], kernel('Laplacian')[None, None])[0, 0, 2, 3] agrees.",
)

_symmetric = frozenset(n for n, w in KERNELS.items() if np.array_equal(w, w[::-1, ::-1]))


def _q4_extra(answer: frozenset) -> bool:
    return bool(answer - _symmetric)


q4 = Exercise(
    "q4",
    expected=_symmetric,
    kind=set_of(_name),
    mistakes=[
        Mistake(
            _q4_extra,
            "Some of these change when flipped: rotate each by 180° (w[::-1, ::-1]) and compare "
            "with the original. An edge kernel like Sobel x changes its sign.",
        ),
        Mistake(
            lambda answer: answer < _symmetric,
            "All of these are right, but some are missing: test every kernel in KERNELS.",
        ),
    ],
    hint_text="Convolution flips the kernel by 180° before sliding it. The two give the same "
    "result exactly when np.array_equal(w, w[::-1, ::-1]).",
    solution_text="[name for name, w in KERNELS.items() if np.array_equal(w, w[::-1, ::-1])] → "
    f"{sorted(_symmetric)}.",
)


# q5: the learner writes the loops. Checked against torch.nn.functional.conv2d.


def _cross_correlation_reference(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Return the unpadded, stride-1 cross-correlation of a 2-D x with a 2-D w, by PyTorch."""
    import torch

    x_t = torch.as_tensor(np.asarray(x, dtype=float))[None, None]
    w_t = torch.as_tensor(np.asarray(w, dtype=float))[None, None]
    return torch.nn.functional.conv2d(x_t, w_t)[0, 0].numpy()


def _flipped(x, w):
    return _cross_correlation_reference(x, np.asarray(w)[::-1, ::-1].copy())


def _one_short(x, w):
    return _cross_correlation_reference(x, w)[:-1, :-1]


def _input_sized(x, w):
    out = np.zeros(np.shape(x))
    valid = _cross_correlation_reference(x, w)
    out[: valid.shape[0], : valid.shape[1]] = valid
    return out


def _same_map(received: Any, expected: np.ndarray) -> bool:
    try:
        received = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return False
    return received.shape == expected.shape and np.allclose(received, expected, atol=1e-9)


def _correlation_cases(rng) -> list[tuple]:
    cases = []
    for _ in range(15):
        height, width = rng.randint(2, 8), rng.randint(2, 8)
        k_h, k_w = rng.randint(1, height), rng.randint(1, width)
        x = np.array([[rng.randint(-3, 3) for _ in range(width)] for _ in range(height)], float)
        w = np.array([[rng.randint(-2, 2) for _ in range(k_w)] for _ in range(k_h)], float)
        cases.append((x, w))
    return cases


_wide = np.arange(24.0).reshape(4, 6) % 5
q5 = CodingExercise(
    "q5",
    reference=_cross_correlation_reference,
    cases=[
        (_x, kernel("Sobel x")),
        (_wide, np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])),
        (_wide, np.array([[2.0]])),
        (_wide[:3, :3], kernel("Laplacian")),
    ],
    random_cases=_correlation_cases,
    same=_same_map,
    mistakes=[
        CodeMistake(
            _flipped,
            "The kernel is flipped by 180°: that is convolution as mathematics defines it. "
            "Cross-correlation, what conv2d computes, multiplies x[r + a, c + b] by w[a, b].",
        ),
        CodeMistake(
            _one_short,
            "The output is one row and one column short (off by one): a kernel of height k_h "
            "fits at H − k_h + 1 positions, range(H - k_h + 1) in Python.",
        ),
        CodeMistake(
            _input_sized,
            "The output has the input's size: without padding it is (H − k_h + 1)×(W − k_w + 1), "
            "and the extra cells hold zeros no window wrote.",
        ),
    ],
    hint_text="out = np.zeros((H - k_h + 1, W - k_w + 1)); two loops over its rows r and columns "
    "c; each cell is the sum of x[r:r + k_h, c:c + k_w] * w. Kernels need not be square.",
    solution_text="H, W = x.shape; k_h, k_w = w.shape; out = np.zeros((H - k_h + 1, W - k_w + 1)); "
    "for r in range(out.shape[0]): for c in range(out.shape[1]): out[r, c] = "
    "(x[r:r + k_h, c:c + k_w] * w).sum(); return out",
)
