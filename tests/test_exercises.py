"""The exercise checks: every reference answer passes, typical wrong answers get their own message."""

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.exercises import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07
from cnn_lib.exercises.base import CODE_PROMPT, PROMPT, CodingExercise

ROOT = Path(__file__).resolve().parents[1]
MODULES = [nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07]
EXERCISES = [
    (module.__name__.rsplit(".", 1)[-1], name, getattr(module, name))
    for module in MODULES
    for name in sorted(vars(module))
    if name.startswith("q") and name[1:].isdigit()
]


@pytest.mark.parametrize("notebook, name, exercise", EXERCISES, ids=lambda v: str(v)[:8])
def test_reference_answer_passes(notebook, name, exercise):
    coding = isinstance(exercise, CodingExercise)  # answered with a function, not a value
    correct, message = exercise.feedback(exercise.reference if coding else exercise.expected)
    assert correct and message.startswith("✓"), (notebook, name, message)


@pytest.mark.parametrize("notebook, name, exercise", EXERCISES, ids=lambda v: str(v)[:8])
def test_unanswered_exercise_prompts_and_gives_nothing_away(notebook, name, exercise):
    prompt = (
        CODE_PROMPT.format(name="your function") if isinstance(exercise, CodingExercise) else PROMPT
    )
    assert exercise.feedback(None) == (False, prompt)
    assert exercise.solution_text not in prompt


def test_every_notebook_has_three_to_five_exercises_besides_going_further_ones():
    for module in MODULES:
        count = sum(1 for n in vars(module) if n.startswith("q") and n[1:].isdigit())
        notebook = next((ROOT / "notebooks").glob(f"{module.__name__[-2:]}_*.ipynb"))
        optional = notebook.read_text().count("*(Going further)*")  # an exercise's own marker
        assert 3 <= count - optional <= 5, module.__name__


def says(exercise, answer) -> str:
    correct, message = exercise.feedback(answer)
    assert not correct, (answer, message)
    return message


def count_without_biases(layers):
    """Notebook 05's parameter counter, written without the biases."""
    convs = sum(layer[1] * layer[2] * layer[3] ** 2 for layer in layers if layer[0] == "conv")
    return convs + sum(layer[1] * layer[2] for layer in layers if layer[0] == "linear")


def count_with_k_for_k_squared(layers):
    """Notebook 05's parameter counter, with k weights per input channel instead of k²."""
    convs = sum(layer[2] * (layer[1] * layer[3] + 1) for layer in layers if layer[0] == "conv")
    return convs + sum(layer[2] * (layer[1] + 1) for layer in layers if layer[0] == "linear")


