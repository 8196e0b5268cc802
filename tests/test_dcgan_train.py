"""The DCGAN training loop: a step, precision, resume, Ctrl-C, NaN, compile fallback, EMA."""

import json
import math
import signal
import warnings
from dataclasses import replace

import pytest
import torch

import cnn_lib.dcgan.run as train_module
from cnn_lib.dcgan.checkpoint import load_checkpoint
from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.loop import TrainingDiverged, run_training, train_dcgan
from cnn_lib.dcgan.models import (
    Discriminator,
    Generator,
    sample_latent_and_clusters,
    sample_noise,
)
from cnn_lib.dcgan.step import (
    Precision,
    choose_precision,
    r1_penalty,
    random_translate,
    train_step,
    update_ema,
)
from tests.dcgan_tiny import TINY_MODEL, interrupt_at
from tests.dcgan_tiny import tiny_config as tiny_cpu_config


def tiny_config(out, **options) -> TrainConfig:
    """The tiny run with a batch of 64 and learning rates of 1e-3, which these tests were written for."""
    settings = {"batch_size": 64, "lr_generator": 1e-3, "lr_discriminator": 1e-3}
    return tiny_cpu_config(out, **{**settings, **options})


def tiny_step(precision: Precision) -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    generator, discriminator = Generator(TINY_MODEL), Discriminator(TINY_MODEL)
    optimizers = (
        torch.optim.Adam(generator.parameters()),
        torch.optim.Adam(discriminator.parameters()),
    )
    real = torch.rand(8, 1, 16, 16) * 2 - 1
    return train_step(generator, discriminator, optimizers, real, sample_noise(8, 8), precision)


def test_train_step_updates_both_networks_and_reports_finite_statistics():
    torch.manual_seed(0)
    generator, discriminator = Generator(TINY_MODEL), Discriminator(TINY_MODEL)
    before = [p.clone() for p in (*generator.parameters(), *discriminator.parameters())]
    optimizers = (
        torch.optim.Adam(generator.parameters()),
        torch.optim.Adam(discriminator.parameters()),
    )
    stats = train_step(
        generator,
        discriminator,
        optimizers,
        torch.rand(8, 1, 16, 16) * 2 - 1,
        sample_noise(8, 8),
        Precision("cpu"),
    )
    after = list((*generator.parameters(), *discriminator.parameters()))
    assert all(not torch.equal(a, b) for a, b in zip(before, after, strict=False))
    assert set(stats) == {"loss_d", "loss_g", "d_real", "d_fake"}
    assert all(torch.isfinite(value) for value in stats.values())
    assert 0 < stats["d_real"] < 1 and 0 < stats["d_fake"] < 1


def test_r1_penalty_of_a_linear_critic_is_its_squared_weight_norm():
    # D(x) = Σ w·x has gradient w at every x, so the penalty is ‖w‖² whatever the batch.
    weight = torch.randn(1, 1, 4, 4)
    real = torch.randn(5, 1, 4, 4, requires_grad=True)
    logits = (real * weight).flatten(1).sum(1)
    assert torch.allclose(r1_penalty(logits, real), weight.pow(2).sum())


def test_train_step_with_r1_weight_moves_the_discriminator_differently():
    def discriminator_after(r1_weight: float) -> list[torch.Tensor]:
        torch.manual_seed(0)
        generator, discriminator = Generator(TINY_MODEL), Discriminator(TINY_MODEL)
        optimizers = (
            torch.optim.SGD(generator.parameters(), lr=0.1),
            torch.optim.SGD(discriminator.parameters(), lr=0.1),
        )
        real, noise = torch.rand(8, 1, 16, 16) * 2 - 1, sample_noise(8, 8)
        stats = train_step(
            generator, discriminator, optimizers, real, noise, Precision("cpu"), r1_weight=r1_weight
        )
        assert all(torch.isfinite(value) for value in stats.values())
        return [p.detach().clone() for p in discriminator.parameters()]

    plain, penalised = discriminator_after(0.0), discriminator_after(10.0)
    assert any(not torch.allclose(a, b) for a, b in zip(plain, penalised, strict=True))


