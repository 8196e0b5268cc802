"""The DCGAN training loop: epochs, time limits, progress, logs, checkpoints, Ctrl-C, NaN stops.

The learner-facing step is written in notebook 07 (or :func:`cnn_lib.dcgan.step.train_step`);
this module is the plumbing around it. ``train_dcgan(config)`` is what the CLI and notebook call:
the CLI with a text progress bar, the notebook with ``panel=True`` (:mod:`cnn_lib.dcgan.panel`).
"""

from __future__ import annotations

import json
import math
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from tqdm.auto import tqdm

from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.data import TensorImages, epoch_order
from cnn_lib.dcgan.distributed import agree_on_largest
from cnn_lib.dcgan.models import Discriminator, Generator
from cnn_lib.dcgan.panel import PanelFrame, TrainingPanel, choose_panel
from cnn_lib.dcgan.run import STATISTICS, DCGANRun
from cnn_lib.dcgan.sampling import save_grid_png
from cnn_lib.dcgan.step import StepFunction

# Why training stopped; larger wins when ranks disagree (a NaN anywhere stops everyone).
CONTINUE, FINISHED, INTERRUPTED, DIVERGED = 0, 1, 2, 3
STOP_NAMES = {FINISHED: "finished", INTERRUPTED: "interrupted", DIVERGED: "diverged"}


class TrainingDiverged(RuntimeError):
    """Raised when a loss becomes NaN or infinite; the last good checkpoint is kept."""


@dataclass
class TrainResult:
    """What a run leaves behind: models, the loss history, fixed-noise snapshots and why it stopped."""

    generator: Generator
    discriminator: Discriminator
    generator_ema: Generator | None
    history: dict[str, list[float]]
    snapshots: list[tuple[int, torch.Tensor]] = field(default_factory=list)
    stopped: str = "finished"
    checkpoint: Path | None = None
    steps: int = 0
    train_seconds: float = 0.0
    precision: str = "fp32"
    device: str = "cpu"
    # Seconds of the first compiled step (compiling, mostly), left out of ``train_seconds``.
    compile_seconds: float = 0.0


LOG_SECONDS = 5.0  # at most one epoch line per this many seconds, so short epochs do not flood


class _Clock:
    """Training seconds of this call, not counting time spent writing files."""

    def __init__(self) -> None:
        self.start, self.paused = time.perf_counter(), 0.0

    def seconds(self) -> float:
        return time.perf_counter() - self.start - self.paused

    def pause(self, since: float) -> None:
        self.paused += time.perf_counter() - since


def _flush(run: DCGANRun, pending: list[tuple[int, dict]]) -> list[list[float]]:
    """Move pending step statistics into the history (one device sync); return the new rows."""
    if not pending:
        return []
    values = torch.stack(
        [torch.stack([stats[name] for name in STATISTICS]) for _, stats in pending]
    ).tolist()
    for (step, _), row in zip(pending, values, strict=False):
        run.history["step"].append(step)
        for name, value in zip(STATISTICS, row, strict=False):
            run.history[name].append(value)
    pending.clear()
    return values


def _steps_or_epochs_reached(run: DCGANRun) -> bool:
    """Return True at the step and epoch limits: the same step on every rank, so never agreed on."""
    config = run.config
    return (config.max_steps is not None and run.step >= config.max_steps) or (
        config.epochs is not None and run.epoch >= config.epochs
    )


def _steps_per_epoch(run: DCGANRun) -> int:
    context = run.context
    order = epoch_order(len(run.data), 0, 0, context.rank, context.world_size)
    return len(order) // run.config.batch_size


def _fraction_done(run: DCGANRun, seconds: float, steps_per_epoch: int) -> float:
    """Return how far the run is towards its nearest limit, from 0 to 1 (drives the LR decay)."""
    config, fractions = run.config, [0.0]
    if config.max_steps is not None:
        fractions.append(run.step / config.max_steps)
    if config.epochs is not None:
        fractions.append((run.epoch + run.batch_in_epoch / max(1, steps_per_epoch)) / config.epochs)
    if config.max_seconds is not None:
        fractions.append(seconds / config.max_seconds)
    return min(1.0, max(fractions))


def _progress_bar(run: DCGANRun, enabled: bool):
    config = run.config
    steps_per_epoch = _steps_per_epoch(run)
    if config.max_seconds is not None:
        return tqdm(
            total=round(config.max_seconds), unit="s", disable=not enabled, desc="training"
        ), "seconds"
    totals = []
    if config.epochs is not None:
        totals.append(config.epochs * steps_per_epoch)
    if config.max_steps is not None:
        totals.append(config.max_steps)
    return tqdm(
        total=min(totals), initial=run.step, unit="step", disable=not enabled, desc="training"
    ), "steps"


