"""Notebook 07's exercises: the DCGAN's layer sizes, BCE on logits, the saturating loss, and
D's half of the training step (written by the learner, checked on a tiny seeded DCGAN)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from cnn_lib.dcgan.models import Discriminator, Generator, ModelConfig, sample_latent
from cnn_lib.dcgan.shapes import layer_tables
from cnn_lib.exercises.base import (
    CODE_PROMPT,
    CodeMistake,
    CodingExercise,
    Exercise,
    Mistake,
    choice,
    equals,
    is_unfilled,
    number,
    pair,
)

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


def table_answer(image_size: int, channels: int) -> tuple[int, int]:
    """Return (G's first output channels, the largest layer's parameters) from ``layer_tables``."""
    tables = layer_tables(
        ModelConfig(
            image_size=image_size,
            channels=channels,
            generator_width=WIDTH,
            discriminator_width=WIDTH,
        )
    )
    first = tables["G"][0].output_shape[0]
    return first, max(row.parameters for rows in tables.values() for row in rows)


# The notebook's own run (32×32 grey) has one doubling fewer: its table is the tempting answer.
_NOTEBOOK_TABLE = table_answer(32, 1)

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
            lambda answer: answer[0] == _NOTEBOOK_TABLE[0] or answer[1] == _NOTEBOOK_TABLE[1],
            f"That is from the 32×32 table above, the notebook's own run ({_NOTEBOOK_TABLE[0]} channels, "
            f"{_NOTEBOOK_TABLE[1]:,} weights). At 64×64 G needs one more doubling, so it starts "
            "twice as wide; build the 64×64 colour networks and read their tables.",
        ),
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


# Exercise 4: D's half of the training step, checked by two whole steps of a tiny seeded DCGAN.

_TINY = {"image_size": 16, "latent_dim": 8, "generator_width": 4, "discriminator_width": 4}
_BATCH, _STEPS = 8, 2
_bce = nn.BCEWithLogitsLoss()


def _discriminator_step_reference(D, optimizer_D, real, fake):
    """D's half of notebook 07's ``train_step``: one update of D; return loss_D."""
    ones = torch.ones(len(real), device=real.device)
    zeros = torch.zeros(len(real), device=real.device)
    loss_D = _bce(D(real), ones) + _bce(D(fake.detach()), zeros)
    optimizer_D.zero_grad()
    loss_D.backward()
    optimizer_D.step()
    return loss_D


def _update(optimizer_D, loss_D):
    """The end every mistaken D half below shares with the reference: one update; return loss_D."""
    optimizer_D.zero_grad()
    loss_D.backward()
    optimizer_D.step()
    return loss_D


def _fake_not_detached(D, optimizer_D, real, fake):
    ones, zeros = torch.ones(len(real)), torch.zeros(len(real))
    loss_D = _bce(D(real), ones) + _bce(D(fake), zeros)
    return _update(optimizer_D, loss_D)


def _labels_swapped(D, optimizer_D, real, fake):
    ones, zeros = torch.ones(len(real)), torch.zeros(len(real))
    loss_D = _bce(D(real), zeros) + _bce(D(fake.detach()), ones)
    return _update(optimizer_D, loss_D)


def _sigmoid_before_loss(D, optimizer_D, real, fake):
    ones, zeros = torch.ones(len(real)), torch.zeros(len(real))
    loss_D = _bce(D(real).sigmoid(), ones) + _bce(D(fake.detach()).sigmoid(), zeros)
    return _update(optimizer_D, loss_D)


def _stepped_between_losses(D, optimizer_D, real, fake):
    ones, zeros = torch.ones(len(real)), torch.zeros(len(real))
    loss_real = _bce(D(real), ones)
    optimizer_D.zero_grad()
    loss_real.backward()
    optimizer_D.step()
    loss_fake = _bce(D(fake.detach()), zeros)
    optimizer_D.zero_grad()
    loss_fake.backward()
    optimizer_D.step()
    return loss_real + loss_fake


def _no_zero_grad(D, optimizer_D, real, fake):
    ones, zeros = torch.ones(len(real)), torch.zeros(len(real))
    loss_D = _bce(D(real), ones) + _bce(D(fake.detach()), zeros)
    loss_D.backward()
    optimizer_D.step()
    return loss_D


def _one_batch_through_d(D, optimizer_D, real, fake):
    logits = D(torch.cat([real, fake.detach()]))
    labels = torch.cat([torch.ones(len(real)), torch.zeros(len(fake))])
    loss_D = 2 * _bce(logits, labels)
    return _update(optimizer_D, loss_D)


def _mean_of_the_two(D, optimizer_D, real, fake):
    return _discriminator_step_reference(D, optimizer_D, real, fake) / 2


@dataclass
class StepOutcome:
    """What two steps with a given D half did: loss_D per step, D's gradients and weights, G's gradients."""

    losses: list[float]
    gradients: torch.Tensor
    weights: torch.Tensor
    generator_touched: bool = False

    def agrees_with(self, other: StepOutcome) -> bool:
        """Return True when both runs computed the same losses, gradients and weights."""
        if self.generator_touched != other.generator_touched:
            return False
        return (
            len(self.losses) == len(other.losses)
            and all(
                math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6)
                for a, b in zip(self.losses, other.losses, strict=True)
            )
            and torch.allclose(self.gradients, other.gradients, rtol=1e-3, atol=1e-7)
            and torch.allclose(self.weights, other.weights, rtol=1e-4, atol=1e-7)
        )


class LossNotReturned(ValueError):
    """The D half returned something other than the loss."""


def tiny_models(seed: int):
    """Return a tiny seeded DCGAN for checking a step: G, D, their Adam optimizers, real, z."""
    config = ModelConfig(**_TINY)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        G, D = Generator(config), Discriminator(config)
        real = torch.rand(_BATCH, 1, config.image_size, config.image_size) * 2 - 1
        z = sample_latent(_BATCH, config, torch.Generator().manual_seed(seed))
    optimizers = [torch.optim.Adam(m.parameters(), lr=2e-4, betas=(0.5, 0.999)) for m in (G, D)]
    return G, D, *optimizers, real, z


def run_steps(discriminator_step, seed: int) -> StepOutcome:
    """Run two whole training steps with ``discriminator_step`` as D's half and G's half given."""
    G, D, optimizer_G, optimizer_D, real, z = tiny_models(seed)
    losses = []
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        for _ in range(_STEPS):
            for parameter in G.parameters():
                parameter.grad = None  # so G's gradients now can come only from D's half
            fake = G(z)
            loss_D = discriminator_step(D, optimizer_D, real, fake)
            if isinstance(loss_D, tuple | list) and loss_D:
                loss_D = loss_D[0]  # (loss_D, …): the loss comes first
            try:
                losses.append(float(loss_D.detach() if hasattr(loss_D, "detach") else loss_D))
            except (TypeError, ValueError, RuntimeError):
                raise LossNotReturned(f"returned {_shown_loss(loss_D)}, not loss_D") from None
            gradients = torch.cat([_flat_grad(p) for p in D.parameters()])
            if any(p.grad is not None for p in G.parameters()):
                return StepOutcome(losses, gradients, _flat(D), generator_touched=True)
            # G's half, as in the notebook's train_step.
            loss_G = _bce(D(fake), torch.ones(len(real)))
            optimizer_G.zero_grad()
            loss_G.backward()
            optimizer_G.step()
    return StepOutcome(losses, gradients, _flat(D))


def _flat_grad(parameter: torch.Tensor) -> torch.Tensor:
    grad = parameter.grad
    return torch.zeros(parameter.numel()) if grad is None else grad.detach().flatten().clone()


def _flat(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten().clone() for p in model.parameters()])


def _shown_loss(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


@dataclass
class TrainingStepExercise(CodingExercise):
    """A coding exercise whose function is D's half of a training step.

    ``reference`` and each :class:`CodeMistake`'s implementation are D halves
    ``(D, optimizer_D, real, fake) → loss_D``; a case is a seed for :func:`tiny_models`, and a
    function is right when two whole steps with it as D's half give the reference's losses,
    D's gradients and D's weights.
    """

    def feedback(self, function) -> tuple[bool, str]:
        if function is None or function is Ellipsis or not callable(function):
            return super().feedback(function)
        label = getattr(function, "__name__", "your function")
        if is_unfilled(function):
            return False, CODE_PROMPT.format(name=label)
        seeds = [seed for (seed,) in self.all_cases()]
        for seed in seeds:
            expected = run_steps(self.reference, seed)
            where = f"On the tiny seeded DCGAN (seed {seed}, batch {_BATCH}, {_STEPS} steps)"
            try:
                received = run_steps(function, seed)
            except LossNotReturned as error:
                return (
                    False,
                    f"✗ {where}, {label} {error}. Return D's loss, the tensor you called backward() on.",
                )
            except Exception as error:  # the learner's code: report any error, do not crash
                return False, f"✗ {where}, {label} raised {type(error).__name__}: {error}"
            if not received.agrees_with(expected):
                return False, self._step_wrong(label, where, expected, received, seed)
        return (
            True,
            f"✓ Correct: the same losses, gradients and weights as the reference on all {len(seeds)} seeds.",
        )

    def _step_wrong(self, label, where, expected, received, seed) -> str:
        losses = ", ".join(f"{loss:.4f}" for loss in received.losses)
        reference = ", ".join(f"{loss:.4f}" for loss in expected.losses[: len(received.losses)])
        text = f"✗ {where}: {label} gave loss_D {losses}; the reference gives {reference}."
        if received.generator_touched:
            return f"{text} {FAKE_NOT_DETACHED}"
        if all(
            math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6)
            for a, b in zip(received.losses, expected.losses, strict=False)
        ):
            text = f"✗ {where}: {label} gave the right loss_D but D's gradients or weights differ."
        for mistake in self.mistakes:
            try:
                if received.agrees_with(run_steps(mistake.implementation, seed)):
                    return f"{text} {mistake.message}"
            except Exception:  # a mistake's version may fail here; it is then not this one
                continue
        return f"{text} Compare with the notebook's train_step, part 1. For a hint, run {self.name}.hint()."


FAKE_NOT_DETACHED = (
    "The fake batch was not detached: loss_D.backward() sent gradients into G (its .grad is "
    "filled), so D's update also computes G's gradients, and G's own backward later fails "
    "on the freed graph. Use D(fake.detach())."
)

q4 = TrainingStepExercise(
    "q4",
    reference=_discriminator_step_reference,
    cases=[(0,), (1,)],
    random_cases=lambda rng: [(rng.randint(2, 10_000),)],
    mistakes=[
        CodeMistake(_fake_not_detached, FAKE_NOT_DETACHED),
        CodeMistake(
            _labels_swapped,
            "The labels are swapped: real images get 1 (ones), generated ones 0 (zeros).",
        ),
        CodeMistake(
            _sigmoid_before_loss,
            "A sigmoid is applied before BCEWithLogitsLoss, which applies its own: pass D's raw "
            "logits to bce.",
        ),
        CodeMistake(
            _stepped_between_losses,
            "D steps after its real loss and again after its fake loss, so the fake batch meets "
            "an already-updated D: add both losses, then one backward() and one step().",
        ),
        CodeMistake(
            _no_zero_grad,
            "optimizer_D.zero_grad() is missing: D's gradients keep what G's backward of the step "
            "before left in them (the first step is right, the second is not).",
        ),
        CodeMistake(
            _one_batch_through_d,
            "Real and fake went through D as one batch (torch.cat): batch norm then mixes their "
            "statistics. The notebook's step calls D on each batch separately.",
        ),
        CodeMistake(
            _mean_of_the_two,
            "Your loss is half the reference's: add the two binary cross-entropies, do not average "
            "them (Adam's steps hardly change, but loss_D is reported as their sum).",
        ),
    ],
    hint_text="Three lines of train_step, part 1: D's loss is bce(D(real), ones) + bce(D(x), zeros) "
    "for the generated batch x, with x cut off from G's graph; then zero the gradients, "
    "backward, and one optimizer step. Return the loss.",
    solution_text="ones, zeros = torch.ones(len(real)), torch.zeros(len(real)); "
    "loss_D = bce(D(real), ones) + bce(D(fake.detach()), zeros); optimizer_D.zero_grad(); "
    "loss_D.backward(); optimizer_D.step(); return loss_D.",
)