_min = nb03._min
WRONG_ANSWERS = [
    # (exercise, a typical wrong answer, words its message must contain)
    (nb00.q1, (28 - 5) / 2 + 1, "misprinted formula with /2"),
    (nb00.q1, 23, "Add 1"),
    (nb00.q2, 4, "each side"),
    (nb00.q2, 0, "p = 0"),
    (nb00.q3, 12.5, "floors"),
    (nb00.q3, 13, "rounded 11.5 up"),
    (nb00.q3, 11, "add the 1"),
    (nb01.q1, [[0, 0, 0], [0, 0, 1], [0, 0, 0]], "moves left"),
    (nb01.q1, np.eye(3)[[1, 1, 1]] * 0 + np.diag([0, 1, 0]), "identity"),
    (nb01.q1, [[1, 0, 0], [0, 0, 0], [0, 0, 0]], "outside the middle row"),
    (nb01.q1, [[0, 0, 0], [0, 0, 0], [1, 0, 0]], "outside the middle row"),
    (nb01.q2, 0.5, "sum to 1"),
    (nb01.q2, 0.1, "one of the nine products"),
    (nb01.q2, 0, "sum to 0"),
    (nb01.q3, 7, "wrong sign"),
    (nb01.q3, nb01._centred, "centred the window"),
    (nb01.q3, nb01._swapped, "swapped"),
    (nb01.q4, ["identity", "Sobel x"], "change when flipped"),
    (nb01.q4, ["identity"], "some are missing"),
    (nb02.q1, 24, "after the first layer"),
    (nb02.q1, 12.5, "kept the fraction"),
    (nb02.q1, 13, "rounded 11.5 up"),
    (nb02.q1, 6, "misprinted /2"),
    (nb00.q2, 1, "3×3 kernel"),
    (nb00.q2, 2.5, "no whole number"),
    (nb00.q2, 3, "Too much"),
    (nb00.q3, 24, "stride is forgotten"),
    (nb01.q1, [[0, 1, 0], [0, 0, 0], [0, 0, 0]], "image moves down"),
    (nb01.q1, [[0, 0, 0], [0, 0, 0], [0, 1, 0]], "image moves up"),
    (nb02.q1, 11, "adds 1 for the first window"),
    (nb02.q4, (2, 9), "swapped"),
    (nb02.q5, (9, 2), "multiplies it again"),
    (nb02.q3, [(3, 2, 1), (8, 2, 3)], "k = 8, outside 1–7"),
    (nb02.q3, [(3, 2, 1), (3, 2, 4)], "p = 4, outside 0–3"),
    # the coding exercises: a typical wrong implementation each
    (nb01.q5, lambda x, w: nb01._cross_correlation_reference(x, w[::-1, ::-1].copy()), "flipped"),
    (nb01.q5, lambda x, w: nb01._cross_correlation_reference(x, w)[:-1, :-1], "off by one"),
    (
        nb01.q5,
        lambda x, w: np.pad(
            nb01._cross_correlation_reference(x, w), ((0, w.shape[0] - 1), (0, w.shape[1] - 1))
        ),
        "input's size",
    ),
    (
        nb02.q2,
        lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) / s + 1,
        "floor is missing",
    ),
    (nb02.q2, lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) // 2 + 1, "/2 misprint"),
    (nb02.q2, lambda i, k, s=1, p=0, d=1: (i + 2 * p - k) / 2 + 1, "/2 misprint"),
    (nb02.q2, lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) // s, "+ 1 is forgotten"),
    (nb02.q2, lambda i, k, s=1, p=0, d=1: (i + 2 * p - k) // s + 1, "Dilation is ignored"),
    (nb02.q2, lambda i, k, s=1, p=0, d=1: (i + p - d * (k - 1) - 1) // s + 1, "counted once"),
    (nb02.q3, [(3, 2, 1), (5, 3, 1)], "(5, 3, 1) gives"),
    (nb02.q3, [(3, 2, 1), (4, 2, 1)], "some are missing"),
    (nb02.q4, (12, 3), "d(k − 1) + 1, not d·k"),
    (nb02.q4, (8, 3), "counts both ends"),
    (nb02.q4, (9, 3), "put it in place of k"),
    (nb02.q5, (7, 4), "adds (k − 1)·j of the layer *before*"),
    (nb02.q5, (15, 4), "each layer's own jump"),
    (nb02.q5, (9, 5), "Strides multiply the jump"),
    (nb03.q1, 112.5, "kept the fraction"),
    (nb03.q1, 113, "ceil_mode"),
    (nb03.q1, 111, "left out the padding"),
    (nb03.q1, 75, "default stride"),
    (nb03.q2, nb03._max, "That is max pooling"),
    (nb03.q2, -_min, "wrong sign"),
    (nb03.q2, _min[:2, :2], "stride 3"),
    (nb03.q3, (15_690, 330), "28×28"),
    (nb03.q3, (81_920, 320), "biases"),
    (nb03.q3, (81_930, 32_010), "one value per channel"),
    (nb03.q4, 3.5, "average"),
    (nb03.q4, 14, "p = 1"),
    (nb04.q1, 1, "convolution's size"),
    (nb04.q1, 16, "−2p, not +2p"),
    (nb04.q1, 13, "output_padding = 1"),
    (nb04.q2, "b", "Flipping"),
    (nb04.q2, "c", "between"),
    (nb04.q3, (1, 14), "Off by output_padding"),
    (nb04.q3, (0, 12), "not 7"),
    (nb04.q4, "a", "Too small"),
    (nb04.q4, "d", "Too large"),
    (nb05.q1, 105_866, "grow with k²"),
    (nb05.q1, nb05.digits_cnn_parameters(k=5, side_after_pools=4), "padding=0"),
    (nb05.q2, 100_416, "both pools"),
    (nb05.q2, 1_605_696, "no pooling"),
    (nb05.q2, 401_408, "biases"),
    (nb05.q3, 32, "two numbers per channel"),
    (nb05.q3, 128, "buffers"),
    (nb05.q3, 2 * 32 * 14 * 14, "per channel"),
    (nb05.q4, 0.127, "if the image were fake"),
    (nb05.q4, 0.119, "σ(−2)"),
    (nb05.q4, -2.127, "sign"),
    (nb05.q4, 0.924, "base 10"),
    (nb05.q4, 2, "not exactly"),
    (nb05.q5, 33_920, "parameters"),
    (nb05.q5, 28_901_376, "grouped"),
    (nb07.q1, (32, 524_288), "width next to the image"),
    (nb07.q1, (100, 524_288), "z's length"),
    (nb07.q1, (256, 409_600), "projection"),
    (nb07.q2, "a", "Speed"),
    (nb07.q2, "c", "round to exactly"),
    (nb07.q3, "b", "end, not the start"),
    (nb07.q3, "c", "fooled"),
    # the functions of notebooks 03–05 and 07, written wrong as a learner might
    (nb03.q5, lambda x, k, s, p: F.max_pool2d(x[None, None], k, 1, p)[0, 0], "stride is ignored"),
    (nb03.q5, lambda x, k, s, p: F.max_pool2d(F.pad(x[None, None], (p,) * 4), k, s)[0, 0], "−∞"),
    (
        nb04.q5,
        lambda x, w, s, p: F.conv_transpose2d(
            x[None, None], w.flip(0, 1)[None, None], stride=s, padding=p
        )[0, 0],
        "kernel is flipped",
    ),
    (
        nb04.q5,
        lambda x, w, s, p: F.conv_transpose2d(x[None, None], w[None, None], stride=1, padding=p)[
            0, 0
        ],
        "stride is ignored",
    ),
    (nb05.q6, count_without_biases, "biases are forgotten"),
    (nb05.q6, count_with_k_for_k_squared, "k where k² belongs"),
    (nb07.q4, nb07._labels_swapped, "labels are swapped"),
    (nb07.q4, nb07._fake_not_detached, "not detached"),
    # notebook 06: a count, two functions the learner writes, a layer
    (nb06.q1, 112_896, "biases"),
    (nb06.q1, 160, "convolution"),
    (nb06.q2, lambda i, k, c, o: o * (i - k + 1) ** 2 * c * k * k, "bias is forgotten"),
    (nb06.q2, lambda i, k, c, o: o * (c * k * k + 1), "shared by mistake"),
    (nb06.q3, lambda images, pixels: torch.roll(images, pixels, -1), "torch.roll"),
    (
        nb06.q3,
        lambda images, pixels: torch.nn.functional.pad(images, (0, pixels))[..., pixels:],
        "moved left",
    ),
    (nb06.q4, "a", "moves its map with its input"),
    (nb06.q4, "b", "ReLU acts on each value alone"),
]


@pytest.mark.parametrize(
    "exercise, answer, words",
    WRONG_ANSWERS,
    ids=[f"{e.name}-{w[:20]}" for e, _, w in WRONG_ANSWERS],
)
def test_typical_wrong_answer_gets_its_own_message(exercise, answer, words):
    message = says(exercise, answer)
    assert words in message, message
    assert exercise.solution_text not in message


def test_every_exercise_has_at_least_two_specific_wrong_answer_messages():
    for _, _, exercise in EXERCISES:
        covered = [a for e, a, _ in WRONG_ANSWERS if e is exercise]
        assert len(covered) >= 2, exercise.name


def test_generic_wrong_answer_says_wrong_without_the_answer():
    message = says(nb02.q1, 999)
    assert "Not 999" in message and "For a hint, run q1.hint()." in message
    assert "12" not in message


def test_the_hint_prompt_after_a_question_reads_as_a_sentence():
    message = says(nb01.q2, 0.7)
    assert "What is Σ c·w? For a hint, run q2.hint()." in message
    assert "?:" not in message


# Honest forms of the right answer: NumPy and PyTorch numbers, arrays, tensors.


@pytest.mark.parametrize(
    "answer", [np.int64(24), np.float64(24.0), np.array(24), torch.tensor(24), torch.tensor(24.0)]
)
def test_numpy_and_torch_numbers_are_read_as_numbers(answer):
    assert nb00.q1.feedback(answer)[0]


def test_a_message_never_echoes_a_numpy_type():
    message = says(nb00.q1, np.float64(-1.0))
    assert "Not -1.0." in message and "np." not in message and "float64" not in message
    message = says(nb02.q4, (np.int64(12), np.int64(3)))
    assert "Not (12, 3)." in message and "int64" not in message


def test_a_tensor_of_several_numbers_is_not_one_number():
    assert "a number" in says(nb00.q1, torch.tensor([24, 24]))


@pytest.mark.parametrize(
    "form",
    [
        lambda rows: np.array(rows),
        lambda rows: torch.tensor(rows),
        lambda rows: [tuple(np.int64(v) for v in row) for row in rows],
        lambda rows: [np.array(row) for row in rows],
    ],
    ids=["array", "tensor", "np.int64 tuples", "list of arrays"],
)
def test_nb02_q3_accepts_the_right_set_as_array_tensor_or_numpy_tuples(form):
    rows = sorted(nb02.q3.expected)
    assert nb02.q3.feedback(form(rows))[0]


def test_nb02_q3_a_tuple_outside_the_range_is_told_so_not_that_32_is_not_32():
    message = says(nb02.q3, [*nb02.q3.expected, (8, 2, 3)])
    assert "outside the range" in message and "not 32" not in message


def test_nb02_q1_a_forgotten_plus_one_is_not_told_it_left_out_the_padding():
    assert "left out the" not in says(nb02.q1, 11)


def test_an_answer_right_to_the_asked_decimals_is_accepted():
    exercise = replace(nb01.q2, expected=8.0, decimals=3)
    assert exercise.feedback(8.000025)[0]
    assert exercise.feedback(np.float64(7.9996))[0]
    assert not exercise.feedback(8.002)[0]
    assert not replace(nb01.q2, expected=8.0).feedback(8.000025)[0]  # no precision asked: exact


def test_an_answer_rounded_to_too_few_decimals_is_asked_for_more():
    exercise = replace(nb01.q2, expected=2.12693, decimals=3, mistakes=[])
    assert exercise.feedback(2.127)[0]
    message = says(exercise, 2.13)
    assert "rounded to 2 decimal places. Give 3." in message


def test_a_coding_exercise_shows_numpy_results_as_plain_numbers():
    message = says(nb02.q2, lambda i, k, s=1, p=0, d=1: np.float64(-1.0))
    assert "returned -1.0;" in message and "np." not in message


def test_unfilled_coding_exercises_are_reported_as_unfilled():
    def my_output_size(i, k, s=1, p=0, d=1):
        """Return the output size."""
        ...

    correct, message = nb02.q2.feedback(my_output_size)
    assert not correct and message == CODE_PROMPT.format(name="my_output_size")


def test_a_kernel_with_batch_and_channel_axes_or_as_a_tensor_is_read_as_3x3():
    shift_right = np.zeros((1, 1, 3, 3))
    shift_right[0, 0, 1, 0] = 1
    assert nb01.q1.feedback(shift_right)[0]
    assert nb01.q1.feedback(torch.from_numpy(shift_right[0, 0]))[0]


def test_answer_of_the_wrong_form_says_what_form_is_expected():
    assert "a number" in says(nb00.q1, "24 pixels")
    assert "letters" in says(nb07.q2, 2)
    assert "two things" in says(nb02.q4, 9)


def test_check_hint_and_solution_print(capsys):
    nb00.q1.check(None)
    nb00.q1.hint()
    nb00.q1.solution()
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == PROMPT
    assert printed[1].startswith("Hint:") and printed[2].startswith("Solution:")


# The reference answers against PyTorch, the oracle.


def test_nb01_q2_is_what_conv2d_gives_on_a_constant_image():
    from cnn_lib.ops import conv2d

    out = conv2d(np.full((1, 1, 5, 5), 0.5), np.full((1, 1, 3, 3), 0.2))
    assert np.allclose(out, nb01.q2.expected)


def test_nb02_q2_reference_is_torchs_output_size_over_a_grid():
    import itertools

    for i, k, s, p, d in itertools.product(range(1, 13), range(1, 6), (1, 2, 3), (0, 1, 2), (1, 2)):
        if i + 2 * p < d * (k - 1) + 1:
            continue  # torch refuses; the exercise never asks
        out = torch.nn.functional.conv2d(
            torch.zeros(1, 1, i, i), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d
        )
        assert nb02.q2.reference(i, k, s, p, d) == out.shape[-1], (i, k, s, p, d)


def test_nb02_q2_cases_all_fit_and_name_every_mistake_on_a_case_of_its_own():
    for case in nb02.q2.all_cases():
        i, k, s, p, d = case
        assert i + 2 * p >= d * (k - 1) + 1, case


def test_nb01_q5_reference_is_torch_conv2d_and_matches_the_librarys_loops():
    from cnn_lib.ops import conv2d_loops

    for x, w in nb01.q5.all_cases():
        loops = conv2d_loops(x[None, None], w[None, None])[0, 0]
        assert np.allclose(nb01.q5.reference(x, w), loops)


def test_nb02_q1_matches_torch():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 1, 5), torch.nn.Conv2d(1, 1, 3, stride=2, padding=1)
    )
    assert net(torch.zeros(1, 1, 28, 28)).shape[-1] == nb02.q1.expected


