"""Notebook 07's exercises: D's half of the training step against the reference, q1's 32×32 answer."""

import pytest
import torch

from cnn_lib.dcgan.models import ModelConfig
from cnn_lib.dcgan.shapes import layer_tables
from cnn_lib.exercises import nb07
from cnn_lib.exercises.base import CODE_PROMPT


def message(exercise, answer) -> str:
    return exercise.feedback(answer)[1]


def test_q1_the_32x32_tables_values_get_their_own_sentence():
    tables = layer_tables(
        ModelConfig(image_size=32, channels=1, generator_width=32, discriminator_width=32)
    )
    first = tables["G"][0].output_shape[0]
    largest = max(row.parameters for rows in tables.values() for row in rows)
    assert (first, largest) == (128, 204_800)
    for answer in [(first, largest), (256, largest), (first, nb07.q1.expected[1])]:
        text = message(nb07.q1, answer)
        assert text.startswith("✗") and "32×32 table" in text, text


def test_q4_reference_passes_and_matches_the_notebooks_step_part_one():
    correct, text = nb07.q4.feedback(nb07._discriminator_step_reference)
    assert correct and text.startswith("✓"), text


def test_q4_reference_trains_d_as_the_library_step_does():
    """The reference D half, with G's half given, updates D exactly as cnn_lib's train_step."""
    from cnn_lib.dcgan.step import Precision, train_step

    G, D, optimizer_G, optimizer_D, real, z = nb07.tiny_models(3)
    train_step(G, D, (optimizer_G, optimizer_D), real, z, Precision("cpu"))
    library = nb07._flat(D)
    outcome = nb07.run_steps(nb07._discriminator_step_reference, 3)
    G, D, optimizer_G, optimizer_D, real, z = nb07.tiny_models(3)
    nb07._discriminator_step_reference(D, optimizer_D, real, G(z))
    assert torch.allclose(nb07._flat(D), library, atol=1e-7)
    assert len(outcome.losses) == 2 and not outcome.generator_touched


def test_q4_unfilled_function_is_reported_not_run():
    def discriminator_step(D, optimizer_D, real, fake):
        """Update D once; return loss_D."""
        ...

    assert message(nb07.q4, discriminator_step) == CODE_PROMPT.format(name="discriminator_step")
    assert message(nb07.q4, None) == CODE_PROMPT.format(name="your function")


@pytest.mark.parametrize(
    "wrong, words",
    [
        (nb07._fake_not_detached, "not detached"),
        (nb07._labels_swapped, "labels are swapped"),
        (nb07._sigmoid_before_loss, "sigmoid is applied before"),
        (nb07._stepped_between_losses, "again after its fake loss"),
        (nb07._no_zero_grad, "zero_grad() is missing"),
        (nb07._one_batch_through_d, "one batch"),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)[:12]),
)
def test_q4_typical_wrong_steps_get_their_own_message(wrong, words):
    correct, text = nb07.q4.feedback(wrong)
    assert not correct and words in text, text
    assert nb07.q4.solution_text not in text


def test_q4_a_step_that_returns_nothing_is_told_to_return_the_loss():
    def discriminator_step(D, optimizer_D, real, fake):
        nb07._discriminator_step_reference(D, optimizer_D, real, fake)

    text = message(nb07.q4, discriminator_step)
    assert "returned None" in text and "Return D's loss" in text


def test_q4_an_error_in_the_learners_step_is_reported_not_raised():
    def discriminator_step(D, optimizer_D, real, fake):
        return D(real, fake)

    assert "discriminator_step raised RuntimeError" in message(nb07.q4, discriminator_step)


def test_q4_an_unrecognised_wrong_step_points_to_the_hint():
    def discriminator_step(D, optimizer_D, real, fake):
        return nb07._discriminator_step_reference(D, optimizer_D, real, fake) * 3

    text = message(nb07.q4, discriminator_step)
    assert text.startswith("✗") and "q4.hint()" in text


def test_q4_check_leaves_the_global_random_state_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    nb07.q4.feedback(nb07._discriminator_step_reference)
    assert torch.equal(torch.get_rng_state(), before)
