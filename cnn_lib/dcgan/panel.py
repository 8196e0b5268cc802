"""The live training panel of notebook 07: one picture, redrawn in place while the GAN trains.

A frame is a single PNG composed with PIL and numpy (no matplotlib: a frame costs a few
milliseconds): the fixed-noise sample grid, the two losses and D(x) / D(G(z)) over steps,
and one status line (step, epoch, elapsed seconds, steps per second). The notebook shows it
in one display slot (``IPython.display.display(..., display_id=True)``, then
``handle.update(...)``): JupyterLab 4, Colab (IPython 7.34) and nbclient all replace the slot's
output in place, so a saved notebook keeps only the last frame. The loop redraws at most every
``every_seconds`` of training, never per step; the CLI keeps its text progress.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

import numpy as np
import torch

from cnn_lib.dcgan.sampling import image_grid
from cnn_lib.palette import (
    EXTRA_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    PADDING_COLOR,
    TEXT_COLOR,
)

PANEL_SECONDS = 3.0  # the notebook's redraw interval: a 2-core CPU spends its time training
GRID_WIDTH = 270  # about this many pixels for the sample grid
CHART_SIZE = (380, 128)  # one chart's plot area, in pixels
# Losses in the course's input/kernel colours, D's verdicts in output green and extra purple.
SERIES = {
    "loss_d": ("loss_D", INPUT_COLOR),
    "loss_g": ("loss_G", KERNEL_COLOR),
    "d_real": ("D(x)", OUTPUT_COLOR),
    "d_fake": ("D(G(z))", EXTRA_COLOR),
}


@dataclass
class PanelFrame:
    """What one frame shows: counters, the fixed-noise samples in [−1, 1], the history so far."""

    step: int
    epoch: int
    seconds: float
    steps_per_second: float
    samples: torch.Tensor
    history: dict[str, list[float]]
    state: str = "training"


def panel_status(frame: PanelFrame) -> str:
    """Return the status line: step, epoch, elapsed training seconds, steps per second, state."""
    return (
        f"step {frame.step:,} · epoch {frame.epoch} · {frame.seconds:.1f} s · "
        f"{frame.steps_per_second:.1f} steps/s · {frame.state}"
    )


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)  # Pillow ≥ 10.1 with FreeType
    except (TypeError, OSError, ImportError):
        return ImageFont.load_default()


def _binned(values: list[float], bins: int) -> np.ndarray:
    """Return ``values`` averaged into at most ``bins`` equal runs (a long history draws in ~bins points)."""
    array = np.asarray(values, dtype=float)
    if len(array) <= bins:
        return array
    edges = np.linspace(0, len(array), bins + 1).astype(int)
    return np.add.reduceat(array, edges[:-1]) / np.diff(edges)


def _chart(draw, box, steps, history, names, top_value, font, title) -> None:
    """Draw the ``names`` series of ``history`` against step into ``box`` (left, top, right, bottom)."""
    left, top, right, bottom = box
    draw.rectangle(box, outline=PADDING_COLOR)
    for fraction in (0.25, 0.5, 0.75):
        y = bottom - fraction * (bottom - top)
        draw.line([(left + 1, y), (right - 1, y)], fill="#EEEEEE")
    draw.text((left - 4, top), f"{top_value:.1f}", fill=TEXT_COLOR, font=font, anchor="ra")
    draw.text((left - 4, bottom), "0", fill=TEXT_COLOR, font=font, anchor="rd")
    x = left
    draw.text((x, top - 16), title, fill=TEXT_COLOR, font=font)
    x += draw.textlength(title, font=font) + 10
    for name in names:
        label, colour = SERIES[name]
        draw.text((x, top - 16), label, fill=colour, font=font)
        x += draw.textlength(label, font=font) + 10
    if len(steps) < 2:
        return
    bins = (right - left) // 2
    xs = _binned(steps, bins)
    span = max(xs[-1] - xs[0], 1.0)
    px = left + (xs - xs[0]) / span * (right - left)
    for name in names:
        ys = np.clip(_binned(history[name], bins) / top_value, 0, 1)
        py = bottom - ys * (bottom - top)
        draw.line(list(zip(px.tolist(), py.tolist(), strict=True)), fill=SERIES[name][1], width=2)
    draw.text(
        (right, bottom + 2), f"step {int(steps[-1]):,}", fill=TEXT_COLOR, font=font, anchor="ra"
    )


def panel_image(frame: PanelFrame):
    """Return the frame as a PIL RGB image: status line, sample grid left, two charts right."""
    from PIL import Image, ImageDraw

    samples = frame.samples[: 64 if frame.samples.shape[-1] <= 32 else 32]
    grid = image_grid(samples, columns=8)
    scale = max(1, round(GRID_WIDTH / grid.shape[1]))
    picture = Image.fromarray(grid).convert("RGB")
    picture = picture.resize((grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST)
    chart_w, chart_h = CHART_SIZE
    header, margin, gap = 26, 36, 40
    width = picture.width + margin + 16 + chart_w + 10
    height = header + max(picture.height + 16, 2 * chart_h + gap + 20)
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(picture, (6, header))
    draw = ImageDraw.Draw(canvas)
    big, small = _font(14), _font(11)
    draw.text((6, 5), panel_status(frame), fill=TEXT_COLOR, font=big)
    draw.text((6, header + picture.height + 2), "fixed noise z", fill=TEXT_COLOR, font=small)
    history, steps = frame.history, frame.history.get("step", [])
    losses = [value for name in ("loss_d", "loss_g") for value in history.get(name, [])]
    finite = [value for value in losses if math.isfinite(value)]
    loss_top = max(1.0, math.ceil(2.2 * float(np.percentile(finite, 99))) / 2) if finite else 1.0
    left = picture.width + margin + 16
    top = header + 18
    _chart(
        draw,
        (left, top, left + chart_w, top + chart_h),
        steps,
        history,
        ("loss_d", "loss_g"),
        loss_top,
        small,
        "losses:",
    )
    top += chart_h + gap
    _chart(
        draw,
        (left, top, left + chart_w, top + chart_h),
        steps,
        history,
        ("d_real", "d_fake"),
        1.0,
        small,
        "D says real:",
    )
    return canvas


def panel_png(frame: PanelFrame) -> bytes:
    """Return the frame as PNG bytes, reduced to 64 colours (a few tens of kB in a saved notebook)."""
    from PIL import Image

    buffer = io.BytesIO()
    image = panel_image(frame).quantize(64, method=Image.Quantize.MEDIANCUT)
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def panel_bundle(frame: PanelFrame) -> dict[str, str]:
    """Return the frame as a display bundle: the PNG (base64) and the status line as its text."""
    return {
        "image/png": base64.b64encode(panel_png(frame)).decode("ascii"),
        "text/plain": f"training panel: {panel_status(frame)}",
    }


def in_notebook() -> bool:
    """Return True inside a Jupyter kernel (JupyterLab, Colab, nbclient), False in a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class TrainingPanel:
    """One display slot that the training loop redraws in place, at most every ``every_seconds``.

    ``display`` is how the first frame is shown; it must return a handle with
    ``update(bundle, raw=True)``, as ``IPython.display.display(bundle, raw=True,
    display_id=True)`` does (the default). Tests pass a fake one. ``frames`` counts the frames
    drawn, ``draw_seconds`` their total cost, ``last_status`` the last status line.
    """

    def __init__(self, every_seconds: float = PANEL_SECONDS, display=None) -> None:
        if (
            isinstance(every_seconds, bool)
            or not isinstance(every_seconds, (int, float))
            or not (every_seconds > 0)
        ):
            raise ValueError(
                f"every_seconds must be a positive number of seconds between redraws, got {every_seconds!r}."
            )
        self.every_seconds = float(every_seconds)
        self.display = display
        self.handle = None
        self.frames = 0
        self.draw_seconds = 0.0
        self.last_drawn = -math.inf
        self.last_status = ""

    def due(self, seconds: float) -> bool:
        """Return True when ``every_seconds`` of training have passed since the last frame."""
        return seconds - self.last_drawn >= self.every_seconds

    def show(self, frame: PanelFrame, seconds: float) -> None:
        """Draw ``frame`` into the slot (creating it on the first call); ``seconds`` is the loop's clock."""
        import time

        started = time.perf_counter()
        bundle = panel_bundle(frame)
        if self.handle is None:
            display = self.display
            if display is None:
                from IPython.display import display
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)
        self.frames += 1
        self.last_drawn = seconds
        self.last_status = panel_status(frame)
        self.draw_seconds += time.perf_counter() - started


def choose_panel(panel: bool | TrainingPanel | None, log=print) -> TrainingPanel | None:
    """Return the panel ``train_dcgan(panel=…)`` asked for: None for text progress.

    ``True`` means a :class:`TrainingPanel` with the default interval where a notebook kernel
    runs this; from a terminal it says so once and keeps the text progress.
    """
    if panel is None or panel is False:
        return None
    if isinstance(panel, TrainingPanel):
        return panel
    if panel is True:
        if in_notebook():
            return TrainingPanel()
        log("panel=True needs a notebook (no Jupyter kernel here), so progress stays text.")
        return None
    raise ValueError(
        f"panel must be True, False or a TrainingPanel, got {panel!r}; use panel=True in a notebook."
    )