def test_nb03_q2_is_torch_min_pooling():
    t = torch.from_numpy(nb03.pooling_grid(6))[None, None]
    assert np.allclose(
        -torch.nn.functional.max_pool2d(-t, 3, stride=1)[0, 0].numpy(), nb03.q2.expected
    )


def test_nb03_q3_matches_the_model_cost_of_small_cnn():
    from cnn_lib.layer_cost import model_cost
    from cnn_lib.pooling import small_cnn

    counts = tuple(
        model_cost(small_cnn(head, size=64), (1, 64, 64))[-1].parameters
        for head in ("pool + flatten", "pool + global average")
    )
    assert counts == nb03.q3.expected


def test_nb04_answers_match_torch():
    from cnn_lib.ops.transposed import transposed_by_scatter

    layer = torch.nn.ConvTranspose2d(1, 1, 5, stride=3, padding=1)
    assert layer(torch.zeros(1, 1, 4, 4)).shape[-1] == nb04.q1.expected
    w = np.random.default_rng(1).standard_normal((1, 1, 3, 3))
    assert np.allclose(transposed_by_scatter(np.ones((1, 1, 1, 1)), w, stride=2), w)  # (a)
    conv = torch.nn.Conv2d(1, 1, 3, 2, 1)
    up = torch.nn.ConvTranspose2d(1, 1, 3, 2, 1, output_padding=1)
    assert conv(torch.zeros(1, 1, 14, 14)).shape[-1] == 7
    assert up(torch.zeros(1, 1, 7, 7)).shape[-1] == nb04.q3.expected[1]


