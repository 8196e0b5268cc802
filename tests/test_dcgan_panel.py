"""The live training panel: one slot redrawn in place by elapsed time, a final frame, Ctrl-C, text CLI."""

import base64
import io

import pytest
import torch
from PIL import Image

from cnn_lib.dcgan.__main__ import main
from cnn_lib.dcgan.checkpoint import load_checkpoint
from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.loop import train_dcgan
from cnn_lib.dcgan.panel import PanelFrame, TrainingPanel, choose_panel, panel_bundle
from tests.dcgan_tiny import TINY_SIZES, interrupt_at, tiny_config

QUIET = {"progress": False, "log": lambda *args: None}


class FakeHandle:
    """Stands in for IPython's DisplayHandle: records the first display and every update."""

    def __init__(self) -> None:
        self.shown: list[dict] = []
        self.updates: list[dict] = []

    def display(self, bundle, raw, display_id):
        assert raw is True and display_id is True
        self.shown.append(bundle)
        return self

    def update(self, bundle, raw):
        assert raw is True
        self.updates.append(bundle)

    @property
    def last(self) -> dict:
        return (self.shown + self.updates)[-1]


class RecordingPanel(TrainingPanel):
    """A panel that also records the loop clock's seconds at each frame."""

    def __init__(self, every_seconds: float) -> None:
        self.fake = FakeHandle()
        super().__init__(every_seconds, display=self.fake.display)
        self.times: list[float] = []

    def show(self, frame, seconds):
        self.times.append(seconds)
        super().show(frame, seconds)


def decoded(bundle: dict) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))


def test_a_short_run_updates_one_slot_in_place_by_time_and_ends_on_the_final_frame(tmp_path):
    panel = RecordingPanel(every_seconds=0.25)
    result = train_dcgan(tiny_config(tmp_path, max_seconds=1.5), panel=panel, **QUIET)
    fake = panel.fake
    assert len(fake.shown) == 1, "one display slot, created once"
    assert len(fake.updates) >= 2, "the slot was updated in place at least twice"
    # Redrawn by elapsed time, never per step: frames during training are ≥ every_seconds apart,
    # so far fewer frames than steps.
    during = panel.times[:-1]
    assert all(b - a >= 0.25 for a, b in zip(during, during[1:], strict=False))
    assert panel.frames <= 1.5 / 0.25 + 2 < result.steps
    assert fake.last["text/plain"].startswith(f"training panel: step {result.steps:,} · ")
    assert fake.last["text/plain"].endswith("· finished")
    image = decoded(fake.last)
    assert image.format == "PNG" and image.width > 400 and image.height > 200


def test_each_frame_shows_the_current_samples(tmp_path):
    panel = RecordingPanel(every_seconds=0.2)
    train_dcgan(tiny_config(tmp_path, max_seconds=1.0), panel=panel, **QUIET)
    pictures = [decoded(bundle).tobytes() for bundle in panel.fake.shown + panel.fake.updates]
    assert len(set(pictures)) >= 3, "frames should differ as the generator and curves change"


def test_ctrl_c_leaves_the_last_frame_and_a_checkpoint(tmp_path, monkeypatch):
    interrupt_at(7, monkeypatch)
    panel = RecordingPanel(every_seconds=60.0)  # only the first and the final frame
    result = train_dcgan(tiny_config(tmp_path, max_steps=50), panel=panel, **QUIET)
    assert result.stopped == "interrupted" and result.steps == 7
    assert panel.fake.last["text/plain"].startswith("training panel: step 7 · ")
    assert panel.fake.last["text/plain"].endswith("· interrupted")
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 7


def test_a_keyboard_interrupt_raised_in_a_step_stops_like_ctrl_c(tmp_path):
    # Where no Ctrl-C handler can be installed (a thread), KeyboardInterrupt arrives as an exception.
    from cnn_lib.dcgan.step import Precision, train_step

    calls = []

    def step(generator, discriminator, optimizer_g, optimizer_d, real, z):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        optimizers = (optimizer_g, optimizer_d)
        return train_step(generator, discriminator, optimizers, real, z, Precision("cpu"))

    panel = RecordingPanel(every_seconds=60.0)
    config = TrainConfig.from_recipe(
        "paper", out=str(tmp_path), max_steps=50, threads=1, **TINY_SIZES
    )
    result = train_dcgan(config, panel=panel, step=step, **QUIET)
    assert result.stopped == "interrupted" and result.steps == 4
    assert panel.fake.last["text/plain"].startswith("training panel: step 4 · ")
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 4


def test_the_command_line_keeps_plain_text_progress(tmp_path, capsys):
    tiny = ["--image-size", "16", "--generator-width", "4", "--discriminator-width", "4"]
    assert main(["train", "--max-steps", "3", "--out", str(tmp_path), *tiny, "--threads", "1"]) == 0
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "finished after 3 steps" in captured.out
    assert "training panel" not in text and "image/png" not in text


def test_panel_true_outside_a_notebook_says_so_and_keeps_text_progress(tmp_path):
    lines = []
    assert choose_panel(True, lines.append) is None
    assert lines == [
        "panel=True needs a notebook (no Jupyter kernel here), so progress stays text."
    ]
    result = train_dcgan(
        tiny_config(tmp_path, max_steps=2), progress=False, log=lines.append, panel=True
    )
    assert result.steps == 2


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: TrainingPanel(every_seconds=0), "every_seconds must be a positive number"),
        (lambda: TrainingPanel(every_seconds="3"), "every_seconds must be a positive number"),
        (lambda: choose_panel("yes"), "panel must be True, False or a TrainingPanel"),
    ],
)
def test_bad_panel_settings_are_refused_in_one_sentence(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_the_first_frame_draws_before_any_history_exists():
    frame = PanelFrame(0, 0, 0.0, 0.0, torch.zeros(64, 1, 32, 32), {"step": []})
    bundle = panel_bundle(frame)
    assert (
        bundle["text/plain"] == "training panel: step 0 · epoch 0 · 0.0 s · 0.0 steps/s · training"
    )
    assert decoded(bundle).format == "PNG"