def _epoch_line(run: DCGANRun, rows: list[list[float]], seconds: float) -> dict:
    means = (
        [sum(column) / len(column) for column in zip(*rows, strict=False)]
        if rows
        else [float("nan")] * 4
    )
    return {
        "epoch": run.epoch,
        "step": run.step,
        "seconds": round(run.total_seconds + seconds, 2),
        **{name: round(value, 4) for name, value in zip(STATISTICS, means, strict=False)},
    }


class TrainingLoop:
    """The state of one call's loop: clock, progress bar, pending statistics, last save times.

    Under torchrun every decision that depends on a rank's own view (its clock, Ctrl-C, a
    NaN in its losses, a checkpoint falling due) is agreed on at points all ranks reach at
    the same step (:meth:`_agree`): every ``log_every`` steps and at each epoch end. A lone
    process agrees with itself after every step, at no cost.
    """

    def __init__(self, run: DCGANRun, progress: bool, panel: TrainingPanel | None = None) -> None:
        self.run, self.config, self.out = run, run.config, Path(run.config.out)
        if run.context.is_main:
            self.out.mkdir(parents=True, exist_ok=True)
        # The panel replaces the bar and the epoch lines: one live view, not two.
        self.panel = panel if run.context.is_main else None
        self.start_step = run.step
        enabled = progress and run.context.is_main and self.panel is None
        self.bar, self.bar_unit = _progress_bar(run, enabled)
        self.clock = _Clock()
        self.steps_per_epoch = _steps_per_epoch(run)
        self.last_checkpoint = self.last_sample = self.last_log = self.agreed_seconds = 0.0
        self.pending: list[tuple[int, dict]] = []
        self.epoch_rows: list[list[float]] = []
        self.snapshots = [] if run.step else [(0, run.fixed_noise_samples())]
        self.interrupt = InterruptFlag()  # installed as the Ctrl-C handler only inside train()

    def train(self) -> TrainResult:
        run, config = self.run, self.config
        run.log(
            f"training on {run.device} in {run.precision.name}, {len(run.data)} images, "
            f"batch size {config.batch_size}"
        )
        with self.interrupt:
            try:
                reason = self._epochs()
            except KeyboardInterrupt:
                # Where the Ctrl-C handler could not be installed (a thread) or a step of your
                # own raised it: stop as Ctrl-C does. Under torchrun the other ranks would wait
                # for this one, so there it ends the process.
                if run.context.enabled:
                    raise
                reason = INTERRUPTED
        self.bar.close()
        result = _finish(run, reason, self.pending, self.snapshots, self.clock)
        if self.panel is not None:  # the last frame: the final step, and why training stopped
            self._show_panel(result.stopped, run.total_seconds, self.snapshots[-1][1])
        return result

    def _epochs(self) -> int:
        """Train epoch after epoch until a limit, Ctrl-C or a NaN; return the stop reason."""
        run, config = self.run, self.config
        reason = self._agree(CONTINUE)
        while reason == CONTINUE:
            if _steps_or_epochs_reached(run):
                return FINISHED
            context = run.context
            order = epoch_order(
                len(run.data), config.seed, run.epoch, context.rank, context.world_size
            )
            if isinstance(run.data, TensorImages):
                order = order.to(run.data.images.device)  # one copy an epoch, not a batch
            for real in run.data.batches(order, config.batch_size, run.batch_in_epoch, run.device):
                reason = self.step(real)
                if reason != CONTINUE:
                    break
            else:
                reason = self._end_epoch()
        return reason

    def _show_panel(self, state: str, seconds: float, samples: torch.Tensor | None = None) -> None:
        """Redraw the panel (rank 0) with the current samples and history; its time is not training."""
        run, paused_at = self.run, time.perf_counter()
        this_call = self.clock.seconds()
        frame = PanelFrame(
            run.step,
            run.epoch,
            seconds,
            (run.step - self.start_step) / this_call if this_call > 0 else 0.0,
            run.fixed_noise_samples() if samples is None else samples,
            run.history,
            state,
        )
        self.panel.show(frame, this_call)
        self.clock.pause(paused_at)

    def _agree(self, reason: int, checkpoint_due: bool = False) -> int:
        """Return the stop reason all ranks agree on, adding this rank's Ctrl-C and time limit.

        The ranks also agree on the seconds trained (the largest clock), which the time limit
        and the learning-rate decay read, so their learning rates never differ. A checkpoint
        due on any rank is written (by rank 0) when no rank stops.
        """
        run, config = self.run, self.config
        if reason == CONTINUE and self.interrupt.raised:
            reason = INTERRUPTED
        reason, checkpoint_due, self.agreed_seconds = agree(
            run, reason, checkpoint_due, self.clock.seconds()
        )
        if reason == CONTINUE and config.max_seconds is not None:
            reason = FINISHED if self.agreed_seconds >= config.max_seconds else CONTINUE
        if reason == CONTINUE and checkpoint_due:
            self._checkpoint()
        return reason

    def step(self, real: torch.Tensor) -> int:
        """Train on one batch, update the bar, check for NaN and limits; return the stop reason.

        What one step of ``train()`` costs, all of it: the throughput benchmark times this.
        """
        run, config = self.run, self.config
        # Under DDP the seconds agreed at the last agreement, so every rank sets the same rate.
        seconds = self.agreed_seconds if run.context.enabled else self.clock.seconds()
        run.set_learning_rates(_fraction_done(run, seconds, self.steps_per_epoch))
        compiled_before = run.compile_seconds
        self.pending.append((run.step, run.one_step(real)))
        # Compiling is start-up, not training: --max-seconds does not count it.
        self.clock.paused += run.compile_seconds - compiled_before
        run.batch_in_epoch += 1
        seconds = self.clock.seconds()
        self.bar.update(
            1 if self.bar_unit == "steps" else min(round(seconds), self.bar.total) - self.bar.n
        )
        reason = CONTINUE
        if run.context.enabled and run.step % config.log_every:
            return FINISHED if _steps_or_epochs_reached(run) else CONTINUE
        due = seconds - self.last_checkpoint >= config.checkpoint_seconds
        panel_due = self.panel is not None and self.panel.due(seconds)
        if run.context.enabled or due or panel_due or len(self.pending) >= config.log_every:
            rows = _flush(run, self.pending)
            self.epoch_rows += rows
            if not is_finite([value for row in rows for value in row]):
                reason = DIVERGED
            elif rows:
                self.bar.set_postfix(loss_D=f"{rows[-1][0]:.2f}", loss_G=f"{rows[-1][1]:.2f}")
        reason = self._agree(reason, due)
        if reason == CONTINUE and _steps_or_epochs_reached(run):
            reason = FINISHED
        if reason == CONTINUE and panel_due:
            self._show_panel("training", run.total_seconds + self.clock.seconds())
        return reason

    def _end_epoch(self) -> int:
        """Log the finished epoch, take a snapshot when due, save a checkpoint; return the stop reason."""
        run = self.run
        self.epoch_rows += _flush(run, self.pending)
        finite = is_finite([value for row in self.epoch_rows for value in row])
        if agree(run, CONTINUE if finite else DIVERGED)[0] == DIVERGED:
            return DIVERGED
        record = _epoch_line(run, self.epoch_rows, self.clock.seconds())
        run.epoch, run.batch_in_epoch, self.epoch_rows = run.epoch + 1, 0, []
        record["epoch"] = run.epoch
        paused_at = time.perf_counter()
        if run.context.is_main:
            append_jsonl(self.out / "metrics.jsonl", record)
            last_epoch = run.config.epochs is not None and run.epoch >= run.config.epochs
            due = record["seconds"] - self.last_log >= LOG_SECONDS or last_epoch
            if due and self.panel is None:
                self.last_log = record["seconds"]
                # Through tqdm while a bar is drawn (so the bar is not torn), else the log.
                write = run.log if self.bar.disable else self.bar.write
                write(
                    f"epoch {run.epoch} · step {run.step} · loss_D {record['loss_d']:.3f} · "
                    f"loss_G {record['loss_g']:.3f} · D(x) {record['d_real']:.2f} · "
                    f"D(G(z)) {record['d_fake']:.2f} · {record['seconds']:.1f} s"
                )
        if self.clock.seconds() - self.last_sample >= self.config.sample_seconds:
            self.snapshots.append((run.step, run.fixed_noise_samples()))
            save_sample_grid(run, self.snapshots[-1][1])
            self.last_sample = self.clock.seconds()
        self.clock.pause(paused_at)
        self._checkpoint()
        return self._agree(CONTINUE)

    def _checkpoint(self) -> None:
        """Save a checkpoint (rank 0 writes it); the statistics so far are known to be finite."""
        run, clock = self.run, self.clock
        paused_at = time.perf_counter()
        self.epoch_rows += _flush(run, self.pending)
        # The checkpoint records the seconds trained so far, this call's included.
        seconds = clock.seconds()
        run.total_seconds += seconds
        run.save()
        run.total_seconds -= seconds
        clock.pause(paused_at)
        self.last_checkpoint = clock.seconds()