@pytest.mark.slow
def test_nb04_q4_best_noise_to_signal_is_the_answer():
    from cnn_lib.data import load_photo
    from cnn_lib.ops.deconvolution import blur, gaussian_kernel, psnr, wiener_deconvolve

    original = load_photo(size=64)
    g = gaussian_kernel(5, sigma=1.0)
    blurred = blur(original, g, noise=0.01, seed=0)
    scores = [psnr(wiener_deconvolve(blurred, g, n), original) for n in (1e-4, 1e-3, 1e-2, 1e-1)]
    assert "abcd"[int(np.argmax(scores))] == nb04.q4.expected


def test_nb05_parameter_counts_match_torch():
    from cnn_lib.classifier.model import DigitsCNN
    from cnn_lib.layer_cost import count_parameters

    assert count_parameters(DigitsCNN(image_size=28, kernel_size=5)) == nb05.q1.expected
    assert count_parameters(torch.nn.BatchNorm2d(32)) == nb05.q3.expected
    assert count_parameters(torch.nn.Linear(32 * 14 * 14, 64)) == nb05.q2.expected


def test_batch_norm_in_training_mode_gives_each_channel_mean_0_and_std_1():
    # The number notebook 05 teaches (its batch-norm cell is tag-checked too).
    generator = torch.Generator().manual_seed(0)
    x = 5 + 3 * torch.randn(64, 16, 14, 14, generator=generator)
    y = torch.nn.BatchNorm2d(16)(x)
    assert torch.allclose(y.mean(dim=(0, 2, 3)), torch.zeros(16), atol=1e-5)
    assert torch.allclose(y.std(dim=(0, 2, 3), unbiased=False), torch.ones(16), atol=1e-3)


