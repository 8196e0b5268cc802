"""Notebook 05's exercises: a whole CNN's parameters, batch norm, the loss of an undecided logit, MACs,
and a parameter counter for a list of layers (a coding exercise)."""

from __future__ import annotations

import math

import torch.nn as nn

from cnn_lib.exercises.base import CodeMistake, CodingExercise, Exercise, Mistake, equals, number


def _conv(c_in: int, c_out: int, k: int, bias: bool = True, k_squared: bool = True) -> int:
    return c_out * (c_in * (k * k if k_squared else k) + bias)


def _linear(f_in: int, f_out: int) -> int:
    return f_out * (f_in + 1)


def digits_cnn_parameters(k: int = 3, side_after_pools: int = 7, k_squared: bool = True) -> int:
    """Return DigitsCNN(image_size=28)'s parameter count by the formulas (channels 16, 32; 64 hidden).

    ``k_squared=False`` is the typical slip of writing k where the kernel has k² weights.
    """
    return (
        _conv(1, 16, k, k_squared=k_squared)
        + _conv(16, 32, k, k_squared=k_squared)
        + _linear(32 * side_after_pools**2, 64)
        + _linear(64, 10)
    )


q1 = Exercise(
    "q1",
    expected=digits_cnn_parameters(k=5),
    kind=number,
    mistakes=[
        Mistake(
            equals(digits_cnn_parameters(k=3)),
            "That is the 3×3 network's count. A convolution holds C_out·(C_in·k·k + 1) weights: "
            "they grow with k².",
        ),
        Mistake(
            equals(digits_cnn_parameters(k=5, k_squared=False)),
            "You counted k = 5 weights per kernel and input channel; a 5×5 kernel has k² = 25: "
            "C_out·(C_in·k² + 1).",
        ),
        Mistake(
            equals(digits_cnn_parameters(k=5, side_after_pools=4)),
            "You shrank the maps as padding=0 would (28 → 24 → 12 → 8 → 4). The default padding "
            "is k // 2 = 2, which keeps 28 → 14 → 7.",
        ),
        Mistake(
            equals(digits_cnn_parameters(k=5) - 16 - 32 - 64 - 10),
            "Add the biases: one per output channel and per output feature.",
        ),
    ],
    hint_text="With padding = k // 2 the shapes do not change, so fc1 and fc2 keep their weights; "
    "only the two convolutions grow, C_out·(C_in·k·k + 1) each.",
    solution_text=f"{digits_cnn_parameters(k=5):,}: conv1 16·(1·25) + 16 = 416, conv2 32·(16·25) "
    "+ 32 = 12,832, fc1 and fc2 unchanged (100,416 and 650). "
    "count_parameters(DigitsCNN(image_size=28, kernel_size=5)) agrees.",
)

_one_pool_fc1 = _linear(32 * 14 * 14, 64)
q2 = Exercise(
    "q2",
    expected=_one_pool_fc1,
    kind=number,
    mistakes=[
        Mistake(
            equals(_linear(32 * 7 * 7, 64)),
            "That is fc1 with both pools (7×7 maps). With only the first, conv2's maps stay 14×14.",
        ),
        Mistake(
            equals(_linear(32 * 28 * 28, 64)),
            "That is fc1 with no pooling at all (28×28 maps); the first pool still halves 28 → 14.",
        ),
        Mistake(
            equals(_one_pool_fc1 - 64),
            "Add fc1's 64 biases: F_out·(F_in + 1).",
        ),
        Mistake(
            equals(_linear(16 * 14 * 14, 64)),
            "The flattened maps come from conv2, which has 32 channels, not 16.",
        ),
    ],
    hint_text="pool1 halves 28 → 14, conv2 keeps 14 (padding 1), so fc1 sees 32·14·14 values. "
    "A fully connected layer holds F_out·(F_in + 1).",
    solution_text=f"64·(32·14·14 + 1) = {_one_pool_fc1:,}. Check: build the network with "
    "torch.nn.Sequential and count_parameters(its Linear(6272, 64)).",
)