def _finish(run: DCGANRun, reason: int, pending, snapshots, clock: _Clock) -> TrainResult:
    """Save the final checkpoint (unless the run diverged) and pack the result."""
    rows = _flush(run, pending)
    finite = is_finite([value for row in rows for value in row])
    if agree(run, DIVERGED if reason == DIVERGED or not finite else reason)[0] == DIVERGED:
        message = (
            f"training stopped at step {run.step}: a loss became NaN or infinite; the last good checkpoint "
            f"{run.checkpoint_path} is kept — resume from it with a lower learning rate"
            + ("" if run.precision.dtype is None else " or without --amp")
            + "."
        )
        raise TrainingDiverged(message)
    run.total_seconds += clock.seconds()
    if not snapshots or snapshots[-1][0] != run.step:
        snapshots.append((run.step, run.fixed_noise_samples()))
        save_sample_grid(run, snapshots[-1][1])
    path = run.save()
    if reason == INTERRUPTED:
        run.log(
            f"interrupted: saved {run.checkpoint_path} at step {run.step}; continue with --resume."
        )
    generator, discriminator = run.plain_models
    return TrainResult(
        generator,
        discriminator,
        run.generator_ema,
        run.history,
        snapshots,
        stop_reason_name(reason or FINISHED),
        path,
        run.step,
        run.total_seconds,
        run.precision.name,
        str(run.device),
        run.compile_seconds,
    )


