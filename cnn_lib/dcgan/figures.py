"""Pictures for notebook 07: the GAN diagram, training curves, the sample animation, z arithmetic."""

from __future__ import annotations

import io

import numpy as np
import torch

from cnn_lib.dcgan.models import sample_latent
from cnn_lib.dcgan.sampling import image_grid
from cnn_lib.palette import (
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    SKY_COLOR,
    TEXT_COLOR,
)
from cnn_lib.plots import new_figure


def plot_gan_diagram():
    """Return a diagram of a GAN: noise → G → fake images, and real or fake → D → "real?"."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    figure = new_figure(8.4, 3.0)
    axes = figure.subplots()
    axes.set_xlim(0, 10.5)
    axes.set_ylim(0, 3.9)
    axes.axis("off")
    boxes = {
        "noise z\n~ N(0, I)": (0.1, 1.9, SKY_COLOR, "black"),
        "generator G\n(transposed convs)": (2.4, 1.9, OUTPUT_COLOR, "white"),
        "fake images\nG(z)": (4.9, 1.9, OUTPUT_COLOR, "white"),
        "real images x": (4.9, 0.2, INPUT_COLOR, "white"),
        "discriminator D\n(strided convs)": (7.2, 1.05, KERNEL_COLOR, "black"),
    }
    for text, (x, y, colour, ink) in boxes.items():
        axes.add_patch(FancyBboxPatch((x, y), 2.0, 1.0, boxstyle="round,pad=0.05", color=colour))
        axes.text(x + 1.0, y + 0.5, text, ha="center", va="center", color=ink, fontsize=10)
    for start, end in [
        ((2.1, 2.4), (2.4, 2.4)),
        ((4.4, 2.4), (4.9, 2.4)),
        ((6.9, 2.4), (7.2, 1.8)),
        ((6.9, 0.7), (7.2, 1.3)),
    ]:
        axes.add_patch(
            FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=TEXT_COLOR)
        )
    axes.text(9.3, 1.55, "P(real)", ha="left", va="center", fontsize=10, color=TEXT_COLOR)
    axes.annotate(
        "",
        (3.4, 2.95),
        (8.2, 2.1),
        arrowprops=dict(
            arrowstyle="-|>", color=HIGHLIGHT_COLOR, connectionstyle="arc3,rad=0.25", linestyle="--"
        ),
    )
    axes.text(
        5.9,
        3.55,
        "G learns from the gradient of D's verdict",
        ha="center",
        fontsize=9,
        color=HIGHLIGHT_COLOR,
    )
    axes.set_title(
        "A GAN: G turns noise into images, D tells real from fake; each trains against the other"
    )
    return figure


def _smooth(values: list[float], window: int) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if window <= 1 or len(values) < window:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def plot_gan_history(history: dict[str, list[float]], window: int = 20):
    """Return two panels over steps: both losses, and D's mean output on real and generated images."""
    if not history.get("step"):
        raise ValueError("history has no steps yet; train first.")
    figure = new_figure(10.0, 3.4)
    left, right = figure.subplots(1, 2)
    window = max(1, min(window, len(history["step"]) // 5))
    steps = np.asarray(history["step"])[window - 1 :] if window > 1 else np.asarray(history["step"])
    for axes, keys, labels, colours, title in (
        (
            left,
            ("loss_d", "loss_g"),
            ("loss of D", "loss of G"),
            (KERNEL_COLOR, OUTPUT_COLOR),
            "Losses",
        ),
        (
            right,
            ("d_real", "d_fake"),
            ("D(x): real images", "D(G(z)): generated"),
            (INPUT_COLOR, OUTPUT_COLOR),
            "What D says (1 = real)",
        ),
    ):
        for key, label, colour in zip(keys, labels, colours, strict=True):
            axes.plot(steps, _smooth(history[key], window), color=colour, label=label)
        axes.set_xlabel("training step")
        axes.set_title(f"{title} (mean of {window} steps)")
        axes.legend(frameon=False)
    right.axhline(0.5, color=TEXT_COLOR, linewidth=0.8, linestyle=":")
    right.set_ylim(0, 1)
    left.set_ylabel("binary cross-entropy")
    right.set_ylabel("sigmoid of D's logit")
    return figure


def pick_snapshots(
    snapshots: list[tuple[int, torch.Tensor]], frames: int
) -> list[tuple[int, torch.Tensor]]:
    """Return about ``frames`` snapshots spread evenly, always keeping the first and the last."""
    if len(snapshots) <= frames:
        return list(snapshots)
    chosen = np.unique(np.linspace(0, len(snapshots) - 1, frames).round().astype(int))
    return [snapshots[i] for i in chosen]


def plot_snapshot_strip(
    snapshots: list[tuple[int, torch.Tensor]], frames: int = 6, images: int = 8
):
    """Return the first ``images`` fixed-noise samples at a few training steps, one row per step."""
    chosen = pick_snapshots(snapshots, frames)
    figure = new_figure(1.0 * images + 0.6, 1.05 * len(chosen) + 0.4)
    for row, axes in zip(chosen, figure.subplots(len(chosen), 1, squeeze=False)[:, 0], strict=True):
        step, batch = row
        picture = image_grid(batch[:images], columns=images)
        axes.imshow(picture, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_ylabel(f"step {step}", rotation=0, ha="right", va="center", fontsize=9)
    figure.suptitle("The same noise vectors z, decoded as training goes on")
    return figure


def snapshot_animation_gif(
    snapshots: list[tuple[int, torch.Tensor]], frames: int = 8, images: int = 24, scale: int = 2
) -> bytes:
    """Return an animated GIF (bytes) of the fixed-noise grid over training, captioned with the step."""
    from PIL import Image, ImageDraw

    pictures = []
    for step, batch in pick_snapshots(snapshots, frames):
        grid = image_grid(batch[:images], columns=8)
        if grid.ndim == 2:
            grid = np.repeat(grid[..., None], 3, axis=2)
        picture = Image.fromarray(grid).resize(
            (grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST
        )
        canvas = Image.new("RGB", (picture.width, picture.height + 16), "white")
        canvas.paste(picture, (0, 16))
        ImageDraw.Draw(canvas).text((4, 2), f"step {step}", fill=(34, 34, 34))
        # 16 grey levels keep the file small (a notebook output) and are plenty for digits.
        pictures.append(canvas.convert("P", palette=Image.ADAPTIVE, colors=16))
    buffer = io.BytesIO()
    durations = [700] * (len(pictures) - 1) + [2000]  # hold the final frame a little longer
    pictures[0].save(
        buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations, loop=0
    )
    return buffer.getvalue()


@torch.no_grad()
def latents_by_class(
    generator, classifier, count: int = 2000, seed: int = 0
) -> dict[int, torch.Tensor]:
    """Return, per digit class, the latent vectors whose images the classifier assigns to it.

    Confidently classified samples (probability ≥ 0.9) are used where a class has any; a barely
    trained generator has none, and then every sample predicted as the class counts.
    """
    from cnn_lib.dcgan.metrics import CONFIDENCE_THRESHOLD, classify

    noise = sample_latent(count, generator.config, torch.Generator().manual_seed(seed))
    probabilities, _ = classify(classifier, _decode(generator, noise))
    confident = probabilities.max(1).values >= CONFIDENCE_THRESHOLD
    labels = probabilities.argmax(1)
    groups = {}
    for digit in range(probabilities.shape[1]):
        members = labels == digit
        groups[digit] = (
            noise[members & confident] if (members & confident).any() else noise[members]
        )
    return groups


@torch.no_grad()
def digit_arithmetic(
    generator, groups: dict[int, torch.Tensor], sources: int = 4
) -> tuple[torch.Tensor, list[int]]:
    """Return images for z − mean(z of its digit) + mean(z of digit c), for every digit c found.

    Rows are ``sources`` starting vectors (taken from the most common digit); columns are the
    target digits. If what stays after subtracting the digit's mean is "style" (slant, stroke
    width), each row draws every digit in one style. Returns (images (rows·columns, C, H, W), digits).
    """
    digits = [c for c, latents in sorted(groups.items()) if len(latents) > 0]
    if not digits:
        raise ValueError("groups holds no latent vectors; pass the result of latents_by_class.")
    means = {c: groups[c].mean(0) for c in digits}
    source = max(digits, key=lambda c: len(groups[c]))
    starts = groups[source][:sources]
    latents = torch.stack([z - means[source] + means[c] for z in starts for c in digits])
    return _decode(generator, latents), digits


def _decode(generator, latents: torch.Tensor) -> torch.Tensor:
    """Return ``generator``'s images (in eval mode, on its device) for ``latents``, on the CPU."""
    device = next(generator.parameters()).device
    return torch.cat(
        [generator.eval()(chunk.to(device)).float().cpu() for chunk in latents.split(500)]
    )


def plot_class_histogram(counts: dict[str, np.ndarray], title: str = "Which digits appear"):
    """Return grouped bars: for each named set of images, the share of each predicted digit.

    ``counts`` maps a label ("held-out real digits", "generated") to per-class counts; each set
    is drawn as shares of its own total, so sets of different sizes compare. A generator that
    has dropped digits (mode collapse) shows empty or tiny bars where the real set has a tenth.
    """
    if not counts:
        raise ValueError("counts is empty; pass at least one set of per-class counts.")
    figure = new_figure(8.0, 3.0)
    axes = figure.subplots()
    colours = (INPUT_COLOR, OUTPUT_COLOR, KERNEL_COLOR, SKY_COLOR)
    width = 0.8 / len(counts)
    for index, (label, values) in enumerate(counts.items()):
        values = np.asarray(values, dtype=float)
        classes = np.arange(len(values))
        axes.bar(
            classes + (index - (len(counts) - 1) / 2) * width,
            values / max(values.sum(), 1),
            width,
            label=label,
            color=colours[index % len(colours)],
        )
    axes.axhline(0.1, color=TEXT_COLOR, linewidth=0.8, linestyle=":")
    axes.set_xticks(np.arange(len(values)))
    axes.set_xlabel("digit the classifier sees")
    axes.set_ylabel("share of the images")
    axes.set_title(title)
    axes.legend(frameon=False)
    return figure