def test_leaky_relu_tanh_and_sigmoid_values_notebook_05_teaches():
    x = torch.tensor([-2.0, 0.0, 2.0])
    assert torch.nn.LeakyReLU(0.2)(x).tolist() == pytest.approx([-0.4, 0.0, 2.0])
    assert torch.tanh(x).tolist() == pytest.approx([-0.964, 0.0, 0.964], abs=1e-3)
    assert torch.sigmoid(x).tolist() == pytest.approx([0.119, 0.5, 0.881], abs=1e-3)


def test_nb05_q4_is_torch_bce_with_logits_of_a_real_image_called_fake():
    loss = torch.nn.BCEWithLogitsLoss()(torch.tensor([-2.0]), torch.tensor([1.0]))
    assert math.isclose(loss.item(), nb05.q4.expected, rel_tol=1e-6)


def test_bce_of_an_undecided_logit_is_ln_2_as_notebook_05_teaches():
    for target in (0.0, 1.0):
        loss = torch.nn.BCEWithLogitsLoss()(torch.tensor([0.0]), torch.tensor([target]))
        assert math.isclose(loss.item(), math.log(2), rel_tol=1e-6)


def test_nb05_q5_matches_model_cost():
    from cnn_lib.layer_cost import model_cost

    pair = torch.nn.Sequential(
        torch.nn.Conv2d(128, 128, 3, padding=1, groups=128, bias=False),
        torch.nn.Conv2d(128, 256, 1, bias=False),
    )
    assert sum(row.macs for row in model_cost(pair, (128, 28, 28))) == nb05.q5.expected