_bn_channels = 32
q3 = Exercise(
    "q3",
    expected=2 * _bn_channels,
    kind=number,
    mistakes=[
        Mistake(
            equals(_bn_channels),
            "Batch norm learns two numbers per channel: a scale γ and a shift β.",
        ),
        Mistake(
            equals(4 * _bn_channels),
            "The running mean and variance are buffers, updated by averaging, not learned "
            "parameters: count_parameters leaves them out.",
        ),
        Mistake(
            equals(2 * _bn_channels + 1),
            "There is no extra number for the whole layer: β is already the shift (the bias), "
            "and ε (eps) is a fixed constant, not learned. Two per channel, nothing more.",
        ),
        Mistake(
            equals(2 * _bn_channels * 14 * 14),
            "Batch norm normalises per channel, over the batch and every position: its γ and β are "
            "shared by all 14×14 positions of a channel.",
        ),
    ],
    hint_text="Batch norm subtracts each channel's batch mean, divides by its standard deviation, "
    "then multiplies by a learned γ and adds a learned β. How many channels does conv2 output?",
    solution_text=f"2·{_bn_channels} = {2 * _bn_channels}: one γ and one β per channel. "
    "count_parameters(torch.nn.BatchNorm2d(32)) agrees; the running mean and variance are "
    "buffers.",
)

_logit = -2.0
_loss_real = math.log1p(math.exp(-_logit))  # −log σ(x)
_loss_fake = math.log1p(math.exp(_logit))  # −log(1 − σ(x))
_sigmoid = 1 / (1 + math.exp(-_logit))


def _near(value: float):
    return lambda answer: math.isclose(answer, value, abs_tol=5e-4)


q4 = Exercise(
    "q4",
    expected=_loss_real,
    kind=number,
    same=lambda answer, expected: math.isclose(answer, expected, abs_tol=5e-4),
    mistakes=[
        Mistake(
            lambda answer: round(answer, 2) == round(_loss_real, 2) and answer == round(answer, 2),
            "Right to two decimals; the question asks for three. Print it with more digits "
            '(f"{loss:.3f}").',
        ),
        Mistake(
            _near(_loss_fake),
            "That is the loss if the image were fake, −log(1 − σ(x)). It is real: −log σ(x).",
        ),
        Mistake(
            _near(_sigmoid),
            "That is σ(−2), the probability D gives to 'real'. The loss is −log of it.",
        ),
        Mistake(
            _near(-_loss_real),
            "Mind the sign: log σ(x) is negative, and the loss is −log σ(x), which is positive.",
        ),
        Mistake(
            _near(math.log10(1 + math.exp(-_logit))),
            "That is log base 10. Losses use the natural logarithm (math.log).",
        ),
        Mistake(
            equals(2),
            "About |x|, as for any confident wrong answer, but not exactly: −log σ(−2) = "
            "log(1 + e²).",
        ),
    ],
    hint_text="σ(x) = 1/(1 + e^(−x)), and binary cross-entropy for a real image is −log σ(x). "
    "Check with torch.nn.BCEWithLogitsLoss()(torch.tensor([-2.0]), torch.tensor([1.0])).",
    solution_text=f"−log σ(−2) = log(1 + e²) ≈ {_loss_real:.3f}. D called a real image fake "
    "(σ(−2) ≈ 0.119), and pays about |x| for it.",
)

