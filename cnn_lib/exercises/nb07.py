"""Notebook 07's exercises: the DCGAN's layer sizes, BCE on logits, and the saturating loss."""

from __future__ import annotations

from cnn_lib.exercises.base import Exercise, Mistake, choice, equals, number, pair

# The CPU preset's networks at 64×64 RGB, width 32: 4 stride-2 doublings take 4×4 to 64×64.
IMAGE_SIZE, CHANNELS, WIDTH, LATENT, KERNEL = 64, 3, 32, 100, 4
_DOUBLINGS = 4
_G_WIDTHS = [WIDTH * 2**i for i in reversed(range(_DOUBLINGS))]  # 256, 128, 64, 32
_D_WIDTHS = list(reversed(_G_WIDTHS))


def convolution_weights() -> dict[str, int]:
    """Return every (transposed) convolution's weight count, G's then D's (no biases: BatchNorm follows)."""
    sizes = {"G projection": LATENT * _G_WIDTHS[0] * KERNEL**2}
    for c_in, c_out in zip(_G_WIDTHS, _G_WIDTHS[1:], strict=False):
        sizes[f"G {c_in}→{c_out}"] = c_in * c_out * KERNEL**2
    sizes[f"G {_G_WIDTHS[-1]}→{CHANNELS}"] = _G_WIDTHS[-1] * CHANNELS * KERNEL**2
    sizes[f"D {CHANNELS}→{_D_WIDTHS[0]}"] = CHANNELS * _D_WIDTHS[0] * KERNEL**2
    for c_in, c_out in zip(_D_WIDTHS, _D_WIDTHS[1:], strict=False):
        sizes[f"D {c_in}→{c_out}"] = c_in * c_out * KERNEL**2
    sizes[f"D {_D_WIDTHS[-1]}→1"] = _D_WIDTHS[-1] * KERNEL**2
    return sizes


_weights = convolution_weights()
_largest = max(_weights.values())
_largest_names = [name for name, count in _weights.items() if count == _largest]

q1 = Exercise(
    "q1",
    expected=(_G_WIDTHS[0], _largest),
    kind=pair(number, number),
    correct_note=f"Two layers tie: {' and '.join(_largest_names)}, mirror images of each other.",
    mistakes=[
        Mistake(
            lambda answer: answer[0] == WIDTH,
            "32 is the width next to the image. G starts wide and halves the channels at every "
            "doubling: width·2^(doublings − 1).",
        ),
        Mistake(
            lambda answer: answer[0] == LATENT,
            "100 is z's length, the *input* channels of G's first layer; how many come out?",
        ),
        Mistake(
            lambda answer: answer[0] == WIDTH * 2**_DOUBLINGS,
            "One doubling too many: four stride-2 layers take 4×4 to 64×64, and the last of them "
            "outputs the 3 colour channels.",
        ),
        Mistake(
            lambda answer: answer[1] == _weights["G projection"],
            "The projection (z → 256×4×4) is large, but a layer in the middle is larger: "
            "C_in·C_out·k² with both channel counts big.",
        ),
        Mistake(
            lambda answer: answer[1] == _largest + 128,
            "These convolutions have no bias (a BatchNorm follows); count C_in·C_out·k² only.",
        ),
    ],
    hint_text="G's widths, from z to the image: 256, 128, 64, 32, then 3 channels. A (transposed) "
    "convolution holds C_in·C_out·k·k weights, k = 4. layer_tables(config) lists them all.",
    solution_text=f"({_G_WIDTHS[0]}, {_largest:,}): G's first layer outputs {_G_WIDTHS[0]} "
    f"channels; the largest layers hold 256·128·4·4 = {_largest:,} weights each: "
    f"{' and '.join(_largest_names)}.",
)

q2 = Exercise(
    "q2",
    expected="b",
    kind=choice("abcd"),
    mistakes=[
        Mistake(
            equals("a"),
            "Speed is not the reason (the two cost about the same). What happens to σ(x) when the "
            "logit is large?",
        ),
        Mistake(
            equals("c"),
            "σ(x) is always in (0, 1) mathematically; in floating point it can round to exactly "
            "0 or 1. What does log do then?",
        ),
        Mistake(
            equals("d"),
            "Both losses accept targets between 0 and 1; the difference is numerical.",
        ),
    ],
    hint_text="In float16, compute torch.sigmoid(torch.tensor(12.0, dtype=torch.float16)). "
    "What is log(1 − that)?",
    solution_text="(b): σ(x) rounds to exactly 1 for large logits (in float16 already near x ≈ 8), "
    "and log(1 − σ(x)) becomes −∞ (BCELoss clamps it at −100, with no gradient). "
    "BCEWithLogitsLoss computes log σ(x) = −softplus(−x) in one stable step; autocast refuses "
    "BCELoss for this reason.",
)

q3 = Exercise(
    "q3",
    expected="a",
    kind=choice("abc"),
    mistakes=[
        Mistake(
            equals("b"),
            "0.5 is where D cannot tell real from fake: the hoped-for end, not the start. Early "
            "fakes are blobs.",
        ),
        Mistake(
            equals("c"),
            "That would mean D is fooled by the first, noise-like fakes; D learns to reject them "
            "within a few steps.",
        ),
    ],
    hint_text="Early fakes are easy to reject. Where is log(1 − D) flat: near D = 0 or near D = 1?",
    solution_text="(a): D rejects the early fakes, so D(G(z)) stays near 0, where log(1 − D) is "
    "flat: G's gradient vanishes and it barely learns. The non-saturating loss −log D(G(z)) is "
    "steep exactly there.",
)
