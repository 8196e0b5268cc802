"""Notebook 06's exercises: a locally connected layer's size (counted, then coded), a zero-filled
shift (coded), and where a CNN stops being shift-equivariant."""

from __future__ import annotations

import torch

from cnn_lib.exercises.base import (
    CodeMistake,
    CodingExercise,
    Exercise,
    Mistake,
    choice,
    equals,
    number,
)


def _lc(side: int, k: int, c_in: int, c_out: int, padding: int = 0) -> int:
    positions = (side + 2 * padding - k + 1) ** 2
    return c_out * positions * (c_in * k * k + 1)


q1 = Exercise(
    "q1",
    expected=_lc(28, 3, 1, 16, padding=1),
    kind=number,
    mistakes=[
        Mistake(
            equals(16 * 28 * 28 * 9),
            "Add the biases: a locally connected layer has one per output value, 16·28·28 of them.",
        ),
        Mistake(
            equals(16 * 28 * 28 * 9 + 16),
            "That gives each channel one bias, as a convolution does; here every position has "
            "its own bias too.",
        ),
        Mistake(equals(16 * (9 + 1)), "That is the convolution's count: one kernel shared by all."),
        Mistake(equals(_lc(28, 3, 1, 1, padding=1)), "That is one output channel; there are 16."),
        Mistake(
            equals(_lc(28, 3, 1, 16)),
            "With padding=1 the output keeps 28×28 positions (26×26 is padding=0).",
        ),
    ],
    hint_text="One 3×3 kernel and one bias for every output value: how many output values are "
    "there (channels × positions)?",
    solution_text=f"16·28·28·(1·3·3 + 1) = {_lc(28, 3, 1, 16, padding=1):,}; "
    "count_parameters(LocallyConnected2d(1, 16, 3, input_size=28, padding=1)) agrees.",
)


def _lc_reference(input_size, kernel_size, in_channels, out_channels):
    side = input_size - kernel_size + 1
    return out_channels * side * side * (in_channels * kernel_size * kernel_size + 1)


def _no_bias(input_size, kernel_size, in_channels, out_channels):
    side = input_size - kernel_size + 1
    return out_channels * side * side * in_channels * kernel_size * kernel_size


def _bias_per_channel(input_size, kernel_size, in_channels, out_channels):
    return _no_bias(input_size, kernel_size, in_channels, out_channels) + out_channels


def _size_not_reduced(input_size, kernel_size, in_channels, out_channels):
    return out_channels * input_size**2 * (in_channels * kernel_size * kernel_size + 1)


def _shared(input_size, kernel_size, in_channels, out_channels):
    return out_channels * (in_channels * kernel_size * kernel_size + 1)


def _no_in_channels(input_size, kernel_size, in_channels, out_channels):
    side = input_size - kernel_size + 1
    return out_channels * side * side * (kernel_size * kernel_size + 1)


q2 = CodingExercise(
    "q2",
    reference=_lc_reference,
    cases=[(28, 3, 1, 1), (5, 3, 1, 2), (6, 3, 2, 1), (10, 5, 3, 4)],
    random_cases=lambda rng: [
        (rng.randint(5, 32), rng.choice([1, 3, 5]), rng.randint(1, 8), rng.randint(1, 8))
        for _ in range(20)
    ],
    mistakes=[
        CodeMistake(_no_bias, "The bias is forgotten: every output value has its own bias."),
        CodeMistake(
            _bias_per_channel,
            "One bias per channel is the convolution's rule; unshared, each position has its own.",
        ),
        CodeMistake(
            _size_not_reduced,
            "The output size is not reduced by the kernel: with no padding a k×k window fits "
            "at input_size − k + 1 positions per side.",
        ),
        CodeMistake(
            _shared,
            "The weights are shared by mistake: that is a convolution's count. Multiply by the "
            "number of output positions.",
        ),
        CodeMistake(
            _no_in_channels,
            "Each kernel reads every input channel: in_channels·k·k weights, not k·k.",
        ),
    ],
    hint_text="Positions per side: input_size − kernel_size + 1 (no padding, stride 1). Each "
    "position of each output channel has in_channels·k·k weights and one bias.",
    solution_text="side = input_size - kernel_size + 1; return out_channels * side * side * "
    "(in_channels * kernel_size * kernel_size + 1)",
)


def _shift_reference(images: torch.Tensor, pixels: int) -> torch.Tensor:
    shifted = torch.zeros_like(images)
    width = images.shape[-1]
    if pixels < width:
        shifted[..., pixels:] = images[..., : width - pixels]
    return shifted


def _rolled(images, pixels):
    return torch.roll(images, pixels, dims=-1)


def _moved_left(images, pixels):
    return _shift_reference(images.flip(-1), pixels).flip(-1)


def _moved_down(images, pixels):
    return _shift_reference(images.transpose(-1, -2), pixels).transpose(-1, -2)


def _shift_cases(rng) -> list[tuple]:
    cases = []
    for _ in range(12):
        height, width = rng.randint(2, 9), rng.randint(2, 9)
        generator = torch.Generator().manual_seed(rng.randint(0, 10_000))
        images = torch.rand(rng.randint(1, 3), 1, height, width, generator=generator)
        cases.append((images, rng.randint(0, width + 1)))
    return cases


_ramp = torch.arange(1.0, 13.0).reshape(1, 1, 3, 4)
q3 = CodingExercise(
    "q3",
    reference=_shift_reference,
    cases=[(_ramp, 1), (_ramp, 2), (_ramp, 0), (_ramp, 4), (_ramp, 6)],
    random_cases=_shift_cases,
    mistakes=[
        CodeMistake(
            _rolled,
            "That is torch.roll: the columns pushed off the right edge came back in on the left. "
            "A camera sees background there: fill the gap with zeros.",
        ),
        CodeMistake(_moved_left, "The digit moved left; move it right (towards larger columns)."),
        CodeMistake(_moved_down, "The digit moved down: shift the last dimension (columns)."),
    ],
    hint_text="Start from torch.zeros_like(images); copy every column but the last `pixels` ones "
    "into the columns from `pixels` on. Think about pixels = 0 and pixels ≥ width.",
    solution_text="shifted = torch.zeros_like(images); width = images.shape[-1]; if pixels < "
    "width: shifted[..., pixels:] = images[..., :width - pixels]; return shifted",
)

q4 = Exercise(
    "q4",
    expected="c",
    kind=choice("abcd"),
    mistakes=[
        Mistake(
            equals("a"),
            "A convolution with stride 1 moves its map with its input: conv1's map of the moved "
            "digit is conv1's map, moved (the table above shows about 0 for conv1).",
        ),
        Mistake(
            equals("b"),
            "A ReLU acts on each value alone, so it keeps whatever conv1 gave: a moved map.",
        ),
        Mistake(
            equals("d"),
            "It breaks earlier: fc1 only inherits the damage. Which layer steps 2 pixels at a time?",
        ),
    ],
    hint_text="A 1-pixel move of the input would be a ½-pixel move of a map that has half the "
    "resolution.",
    solution_text="(c) pool1: with stride 2 its windows cover pixel pairs (0, 1), (2, 3), …; a "
    "1-pixel move regroups the pairs, so its output is no map of the original moved by a whole "
    "number of pixels. A 2-pixel move keeps the pairs, and pool1 stays equivariant.",
)