_separable_macs = (128 * 9 + 128 * 256) * 28 * 28
q5 = Exercise(
    "q5",
    expected=_separable_macs,
    kind=number,
    mistakes=[
        Mistake(
            equals(128 * 9 + 128 * 256),
            "That is the pair's parameters. Each weight is used once per output position: "
            "multiply by 28·28.",
        ),
        Mistake(
            equals(128 * 256 * 9 // 8 * 28 * 28),
            "That is the grouped convolution with g = 8, a little more expensive.",
        ),
        Mistake(
            equals(128 * 256 * 9 * 28 * 28),
            "That is the standard 3×3 convolution, about 8.7× more.",
        ),
        Mistake(
            equals(128 * 256 * 28 * 28),
            "That is only the pointwise 1×1 half; add the depthwise 3×3 before it, 128·9 MACs per "
            "position.",
        ),
        Mistake(
            equals(2 * _separable_macs),
            "That counts FLOPs, 2 per MAC (a multiply and an add, as FlopCounterMode does); the "
            "question asks for MACs: halve it.",
        ),
        Mistake(
            equals(128 * 9 * 28 * 28),
            "That is only the depthwise 3×3 half; add the 1×1 that mixes 128 into 256 channels.",
        ),
    ],
    hint_text="Depthwise: one 3×3 filter per input channel (128·9 weights); then a 1×1 from 128 "
    "to 256 (128·256). MACs = weights × output positions (28·28 with p = 1).",
    solution_text=f"(128·9 + 128·256)·784 = {_separable_macs:,} MACs (33,920 weights); the grouped "
    "g = 8 layer needs 36,864 weights and 28,901,376 MACs, about 8% more. Check with model_cost.",
)


# q6: a parameter counter for a list of layers, checked against the PyTorch modules it describes.

_MODULES = {
    "conv": lambda c_in, c_out, k: nn.Conv2d(c_in, c_out, k),
    "linear": lambda f_in, f_out: nn.Linear(f_in, f_out),
    "relu": lambda: nn.ReLU(),
    "pool": lambda k: nn.MaxPool2d(k),
    "flatten": lambda: nn.Flatten(),
}


def _parameters_by_torch(layers):
    """Build each layer in PyTorch and count its parameters (the oracle)."""
    modules = [_MODULES[kind](*sizes) for kind, *sizes in layers]
    return sum(p.numel() for module in modules for p in module.parameters())


def _counter(conv, linear, pool=lambda k: 0):
    """Return a counter that uses the given per-layer formulas (the mistakes below)."""

    def count(layers):
        total = 0
        for kind, *sizes in layers:
            if kind == "conv":
                total += conv(*sizes)
            elif kind == "linear":
                total += linear(*sizes)
            elif kind == "pool":
                total += pool(*sizes)
        return total

    return count


_right_conv = lambda c_in, c_out, k: c_out * (c_in * k * k + 1)  # noqa: E731
_right_linear = lambda f_in, f_out: f_out * (f_in + 1)  # noqa: E731
_no_bias = _counter(lambda c_in, c_out, k: c_out * c_in * k * k, lambda f_in, f_out: f_out * f_in)
_k_not_squared = _counter(lambda c_in, c_out, k: c_out * (c_in * k + 1), _right_linear)
_swapped = _counter(
    lambda c_in, c_out, k: c_in * (c_out * k * k + 1), lambda f_in, f_out: f_in * (f_out + 1)
)
_pool_weights = _counter(_right_conv, _right_linear, pool=lambda k: k * k)

_DIGITS_CNN = [
    ("conv", 1, 16, 3),
    ("relu",),
    ("pool", 2),
    ("conv", 16, 32, 3),
    ("relu",),
    ("pool", 2),
    ("flatten",),
    ("linear", 32 * 7 * 7, 64),
    ("relu",),
    ("linear", 64, 10),
]


def _layer_lists(rng) -> list[tuple]:
    cases = []
    for _ in range(15):
        layers, channels = [], rng.randint(1, 4)
        for _ in range(rng.randint(1, 3)):
            out = rng.randint(1, 12)
            layers += [("conv", channels, out, rng.choice([1, 3, 5])), ("relu",), ("pool", 2)]
            channels = out
        layers += [("flatten",), ("linear", channels * rng.randint(1, 5) ** 2, rng.randint(2, 10))]
        cases.append((layers,))
    return cases


q6 = CodingExercise(
    "q6",
    reference=_parameters_by_torch,
    cases=[
        ([("conv", 1, 16, 3)],),
        ([("conv", 16, 32, 5)],),
        ([("linear", 64, 10)],),
        ([("pool", 2), ("relu",)],),
        ([("conv", 3, 8, 5), ("pool", 2)],),
        (_DIGITS_CNN,),
    ],
    random_cases=_layer_lists,
    mistakes=[
        CodeMistake(
            _no_bias,
            "The biases are forgotten: each output channel of a conv and each output of a "
            "linear layer has one, C_out·(C_in·k² + 1) and F_out·(F_in + 1).",
        ),
        CodeMistake(
            _k_not_squared,
            "k where k² belongs: a k×k kernel has k·k weights per input channel.",
        ),
        CodeMistake(
            _swapped,
            "The in and out sizes are swapped: there is one bias per *output* channel "
            "(or feature), C_out·(C_in·k² + 1), not C_in·(C_out·k² + 1).",
        ),
        CodeMistake(
            _pool_weights,
            "Pooling has no weights: a max over a window learns nothing. Count 0 for pool, relu "
            "and flatten.",
        ),
    ],
    hint_text="Loop over the layers; layer[0] says which kind it is. A conv (c_in, c_out, k) "
    "holds c_out·(c_in·k·k + 1), a linear (f_in, f_out) holds f_out·(f_in + 1), and relu, pool "
    "and flatten hold nothing.",
    solution_text="total = 0; for kind, *sizes in layers: if kind == 'conv': c_in, c_out, k = "
    "sizes; total += c_out * (c_in * k * k + 1); elif kind == 'linear': f_in, f_out = sizes; "
    "total += f_out * (f_in + 1); return total",
)
