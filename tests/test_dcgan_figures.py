"""Notebook 07's pictures: diagram, training curves, snapshots, GIF, z arithmetic."""

import io

import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image

from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.dcgan.figures import (
    digit_arithmetic,
    latents_by_class,
    pick_snapshots,
    plot_class_histogram,
    plot_gan_diagram,
    plot_gan_history,
    plot_snapshot_strip,
    snapshot_animation_gif,
)
from cnn_lib.dcgan.models import Generator, ModelConfig

TINY = ModelConfig(image_size=16, latent_dim=8, generator_width=4, discriminator_width=4)


def snapshots(count):
    return [(step * 10, torch.rand(16, 1, 16, 16) * 2 - 1) for step in range(count)]


def test_diagram_and_history_are_figures():
    assert isinstance(plot_gan_diagram(), Figure)
    history = {
        "step": list(range(50)),
        **{k: [0.5] * 50 for k in ("loss_d", "loss_g", "d_real", "d_fake")},
    }
    assert len(plot_gan_history(history).axes) == 2
    with pytest.raises(ValueError, match="no steps"):
        plot_gan_history({"step": []})


def test_pick_snapshots_spreads_frames_and_keeps_first_and_last():
    chosen = pick_snapshots(snapshots(20), 5)
    assert len(chosen) == 5 and chosen[0][0] == 0 and chosen[-1][0] == 190
    assert len(pick_snapshots(snapshots(3), 5)) == 3


def test_snapshot_strip_has_one_row_per_frame():
    assert len(plot_snapshot_strip(snapshots(10), frames=4).axes) == 4


def test_animation_is_a_small_gif_with_one_frame_per_snapshot():
    data = snapshot_animation_gif(snapshots(12), frames=6, images=16)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "GIF" and image.n_frames == 6
    assert len(data) < 100_000


def test_digit_arithmetic_draws_every_found_digit_for_each_source():
    torch.manual_seed(0)
    generator, classifier = Generator(TINY), DigitsCNN(image_size=8)
    groups = latents_by_class(generator, classifier, count=200)
    assert sum(len(v) for v in groups.values()) >= 1
    images, digits = digit_arithmetic(generator, groups, sources=2)
    found = max(len(v) for v in groups.values())
    assert images.shape == (min(2, found) * len(digits), 1, 16, 16)
    with pytest.raises(ValueError, match="no latent vectors"):
        digit_arithmetic(generator, {3: torch.zeros(0, 8, 1, 1)})


def test_class_histogram_draws_each_set_as_shares_of_its_own_total():
    import numpy as np

    real = np.full(10, 100)
    collapsed = np.array([0, 600, 0, 0, 0, 0, 0, 400, 0, 0])
    figure = plot_class_histogram({"real": real, "collapsed": collapsed})
    bars = [patch.get_height() for patch in figure.axes[0].patches]
    assert len(bars) == 20
    assert bars[:10] == pytest.approx([0.1] * 10)
    assert bars[10:] == pytest.approx([0, 0.6, 0, 0, 0, 0, 0, 0.4, 0, 0])
    with pytest.raises(ValueError, match="empty"):
        plot_class_histogram({})
