"""Notebook 06's experiments: shifts, equivariance, the comparison and its thresholds, the plots."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.weight_sharing.experiments import (
    MODEL_BUILDERS,
    Result,
    build_models,
    data_efficiency,
    epochs_for,
    equivariance_errors,
    kernel_similarity,
    results_table,
    shift_accuracy,
    shifted_training_set,
    train_and_compare,
)
from cnn_lib.weight_sharing.local import LocallyConnected2d
from cnn_lib.weight_sharing.plots import (
    plot_data_efficiency,
    plot_equivariance,
    plot_shift_curves,
)
from cnn_lib.weight_sharing.shift import shift_images, shifted_copies


def padded_shift(images: torch.Tensor, down: int, right: int) -> torch.Tensor:
    """The oracle: pad with zeros by the shift on one side, crop it off the other."""
    h, w = images.shape[-2:]
    big = F.pad(images, [max(right, 0), max(-right, 0), max(down, 0), max(-down, 0)])
    top, left = max(-down, 0), max(-right, 0)
    return big[..., top : top + h, left : left + w]


@settings(max_examples=50, deadline=None)
@given(st.integers(-7, 7), st.integers(-7, 7), st.integers(2, 6), st.integers(2, 6))
def test_shift_images_is_a_zero_filled_shift(down, right, height, width):
    images = torch.rand(2, 1, height, width)
    assert torch.equal(shift_images(images, down, right), padded_shift(images, down, right))


def test_shift_images_does_not_wrap_like_torch_roll():
    images = torch.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    assert shift_images(images, 0, 1).tolist() == [[[[0.0, 1.0, 2.0], [0.0, 4.0, 5.0]]]]
    assert not torch.equal(shift_images(images, 0, 1), torch.roll(images, 1, dims=-1))


def test_shifted_copies_stacks_the_four_directions():
    images = torch.rand(3, 1, 5, 5)
    copies = shifted_copies(images, 2)
    assert copies.shape == (12, 1, 5, 5)
    assert torch.equal(copies[:3], shift_images(images, 0, 2))
    assert torch.equal(copies[9:], shift_images(images, -2, 0))


@pytest.mark.parametrize("bad", [1.5, True, "2"])
def test_shift_images_refuses_a_shift_that_is_not_whole_pixels(bad):
    with pytest.raises(ValueError, match="right"):
        shift_images(torch.zeros(1, 1, 4, 4), 0, bad)


def centred_blobs(count: int = 6, size: int = 28) -> torch.Tensor:
    """Random ink inside a centre square, so shifts of up to 4 pixels lose none of it."""
    torch.manual_seed(0)
    images = torch.zeros(count, 1, size, size)
    images[..., 8:20, 8:20] = torch.rand(count, 1, 12, 12)
    return images


def test_convolution_is_equivariant_and_stride_two_pooling_only_for_even_shifts():
    torch.manual_seed(0)
    errors = equivariance_errors(DigitsCNN(image_size=28), centred_blobs(), shifts=(1, 2, 3, 4))
    assert max(errors["conv1"]) < 1e-5 and max(errors["relu1"]) < 1e-5
    assert errors["pool1"][1] < 1e-5 and errors["pool1"][3] < 1e-5  # shifts 2 and 4
    assert errors["pool1"][0] > 0.05 and errors["pool1"][2] > 0.05  # shifts 1 and 3
    # 4 is a multiple of 2·2, 2 is not (what remains at 4: conv2 pads with 0 where the background
    # of relu1 is relu(bias), so the column where the shift entered differs a little)
    assert errors["pool2"][3] < 0.5 * errors["pool2"][1]
    assert min(errors["fc2"]) > 1e-3  # the flattening head is not invariant


def test_kernel_similarity_is_one_for_a_shared_kernel_and_low_for_random_ones():
    torch.manual_seed(0)
    shared = LocallyConnected2d.from_conv(torch.nn.Conv2d(1, 8, 3, padding=1), 10)
    everywhere = torch.ones(100, dtype=torch.bool)
    assert kernel_similarity(shared.weight, everywhere, 55) == pytest.approx(1.0)
    unshared = LocallyConnected2d(1, 8, 3, 10, padding=1)
    assert kernel_similarity(unshared.weight, everywhere, 55) < 0.8


def test_epochs_for_reaches_the_minimum_number_of_steps():
    assert epochs_for(4000, 10, 150) == 10  # 63 batches an epoch: 630 steps
    assert epochs_for(250, 10, 150) == 38  # 4 batches an epoch: 152 steps
    assert epochs_for(1000, 10, 150) == 10


def test_shifted_training_set_adds_one_shifted_copy_of_each_digit():
    images, labels = torch.rand(5, 1, 8, 8), torch.arange(5)
    doubled, doubled_labels = shifted_training_set(images, labels, max_shift=2)
    assert doubled.shape == (10, 1, 8, 8) and doubled_labels.tolist() == [0, 1, 2, 3, 4] * 2
    assert torch.equal(doubled[:5], images)


def test_models_are_built_for_28_pixel_digits_and_return_ten_logits():
    models = build_models()
    assert list(models) == list(MODEL_BUILDERS)
    for model in models.values():
        assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


def test_results_table_lists_every_model():
    table = results_table([Result("MLP", 109_386, 0.935, 1.8), Result("CNN", 105_866, 0.969, 8.5)])
    assert "109,386" in table and "96.9%" in table and "8.5s" in table


@pytest.fixture(scope="module")
def split():
    return digit_split("mnist5k", 28)


@pytest.fixture(scope="module")
def trained(split):
    """The MLP and notebook 05's CNN, one epoch each on the 4,000 digits (the quick run's size)."""
    models = build_models()
    models = {name: models[name] for name in ("MLP", "CNN (notebook 05)")}
    rows = train_and_compare(models, split.train, split.test, epochs=1)
    return models, rows


@pytest.mark.slow
def test_both_networks_learn_the_digits(trained):
    _, rows = trained
    for row in rows:
        assert row.accuracy > 0.85, row
        assert row.seconds > 0


@pytest.mark.slow
def test_the_cnn_beats_the_mlp_on_digits_shifted_by_three_pixels(trained, split):
    models, _ = trained
    images, labels = split.test_images[:500], split.test_labels[:500]
    curves = {
        name: shift_accuracy(model, images, labels, max_shift=3) for name, model in models.items()
    }
    assert curves["CNN (notebook 05)"][3] > curves["MLP"][3] + 0.05
    for curve in curves.values():  # moving the digits costs every network accuracy
        assert curve[3] < curve[0] - 0.1


@pytest.mark.slow
def test_with_250_digits_the_cnn_beats_the_mlp(split):
    builders = {name: MODEL_BUILDERS[name] for name in ("MLP", "CNN (notebook 05)")}
    curves = data_efficiency(builders, split.train, split.test, [250], epochs=1, min_steps=60)
    assert curves["CNN (notebook 05)"][0] > curves["MLP"][0]
    assert curves["MLP"][0] > 0.5


def test_data_efficiency_reuses_the_full_size_results_and_checks_sizes(split):
    builders = {"MLP": MODEL_BUILDERS["MLP"]}
    curves = data_efficiency(builders, split.train, split.test, [4000], 1, 5, trained={"MLP": 0.5})
    assert curves == {"MLP": [0.5]}
    with pytest.raises(ValueError, match="sizes"):
        data_efficiency(builders, split.train, split.test, [5000], 1, 5)


def test_the_plots_have_titles_and_labels():
    curves = {"MLP": [0.9, 0.5, 0.2], "CNN (notebook 05)": [0.95, 0.8, 0.5]}
    for figure in (
        plot_shift_curves(curves),
        plot_data_efficiency([250, 1000, 4000], curves),
        plot_equivariance({"conv1": [0.0, 0.1], "pool1": [0.4, 0.0]}, [1, 2]),
    ):
        axes = figure.axes[0]
        assert axes.get_title() and axes.get_xlabel()


def test_plots_refuse_curves_of_the_wrong_length():
    with pytest.raises(ValueError, match="one accuracy per"):
        plot_data_efficiency([250, 1000], {"MLP": [0.5]})