def train_dcgan(
    config: TrainConfig,
    progress: bool = True,
    log=print,
    step: StepFunction | None = None,
    panel: bool | TrainingPanel | None = False,
) -> TrainResult:
    """Train a DCGAN as ``config`` says and return the result (models, history, snapshots).

    ``step``, if given, is a training step of your own (notebook 07 writes one), called as
    ``step(generator, discriminator, optimizer_g, optimizer_d, real, z)`` and returning a dict
    with ``loss_d``, ``loss_g``, ``d_real`` and ``d_fake``; it replaces the library's
    :func:`cnn_lib.dcgan.step.train_step`, so it trains only the paper's recipe (no
    augmentation, R1 or cluster guess, which live in the library's step).

    ``panel=True`` (in a notebook) shows one live panel, redrawn in place every few seconds,
    instead of the progress bar and epoch lines; pass a :class:`~cnn_lib.dcgan.panel.TrainingPanel`
    to choose its interval. From a terminal progress stays text.
    """
    panel = choose_panel(panel, log)
    run = DCGANRun(config, log, step)
    try:
        result = run_training(run, progress, panel)
    except TrainingDiverged:
        run.close()
        raise
    # Any other error ends the process, torchrun's group with it.
    run.close()
    return result


def run_training(
    run: DCGANRun, progress: bool = True, panel: TrainingPanel | None = None
) -> TrainResult:
    """Train ``run`` until a limit, Ctrl-C or a NaN; save checkpoints on the way and at the end."""
    return TrainingLoop(run, progress, panel).train()


def append_jsonl(path: Path, record: dict) -> None:
    """Append one JSON record as a line to ``path``."""
    with open(path, "a") as file:
        file.write(json.dumps(record) + "\n")


def is_finite(values: list[float]) -> bool:
    """Return True when no value is NaN or infinite."""
    return all(math.isfinite(value) for value in values)


class InterruptFlag:
    """Turn Ctrl-C (SIGINT) into a flag the loop checks after each step, inside a ``with`` block."""

    def __init__(self) -> None:
        self.raised = False
        self.previous = None

    def __enter__(self) -> InterruptFlag:
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: Ctrl-C cannot reach us here anyway
            self.previous = None
        return self

    def _handle(self, signum, frame) -> None:
        self.raised = True

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def save_sample_grid(run: DCGANRun, images: torch.Tensor) -> None:
    """Write the fixed-noise grid for the current step as a PNG in the run's folder (rank 0)."""
    if run.context.is_main:
        save_grid_png(Path(run.config.out) / f"samples_step{run.step:06d}.png", images)


def stop_reason_name(reason: int) -> str:
    """Return the word for a stop reason code."""
    return STOP_NAMES.get(reason, "finished")


def agree(
    run: DCGANRun, reason: int, checkpoint_due: bool = False, seconds: float = 0.0
) -> tuple[int, bool, float]:
    """Return the agreed stop reason (the largest), whether any rank wants a save, the largest seconds."""
    reason, due, seconds = agree_on_largest(
        [reason, int(checkpoint_due), seconds], run.context, run.device
    )
    return int(reason), bool(due), seconds