def test_train_step_with_a_cluster_weight_teaches_both_networks_to_recognise_clusters():
    config = replace(TINY_MODEL, latent_clusters=4, cluster_distance=6.0, cluster_head=True)

    def after(cluster_weight: float) -> tuple[list[torch.Tensor], torch.Tensor]:
        torch.manual_seed(0)
        generator, discriminator = Generator(config), Discriminator(config)
        optimizers = (
            torch.optim.SGD(generator.parameters(), lr=0.05),
            torch.optim.SGD(discriminator.parameters(), lr=0.05),
        )
        noise, clusters = sample_latent_and_clusters(64, config, torch.Generator().manual_seed(1))
        real = torch.rand(64, 1, 16, 16) * 2 - 1
        for _ in range(30):
            train_step(
                generator,
                discriminator,
                optimizers,
                real,
                noise,
                Precision("cpu"),
                clusters=clusters,
                cluster_weight=cluster_weight,
            )
        with torch.no_grad():
            _, guesses = discriminator(generator(noise), cluster_guesses=True)
        loss = torch.nn.functional.cross_entropy(guesses, clusters)
        return [p.detach().clone() for p in generator.parameters()], loss

    (plain, plain_loss), (guided, guided_loss) = after(0.0), after(1.0)
    assert any(not torch.allclose(a, b) for a, b in zip(plain, guided, strict=True))
    # Untrained, the guess is chance: cross-entropy log 4 ≈ 1.39; trained, D names the cluster.
    assert guided_loss < 0.5 < plain_loss


def test_lazy_r1_weight_is_gamma_times_interval_on_every_interval_th_step(tmp_path):
    run = train_module.DCGANRun(
        tiny_config(tmp_path, max_steps=1, r1_gamma=0.5, r1_every=4), log=lambda *a: None
    )
    weights = []
    for step in range(8):
        run.step = step
        weights.append(run.r1_weight())
    assert weights == [2.0, 0, 0, 0, 2.0, 0, 0, 0]


def test_train_step_under_cpu_bf16_autocast_runs_the_convolutions_in_bf16():
    dtypes = []
    hook = torch.nn.modules.module.register_module_forward_hook(
        lambda module, inputs, output: (
            dtypes.append(output.dtype) if isinstance(module, torch.nn.Conv2d) else None
        )
    )
    try:
        stats = tiny_step(Precision("cpu", torch.bfloat16))
    finally:
        hook.remove()
    assert torch.bfloat16 in dtypes
    assert all(torch.isfinite(value) and value.dtype == torch.float32 for value in stats.values())


def test_train_step_with_fp16_autocast_and_a_grad_scaler_runs():
    stats = tiny_step(Precision("cpu", torch.float16, torch.amp.GradScaler("cpu")))
    assert all(torch.isfinite(value) for value in stats.values())