def test_nb07_q1_matches_the_dcgan_layer_tables():
    from cnn_lib.dcgan.config import TrainConfig
    from cnn_lib.dcgan.presets import preset_config
    from cnn_lib.dcgan.shapes import layer_tables

    config = preset_config("cpu", quick=False)
    assert isinstance(config, TrainConfig) and config.generator_width == 32
    tables = layer_tables(replace(config.model_config(), image_size=64, channels=3))
    convolutions = [row for rows in tables.values() for row in rows if "Conv" in row.name]
    assert tables["G"][0].output_shape[0] == nb07.q1.expected[0]
    assert max(row.parameters for row in convolutions) == nb07.q1.expected[1]
    assert sorted(r.parameters for r in convolutions) == sorted(nb07.convolution_weights().values())


def test_nb07_q2_sigmoid_rounds_to_one_in_float16_where_the_logit_form_stays_finite():
    logit = torch.tensor([12.0], dtype=torch.float16)
    assert torch.sigmoid(logit).item() == 1.0
    naive = torch.nn.BCELoss()(torch.sigmoid(logit).float(), torch.tensor([0.0]))
    stable = torch.nn.BCEWithLogitsLoss()(logit.float(), torch.tensor([0.0]))
    assert naive.item() == pytest.approx(100.0)  # log(0) clamped at −100
    assert stable.item() == pytest.approx(12.0, abs=1e-4)


def test_nb07_q3_saturating_loss_gives_g_a_vanishing_gradient_near_zero():
    logit = torch.tensor([-6.0], requires_grad=True)  # D(G(z)) = σ(−6) ≈ 0.0025
    torch.log(1 - torch.sigmoid(logit)).sum().backward()
    saturating = logit.grad.abs().item()
    logit.grad = None
    (-torch.log(torch.sigmoid(logit))).sum().backward()
    assert saturating < 0.01 < logit.grad.abs().item()


@pytest.mark.parametrize("answer", [(11, 4), (10, 4), (13, 4)])
def test_nb02_q5_a_right_jump_is_not_called_added(answer):
    assert "Strides multiply" not in says(nb02.q5, answer)


def test_nb01_q1_a_middle_row_blur_is_not_told_to_leave_the_middle_row():
    assert "middle row" not in says(nb01.q1, [[0, 0, 0], [0.5, 0, 0.5], [0, 0, 0]])
