"""One DCGAN run's state: models, optimizers, data, counters and random streams; save and resume.

:mod:`cnn_lib.dcgan.loop` drives it (``train_dcgan``); this module never imports the loop.
"""

from __future__ import annotations

import copy
import gc
import time
from dataclasses import replace
from pathlib import Path

import torch

from cnn_lib.dcgan.checkpoint import load_checkpoint, save_checkpoint, strip_prefixes
from cnn_lib.dcgan.config import RUNTIME_FIELDS, TrainConfig
from cnn_lib.dcgan.data import FolderImages, TensorImages, load_training_images
from cnn_lib.dcgan.distributed import (
    any_rank,
    close_distributed,
    gather_to_all,
    gradients_kept_local,
    init_distributed,
    main_process_first,
    wrap_model,
)
from cnn_lib.dcgan.models import (
    Discriminator,
    Generator,
    latent_centres,
    sample_latent,
    sample_latent_and_clusters,
)
from cnn_lib.dcgan.step import (
    StepFunction,
    choose_precision,
    prepare_for_device,
    random_translate,
    train_step,
    try_compile,
    update_ema,
)
from cnn_lib.device import free_cpu_cores, pick_device

STATISTICS = ("loss_d", "loss_g", "d_real", "d_fake")


class DCGANRun:
    """One training run: models, optimizers, data and counters, with save and resume."""

    def __init__(
        self,
        config: TrainConfig,
        log=print,
        step: StepFunction | None = None,
        data: TensorImages | FolderImages | None = None,
    ) -> None:
        """Build the run; ``data``, if given, replaces loading ``config.dataset`` (benchmarks)."""
        self.context = init_distributed(config.device)
        self.log = log if self.context.is_main else (lambda *args, **kwargs: None)
        self.checkpoint_path = Path(config.out) / "checkpoint.pt"
        saved = self._saved_state(config)
        if saved is not None:
            keep = {name: getattr(config, name) for name in RUNTIME_FIELDS}
            config = replace(TrainConfig.from_dict(saved["config"]), **keep)
        self.config = config
        self.custom_step = step
        if step is not None:
            _check_custom_step_recipe(config)
        self.device = self._pick_device(config)
        self.precision = choose_precision(self.device, config.amp, scaler_allowed=step is None)
        if data is None:
            with main_process_first(self.context):  # one download, not one per rank at once
                data = load_training_images(
                    config.dataset, config.image_size, config.data_root, config.workers
                )
        self.data = data
        if hasattr(self.data, "to"):
            self.data.to(self.device)
        self._build_models(config)
        self.step, self.epoch, self.batch_in_epoch, self.total_seconds = 0, 0, 0, 0.0
        self.history: dict[str, list[float]] = {"step": [], **{name: [] for name in STATISTICS}}
        # On the training device, so a step's noise and shifts need no copy from the CPU.
        self.noise_random = torch.Generator(self.device).manual_seed(
            config.seed * 2 + 1 + 1000 * self.context.rank
        )
        self.augment_random = torch.Generator(self.device).manual_seed(
            config.seed * 2 + 2 + 1000 * self.context.rank
        )
        self.latent_centres = latent_centres(self.model_config).to(self.device)
        self.fixed_noise = sample_latent(
            64, self.model_config, torch.Generator().manual_seed(config.seed)
        )
        if saved is not None:
            self.load_state_dict(saved)
            self.log(
                f"resuming from {self.checkpoint_path} at step {self.step}, epoch {self.epoch}"
            )

    def _saved_state(self, config: TrainConfig) -> dict | None:
        if not config.resume:
            return None
        if not self.checkpoint_path.is_file():
            raise ValueError(
                f"--resume found no checkpoint at {self.checkpoint_path}; drop --resume to start fresh."
            )
        return load_checkpoint(self.checkpoint_path)

    def _pick_device(self, config: TrainConfig) -> torch.device:
        device = pick_device(config.device)
        if device.type == "cuda":
            device = torch.device("cuda", self.context.local_rank)
            # Let cuDNN time its convolution algorithms once; the shapes never change.
            torch.backends.cudnn.benchmark = True
        elif device.type == "cpu":
            torch.set_num_threads(config.threads or free_cpu_cores())
        return device

    def _build_models(self, config: TrainConfig) -> None:
        self.model_config = config.model_config()
        torch.manual_seed(config.seed)
        generator = prepare_for_device(Generator(self.model_config), self.device)
        discriminator = prepare_for_device(Discriminator(self.model_config), self.device)
        self.generator_ema = copy.deepcopy(generator).eval() if config.ema_decay > 0 else None
        self.optimizer_g = torch.optim.Adam(
            generator.parameters(), config.lr_generator, betas=(config.beta1, config.beta2)
        )
        self.optimizer_d = torch.optim.Adam(
            discriminator.parameters(), config.lr_discriminator, betas=(config.beta1, config.beta2)
        )
        self.plain_models = (generator, discriminator)
        # The models as trained without torch.compile (wrapped in DDP under torchrun): the
        # compile fallback and the R1 steps use these.
        self.eager_models = (
            wrap_model(generator, self.context, self.device),
            wrap_model(discriminator, self.context, self.device),
        )
        self.generator, self.discriminator = self.eager_models
        self.compile_pending, self.compile_seconds = config.compile, 0.0
        if config.compile:
            self.generator = try_compile(self.generator, self.log)
            self.discriminator = try_compile(self.discriminator, self.log)
            if config.r1_gamma > 0 and self.custom_step is None:
                self.log(
                    "torch.compile cannot differentiate twice, so the R1 steps (one in every "
                    f"{config.r1_every}) run without it."
                )

    def _first_compiled_step(
        self, real: torch.Tensor, noise: torch.Tensor, clusters: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Try this call's first step compiled; if compiling fails (lazily, here) on any rank, all go eager.

        The trial is the compiled step without R1 (which compiled models cannot run). Under
        DDP it keeps its gradients local, and it is the first step of fresh DDP wrappers (no
        bucket rebuild yet), so a rank that fails half-way never leaves the others waiting in
        a collective. The ranks then agree, and unless a lone process's trial was the real
        step, restore the state from before it (grad scaler included) and run the step for
        real. Its seconds (mostly compiling) are kept in ``compile_seconds``, which the loop
        leaves out of the training time.
        """
        self.compile_pending = False
        started = time.perf_counter()
        saved = self._state_before_step()
        error = None
        try:
            with gradients_kept_local(self.eager_models):
                stats = self._train_step(real, noise, clusters, r1_weight=0.0)
        except Exception as caught:  # noqa: BLE001 - a compiler failure of any kind: train eagerly
            error = caught
        failed = any_rank(error is not None, self.context, self.device)
        if failed:
            reason = (
                f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
                if error is not None
                else "on another process"
            )
            self.log(f"torch.compile failed ({reason}); training without it.")
            self.generator, self.discriminator = self.eager_models
        if failed or self.context.enabled or self.r1_weight() > 0:
            self._restore_state_before_step(saved)
            stats = self._train_step(real, noise, clusters)
        self.compile_seconds += time.perf_counter() - started
        return self._after_step(stats)

    def _state_before_step(self) -> dict:
        return copy.deepcopy(
            {
                "modules": [
                    m.state_dict() for m in (*self.plain_models, self.optimizer_g, self.optimizer_d)
                ],
                "scaler": self.precision.scaler.state_dict() if self.precision.scaler else {},
                "augment": self.augment_random.get_state(),
            }
        )

    def _restore_state_before_step(self, saved: dict) -> None:
        targets = (*self.plain_models, self.optimizer_g, self.optimizer_d)
        for target, state in zip(targets, saved["modules"], strict=True):
            target.load_state_dict(state)
        if self.precision.scaler is not None:
            # A fresh scaler: the old one remembers which optimizers it stepped since update().
            self.precision.scaler = torch.amp.GradScaler(self.precision.device_type)
            if saved["scaler"]:
                self.precision.scaler.load_state_dict(saved["scaler"])
        self.augment_random.set_state(saved["augment"])

    def state_dict(self) -> dict:
        """Return everything needed to continue exactly, as tensors, numbers, strings, lists, dicts."""
        generator, discriminator = self.plain_models
        return {
            "config": self.config.to_dict(),
            "model": self.model_config.to_dict(),
            "generator": strip_prefixes(generator.state_dict()),
            "discriminator": strip_prefixes(discriminator.state_dict()),
            "generator_ema": strip_prefixes(self.generator_ema.state_dict())
            if self.generator_ema
            else {},
            "optimizer_g": self.optimizer_g.state_dict(),
            "optimizer_d": self.optimizer_d.state_dict(),
            "scaler": self.precision.scaler.state_dict() if self.precision.scaler else {},
            "step": self.step,
            "epoch": self.epoch,
            "batch_in_epoch": self.batch_in_epoch,
            "train_seconds": self.total_seconds,
            "rng": {
                "noise": self.noise_random.get_state(),
                "augment": self.augment_random.get_state(),
                "torch": torch.get_rng_state(),
                # Each rank's own streams, in rank order (save() gathers them under DDP).
                "ranks": [self._random_streams()],
            },
            "fixed_noise": self.fixed_noise,
            "history": self.history,
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore models, optimizers, counters and random streams from a checkpoint dict."""
        generator, discriminator = self.plain_models
        try:
            generator.load_state_dict(strip_prefixes(state["generator"]))
            discriminator.load_state_dict(strip_prefixes(state["discriminator"]))
            if self.generator_ema is not None:
                self.generator_ema.load_state_dict(
                    strip_prefixes(state["generator_ema"] or state["generator"])
                )
            self.optimizer_g.load_state_dict(state["optimizer_g"])
            self.optimizer_d.load_state_dict(state["optimizer_d"])
        except (KeyError, RuntimeError, ValueError) as error:
            raise ValueError(
                f"the checkpoint does not match this model ({str(error).splitlines()[0]})."
            ) from None
        if self.precision.scaler is not None and state.get("scaler"):
            self.precision.scaler.load_state_dict(state["scaler"])
        self.step, self.epoch = int(state["step"]), int(state["epoch"])
        self.batch_in_epoch, self.total_seconds = (
            int(state["batch_in_epoch"]),
            float(state["train_seconds"]),
        )
        self._restore_random_streams(state)
        torch.set_rng_state(state["rng"]["torch"])
        self.fixed_noise = state["fixed_noise"]
        self.history = {key: list(values) for key, values in state["history"].items()}

    def _random_streams(self) -> dict[str, torch.Tensor]:
        return {"noise": self.noise_random.get_state(), "augment": self.augment_random.get_state()}

    def _restore_random_streams(self, state: dict) -> None:
        """Give this rank back its own noise and augmentation streams.

        A rank the checkpoint has no streams for (a resume on more processes than saved it,
        or on another kind of device) draws fresh ones from (seed, rank, step), so no two
        ranks share their fakes.
        """
        saved = state["rng"].get("ranks") or [
            {"noise": state["rng"]["noise"], "augment": state["rng"]["augment"]}
        ]
        rank = self.context.rank
        try:
            if rank < len(saved):
                self.noise_random.set_state(saved[rank]["noise"])
                self.augment_random.set_state(saved[rank]["augment"])
                return
        except RuntimeError:  # saved on another kind of device: its generator state differs
            pass
        base = (self.config.seed * 1_000_003 + rank) * 1_000_003 + self.step
        self.noise_random.manual_seed(2 * base + 1)
        self.augment_random.manual_seed(2 * base + 2)

    def close(self) -> None:
        """Let go of the DDP wrappers, then leave the process group (a lone process: nothing).

        A DDP wrapper freed after its process group is gone can block forever (seen on gloo),
        so the wrappers go first. The plain models stay usable.
        """
        if not self.context.enabled:
            return
        self.generator = self.discriminator = None
        self.eager_models = ()
        gc.collect()
        close_distributed(self.context)

    def save(self) -> Path | None:
        """Write the checkpoint atomically (rank 0 writes; every rank must call it); return its path."""
        streams = gather_to_all(self._random_streams(), self.context)
        if not self.context.is_main:
            return None
        state = self.state_dict()
        state["rng"]["ranks"] = streams
        return save_checkpoint(self.checkpoint_path, state)

    @torch.no_grad()
    def fixed_noise_samples(self) -> torch.Tensor:
        """Return the current (EMA) generator's images for the fixed noise, on the CPU."""
        generator = self.generator_ema or self.plain_models[0]
        was_training = generator.training
        generator.eval()
        images = generator(self.fixed_noise.to(self.device)).float().cpu()
        generator.train(was_training)
        return images

    def augment(self, images: torch.Tensor) -> torch.Tensor:
        """Return ``images`` randomly shifted (the same augmentation for real and fake)."""
        return random_translate(images, self.config.translate_pixels, self.augment_random)

    def one_step(self, real: torch.Tensor) -> dict[str, torch.Tensor]:
        """Run one D and G update on ``real`` and advance the EMA and counters."""
        if self.device.type == "cuda":
            real = real.contiguous(memory_format=torch.channels_last)
        noise, clusters = self.draw_latent(len(real))
        if self.compile_pending:
            return self._first_compiled_step(real, noise, clusters)
        stats = self._train_step(real, noise, clusters)
        return self._after_step(stats)

    def draw_latent(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Return G's noise and each row's cluster, drawn on the device (no copy from the CPU)."""
        return sample_latent_and_clusters(
            count, self.model_config, self.noise_random, self.device, self.latent_centres
        )

    def _train_step(
        self,
        real: torch.Tensor,
        noise: torch.Tensor,
        clusters: torch.Tensor,
        r1_weight: float | None = None,
    ) -> dict[str, torch.Tensor]:
        """Run the step (a custom one, or train_step with precision, augmentation, R1, guesses)."""
        if self.custom_step is not None:
            with self.precision.autocast():
                stats = self.custom_step(
                    self.generator,
                    self.discriminator,
                    self.optimizer_g,
                    self.optimizer_d,
                    real,
                    noise,
                )
            return {name: torch.as_tensor(stats[name]).detach().float() for name in STATISTICS}
        r1_weight = self.r1_weight() if r1_weight is None else r1_weight
        # R1 differentiates D twice, which torch.compile does not support: those steps run eagerly.
        generator, discriminator = (
            self.eager_models if r1_weight > 0 else (self.generator, self.discriminator)
        )
        return train_step(
            generator,
            discriminator,
            (self.optimizer_g, self.optimizer_d),
            real,
            noise,
            self.precision,
            self.augment,
            r1_weight,
            clusters,
            self.config.cluster_guess_weight if self.model_config.cluster_guesses else 0.0,
        )

    def r1_weight(self) -> float:
        """Return this step's R1 weight: γ·k on every k-th step ("lazy" R1, same average), else 0."""
        every = self.config.r1_every
        return self.config.r1_gamma * every if self.step % every == 0 else 0.0

    def set_learning_rates(self, fraction_done: float) -> None:
        """Scale both learning rates by (1 − fraction of the run done) when ``lr_decay`` is on."""
        if not self.config.lr_decay:
            return
        scale = max(0.0, 1.0 - fraction_done)
        for optimizer, base in (
            (self.optimizer_g, self.config.lr_generator),
            (self.optimizer_d, self.config.lr_discriminator),
        ):
            for group in optimizer.param_groups:
                group["lr"] = base * scale

    def _after_step(self, stats: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        if self.generator_ema is not None:
            update_ema(self.generator_ema, self.plain_models[0], self.config.ema_decay, self.step)
        self.step += 1
        return stats


def _check_custom_step_recipe(config: TrainConfig) -> None:
    """Refuse settings that a step of your own would silently ignore."""
    ignored = [
        name
        for name, value in (
            ("translate_pixels", config.translate_pixels),
            ("r1_gamma", config.r1_gamma),
            ("cluster_guess_weight", config.cluster_guess_weight),
        )
        if value
    ]
    if ignored:
        raise ValueError(
            f"a step of your own trains the paper's recipe, but {', '.join(ignored)} ask for the "
            "library's extras; use recipe 'paper' or leave out step= to use the library's step."
        )
