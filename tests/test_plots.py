"""The plotting helpers: each returns one Figure with the right panels; bad input is refused clearly."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from cnn_lib.plots import (
    plot_confusion_matrix,
    plot_feature_maps,
    plot_history,
    plot_image_grid,
    plot_kernel_learning,
    plot_kernels,
    plot_overlap_maps,
)


def images_shown(figure: Figure) -> list:
    return [image for axes in figure.axes for image in axes.images]


def test_plot_history_draws_loss_and_accuracy_side_by_side():
    history = {
        "epoch": [1, 2, 3],
        "train_loss": [2, 1, 0.5],
        "test_loss": [2, 1.2, 0.7],
        "train_accuracy": [0.3, 0.8, 0.9],
        "test_accuracy": [0.4, 0.7, 0.88],
    }
    figure = plot_history(history)
    loss_axes, accuracy_axes = figure.axes
    assert [line.get_label() for line in loss_axes.lines] == ["train loss", "test loss"]
    assert list(accuracy_axes.lines[1].get_ydata()) == [0.4, 0.7, 0.88]
    assert loss_axes.get_xlabel() == "epoch" and accuracy_axes.get_ylabel() == "accuracy"


def test_plot_history_accepts_gan_style_keys_against_steps():
    history = {"step": [0, 10, 20], "generator_loss": [1, 2, 3], "discriminator_loss": [1, 1, 1]}
    figure = plot_history(history, x="step")
    assert len(figure.axes) == 1 and len(figure.axes[0].lines) == 2


@pytest.mark.parametrize(
    "history, word", [({"loss": [1]}, "epoch"), ({"epoch": [1], "x": [1]}, "loss")]
)
def test_plot_history_rejects_histories_without_curves(history, word):
    with pytest.raises(ValueError, match=word):
        plot_history(history)


@pytest.mark.parametrize("shape", [(12, 8, 8), (12, 1, 8, 8), (12, 3, 8, 8), (12, 8, 8, 3)])
def test_plot_image_grid_shows_every_image_in_rows_of_columns(shape):
    figure = plot_image_grid(np.random.rand(*shape), [str(i) for i in range(12)], columns=5)
    assert len(figure.axes) == 15  # 3 rows × 5, the last three empty
    assert len(images_shown(figure)) == 12
    assert figure.axes[11].get_title() == "11"


def test_plot_image_grid_maps_rgb_from_minus_one_one():
    images = torch.full((2, 3, 4, 4), -1.0)
    figure = plot_image_grid(images, vmin=-1, vmax=1)
    assert np.all(images_shown(figure)[0].get_array() == 0)


def test_plot_image_grid_rejects_mismatched_titles_and_bad_shapes():
    with pytest.raises(ValueError, match="one title per image"):
        plot_image_grid(np.zeros((3, 8, 8)), ["a"])
    with pytest.raises(ValueError, match="images must be"):
        plot_image_grid(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="images must be"):
        plot_image_grid({})


def test_plot_image_grid_takes_images_of_different_sizes_titled_by_dict_keys():
    figure = plot_image_grid({"photo": np.zeros((8, 8)), "map": np.ones((4, 4))}, size=2.0)
    assert [axes.get_title() for axes in figure.axes] == ["photo", "map"]
    assert [image.get_array().shape for image in images_shown(figure)] == [(8, 8), (4, 4)]


def test_plot_image_grid_shows_signed_maps_with_zero_at_mid_grey():
    figure = plot_image_grid(
        [np.zeros((4, 4)), np.ones((4, 4, 3)), -np.eye(4)],
        ["a", "b", "c"],
        signed=[False, False, True],
        columns=2,
    )
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["a", "b", "c", ""] and not figure.axes[3].axison
    signed = figure.axes[2].images[0].get_array()
    assert signed.min() == 0 and signed[0, 1] == 0.5  # −1 → black, 0 → mid-grey


def test_plot_kernels_puts_zero_at_mid_grey_for_each_kernel():
    weights = torch.randn(16, 1, 3, 3)
    figure = plot_kernels(weights)
    shown = images_shown(figure)
    assert len(shown) == 16
    low, high = shown[3].get_clim()
    assert low == -high == -weights[3].abs().max().item()


def test_plot_kernels_shows_rgb_kernels_in_colour_and_refuses_other_shapes():
    figure = plot_kernels(torch.randn(4, 3, 5, 5))
    assert images_shown(figure)[0].get_array().shape == (5, 5, 3)
    with pytest.raises(ValueError, match="weights must have shape"):
        plot_kernels(torch.randn(4, 2, 3, 3))


def test_plot_feature_maps_scales_each_map_on_its_own():
    maps = torch.stack([torch.rand(6, 6), 5 * torch.rand(6, 6), torch.randn(6, 6)])
    shown = images_shown(plot_feature_maps(maps))
    assert shown[1].get_clim() == (0.0, maps[1].max().item())
    low, high = shown[2].get_clim()
    assert low == -high  # a signed map keeps 0 at mid-grey
    with pytest.raises(ValueError, match="maps must have shape"):
        plot_feature_maps(torch.rand(6, 6))


def test_plot_confusion_matrix_writes_every_non_zero_count():
    matrix = np.array([[5, 1, 0], [0, 4, 0], [2, 0, 3]])
    axes = plot_confusion_matrix(matrix).axes[0]
    assert sorted(text.get_text() for text in axes.texts) == ["1", "2", "3", "4", "5"]
    assert axes.get_xlabel() == "predicted class" and axes.get_ylabel() == "true class"
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.zeros((2, 3)))


def test_plot_overlap_maps_draws_one_titled_panel_per_case():
    figure = plot_overlap_maps([(3, 2, 0, 0), (4, 2, 1, 0)])
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["k=3, s=2, p=0: uneven", "k=4, s=2, p=1: even inside"]


def test_plot_kernel_learning_draws_the_loss_and_the_snapshots():
    history = np.stack([np.full((3, 3), step / 10) for step in range(11)])
    figure = plot_kernel_learning(np.linspace(1, 0.01, 10), history, np.ones((3, 3)), snapshots=3)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["loss (mean squared error)", "step 0", "step 5", "step 10", "target"]


def test_plot_kernel_learning_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="history"):
        plot_kernel_learning([1.0], np.zeros((2, 2, 2)), np.zeros((3, 3)))