def test_precision_is_fp32_on_cpu_bf16_on_ampere_and_fp16_with_scaler_before(monkeypatch):
    assert choose_precision(torch.device("cpu")).name == "fp32"
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (8, 0))
    assert choose_precision(torch.device("cuda")).dtype == torch.bfloat16
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (7, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GradScaler warns that this machine has no CUDA
        older = choose_precision(torch.device("cuda"))
    assert older.dtype == torch.float16 and isinstance(older.scaler, torch.amp.GradScaler)
    assert choose_precision(torch.device("cuda"), amp=False).name == "fp32"


def test_ema_moves_towards_the_model_by_one_minus_decay():
    average, model = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    start = average.weight.detach().clone()
    update_ema(average, model, decay=0.5, step=1000)
    assert torch.allclose(average.weight, 0.5 * start + 0.5 * model.weight)


def test_random_translate_shifts_within_the_limit_and_fills_with_black():
    images = torch.ones(16, 1, 8, 8)
    shifted = random_translate(images, 2, torch.Generator().manual_seed(0))
    assert shifted.shape == images.shape and set(shifted.unique().tolist()) <= {-1.0, 1.0}
    assert (shifted == 1).sum(dim=(1, 2, 3)).min() >= 6 * 6
    assert torch.equal(random_translate(images, 0, torch.Generator()), images)


def test_a_short_run_writes_checkpoint_metrics_and_sample_grids(tmp_path):
    result = train_dcgan(tiny_config(tmp_path, epochs=2), progress=False, log=lambda *a: None)
    assert result.stopped == "finished" and result.steps == 2 * (1437 // 64)
    assert len(result.history["loss_d"]) == result.steps
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2]
    assert list(tmp_path.glob("samples_step*.png"))
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    assert (
        state["step"] == result.steps
        and state["epoch"] == 2
        and state["fixed_noise"].shape == (64, 8, 1, 1)
    )
    assert result.snapshots[0][0] == 0 and result.snapshots[-1][0] == result.steps


def test_a_run_interrupted_and_resumed_continues_the_same_loss_curve(tmp_path, monkeypatch):
    quiet = {"progress": False, "log": lambda *a: None}
    whole = train_dcgan(tiny_config(tmp_path / "whole", max_steps=30), **quiet)
    interrupt_at(9, monkeypatch)
    first = train_dcgan(tiny_config(tmp_path / "parts", max_steps=30), **quiet)
    monkeypatch.undo()
    assert first.stopped == "interrupted" and first.steps == 9
    resumed = train_dcgan(tiny_config(tmp_path / "parts", max_steps=30, resume=True), **quiet)
    # On the CPU the resumed run repeats the uninterrupted one bit for bit.
    assert resumed.history["step"] == list(range(30))
    assert resumed.history == whole.history
    for mine, theirs in zip(
        resumed.generator.parameters(), whole.generator.parameters(), strict=True
    ):
        assert torch.equal(mine, theirs)


def test_a_run_extended_by_epochs_continues_without_the_learning_rate_decay(tmp_path):
    quiet = {"progress": False, "log": lambda *a: None}
    whole = train_dcgan(tiny_config(tmp_path / "whole", epochs=2, lr_decay=False), **quiet)
    train_dcgan(tiny_config(tmp_path / "parts", epochs=1, lr_decay=False), **quiet)
    resumed = train_dcgan(tiny_config(tmp_path / "parts", epochs=2, resume=True), **quiet)
    assert resumed.history["loss_g"] == pytest.approx(whole.history["loss_g"], rel=1e-5, abs=1e-6)


def test_learning_rates_fall_linearly_to_zero_at_the_step_limit(tmp_path):
    from cnn_lib.dcgan.run import DCGANRun

    run = DCGANRun(tiny_config(tmp_path, max_steps=10), log=lambda *a: None)
    run.set_learning_rates(0.25)
    assert run.optimizer_g.param_groups[0]["lr"] == pytest.approx(0.75e-3)
    run.set_learning_rates(1.0)
    assert run.optimizer_d.param_groups[0]["lr"] == 0


def test_resume_without_a_checkpoint_says_so(tmp_path):
    with pytest.raises(ValueError, match="no checkpoint"):
        train_dcgan(tiny_config(tmp_path, max_steps=2, resume=True), progress=False)


def test_ctrl_c_saves_a_checkpoint_and_stops_cleanly(tmp_path, monkeypatch):
    before = signal.getsignal(
        signal.SIGINT
    )  # SIG_IGN where the runner was started in the background
    interrupt_at(5, monkeypatch)
    messages = []
    result = train_dcgan(tiny_config(tmp_path, max_steps=1000), progress=False, log=messages.append)
    assert result.stopped == "interrupted" and result.steps == 5
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 5
    assert any("--resume" in message for message in messages)
    assert signal.getsignal(signal.SIGINT) is before  # the previous handler is back


def test_a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    real_step = train_module.train_step

    def poisoned_after_an_epoch(generator, *args, **kwargs):
        if poisoned_after_an_epoch.calls == 30:
            with torch.no_grad():
                next(generator.parameters()).fill_(float("nan"))
        poisoned_after_an_epoch.calls += 1
        return real_step(generator, *args, **kwargs)

    poisoned_after_an_epoch.calls = 0
    monkeypatch.setattr(train_module, "train_step", poisoned_after_an_epoch)
    with pytest.raises(TrainingDiverged, match="NaN or infinite.*last good checkpoint"):
        train_dcgan(tiny_config(tmp_path, max_steps=200), progress=False, log=lambda *a: None)
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    assert state["step"] == 1437 // 64
    assert all(torch.isfinite(t).all() for t in state["generator"].values())


def test_a_failing_compile_falls_back_to_eager_training_with_a_message(tmp_path, monkeypatch):
    class Broken(torch.nn.Module):
        def forward(self, *args):
            raise RuntimeError("no compiler here")

    monkeypatch.setattr(torch, "compile", lambda model: Broken())
    messages = []
    result = train_dcgan(
        tiny_config(tmp_path, max_steps=3, compile=True), progress=False, log=messages.append
    )
    assert result.steps == 3 and any("torch.compile failed" in m for m in messages)


@pytest.mark.parametrize(
    "options, words",
    [
        ({"dataset": "imagenet"}, "dataset must be one of"),
        ({"image_size": 20}, "power of two"),
        ({"epochs": None}, "at least one of"),
        ({"batch_size": 0}, "batch size"),
        ({"ema_decay": 1.0}, "ema decay"),
        ({"r1_gamma": -0.1}, "r1 gamma"),
        ({"r1_every": 0}, "r1 every"),
        ({"latent_clusters": 0}, "latent clusters"),
        ({"cluster_distance": -2.0}, "cluster distance"),
        ({"cluster_guess_weight": -1.0}, "cluster guess weight"),
        ({"device": "tpu"}, "device must be one of"),
    ],
)
def test_train_config_rejects_bad_values_in_one_sentence(options, words):
    with pytest.raises(ValueError, match=words):
        TrainConfig(**{"epochs": 1, **options})


def test_a_stored_config_from_before_the_mixture_trains_as_it_did_then():
    fast = TrainConfig.from_recipe("fast", max_steps=3)
    stored = fast.to_dict()
    assert TrainConfig.from_dict(stored) == fast
    for added in ("latent_clusters", "cluster_distance", "cluster_guess_weight", "recipe"):
        del stored[added]
    old = TrainConfig.from_dict({**stored, "a_setting_from_the_future": 1})
    assert (old.latent_clusters, old.cluster_distance, old.cluster_guess_weight) == (1, 0.0, 0.0)
    assert old.model_config().cluster_guesses == 0
    assert old.recipe == "fast" and old.ema_decay == fast.ema_decay


def test_the_paper_recipe_is_exactly_the_papers_choices():
    paper = TrainConfig.from_recipe("paper", max_steps=1)
    assert paper == TrainConfig(max_steps=1)  # the paper's choices are the defaults
    assert (paper.latent_dim, paper.batch_size, paper.lr_generator, paper.lr_discriminator) == (
        100,
        128,
        2e-4,
        2e-4,
    )
    assert (paper.beta1, paper.generator_width, paper.discriminator_width) == (0.5, 64, 64)
    assert (paper.ema_decay, paper.translate_pixels, paper.r1_gamma) == (0.0, 0, 0.0)
    assert (paper.latent_clusters, paper.cluster_guess_weight, paper.lr_decay) == (1, 0.0, False)


def test_the_fast_recipe_is_the_paper_plus_each_ablation_step():
    from cnn_lib.dcgan.config import FAST_STEPS, PAPER, RECIPES

    changed = {key for step in FAST_STEPS.values() for key in step}
    fast = RECIPES["fast"]
    assert {key for key in PAPER if fast[key] != PAPER[key]} == changed
    assert TrainConfig.from_recipe("fast", max_steps=1, batch_size=8).batch_size == 8


def test_an_unknown_recipe_is_refused_in_one_sentence():
    with pytest.raises(ValueError, match="recipe must be one of paper, fast"):
        TrainConfig.from_recipe("fastest", max_steps=1)


def compile_with_aot_eager(monkeypatch) -> None:
    """Make torch.compile trace through AOT autograd without generating C++ (seconds, not minutes)."""
    real_compile = torch.compile
    monkeypatch.setattr(
        torch, "compile", lambda model, **options: real_compile(model, backend="aot_eager")
    )


@pytest.mark.slow
def test_compile_with_r1_trains_compiled_and_survives_a_resume_between_r1_steps(
    tmp_path, monkeypatch
):
    # R1 differentiates twice through D, which torch.compile cannot: R1 steps must run eagerly.
    compile_with_aot_eager(monkeypatch)
    messages = []
    options = {"r1_every": 2, "compile": True}
    fresh = train_dcgan(
        tiny_config(tmp_path, max_steps=3, **options), progress=False, log=messages.append
    )
    assert fresh.steps == 3 and fresh.compile_seconds > 0
    # Resumed at step 3, the first step is compiled and step 4 is an R1 step.
    resumed = train_dcgan(
        tiny_config(tmp_path, max_steps=6, resume=True, **options),
        progress=False,
        log=messages.append,
    )
    assert resumed.steps == 6
    assert not any("torch.compile failed" in message for message in messages)


class _FailsInBackward(torch.autograd.Function):
    """Identity forward whose backward raises, like a compiler that fails lazily in backward."""

    @staticmethod
    def forward(ctx, tensor):
        return tensor.view_as(tensor)

    @staticmethod
    def backward(ctx, gradient):
        raise RuntimeError("the backward failed to compile")


class CompiledInName(torch.nn.Module):
    """Stands in for torch.compile's wrapper; ``fail_backward`` makes its backward raise."""

    def __init__(self, model: torch.nn.Module, fail_backward: bool) -> None:
        super().__init__()
        self._orig_mod, self.fail_backward = model, fail_backward

    def forward(self, *args, **kwargs):
        output = self._orig_mod(*args, **kwargs)
        return _FailsInBackward.apply(output) if self.fail_backward else output


def test_a_compile_failing_after_the_d_update_falls_back_with_the_grad_scaler_restored(
    tmp_path, monkeypatch
):
    # G's backward fails after scaler.step(optimizer_d): the eager retry must step D again.
    monkeypatch.setattr(
        torch,
        "compile",
        lambda model, **options: CompiledInName(model, isinstance(model, Generator)),
    )
    messages = []
    run = train_module.DCGANRun(
        tiny_config(tmp_path, max_steps=3, compile=True, r1_gamma=0.0), log=messages.append
    )
    run.precision = Precision("cpu", torch.float16, torch.amp.GradScaler("cpu"))
    result = run_training(run, progress=False)
    assert result.steps == 3 and any("torch.compile failed" in m for m in messages)
    assert all(math.isfinite(value) for value in result.history["loss_d"])


def test_the_generator_update_leaves_the_discriminators_gradients_alone():
    # G's loss needs D's gradient with respect to its input, never to D's weights.
    torch.manual_seed(0)
    generator, discriminator = Generator(TINY_MODEL), Discriminator(TINY_MODEL)
    optimizer_d = torch.optim.SGD(discriminator.parameters(), lr=0.1)
    after_d_update = []
    optimizer_d.register_step_post_hook(
        lambda *args: after_d_update.extend(p.grad.clone() for p in discriminator.parameters())
    )
    optimizers = (torch.optim.SGD(generator.parameters(), lr=0.1), optimizer_d)
    real = torch.rand(8, 1, 16, 16) * 2 - 1
    train_step(generator, discriminator, optimizers, real, sample_noise(8, 8), Precision("cpu"))
    for gradient, parameter in zip(after_d_update, discriminator.parameters(), strict=True):
        assert torch.equal(gradient, parameter.grad)
    assert all(parameter.requires_grad for parameter in discriminator.parameters())


def test_a_training_step_draws_noise_and_shifts_on_the_device_without_copies(tmp_path, monkeypatch):
    # On a GPU each .to(device) of a CPU tensor is a blocking copy that stalls the small model.
    run = train_module.DCGANRun(tiny_config(tmp_path, max_steps=1), log=lambda *a: None)
    assert run.noise_random.device == run.augment_random.device == run.device
    real = next(run.data.batches(torch.arange(64), 64, 0, run.device))
    moves, real_to = [], torch.Tensor.to

    def counting_to(tensor, *args, **kwargs):
        if any(isinstance(a, (torch.device, str)) for a in (*args, *kwargs.values())):
            moves.append(tensor.shape)
        return real_to(tensor, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", counting_to)
    run.one_step(real)
    assert moves == []


def test_the_runs_device_side_latent_matches_the_models_sampler_on_the_cpu(tmp_path):
    run = train_module.DCGANRun(tiny_config(tmp_path, max_steps=1), log=lambda *a: None)
    run.noise_random.manual_seed(5)
    noise, clusters = run.draw_latent(16)
    expected = sample_latent_and_clusters(16, run.model_config, torch.Generator().manual_seed(5))
    assert torch.equal(noise, expected[0]) and torch.equal(clusters, expected[1])
