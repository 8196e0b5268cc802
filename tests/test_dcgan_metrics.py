"""Quality metrics for generated digits: Fréchet distance, confidence, coverage, the real floor.

Each digit data set is judged by a classifier trained on its own training split, against its
own held-out split and its own real-vs-real floor.
"""

import numpy as np
import pytest
import torch
from scipy import linalg

from cnn_lib.dcgan.metrics import (
    CLASSIFIER_EPOCHS,
    CLASSIFIER_EPOCHS_BY_DATASET,
    QualityReport,
    as_generated,
    class_coverage,
    confident_share,
    digits_reference,
    frechet_distance,
    quality_report,
    to_classifier_input,
)


@pytest.fixture(scope="module")
def reference():
    return digits_reference(epochs=5)


@pytest.fixture(scope="module")
def mnist5k_reference():
    """The mnist5k classifier at its default epochs (about 20 s on one CPU thread)."""
    return digits_reference("mnist5k")


def test_frechet_distance_matches_the_closed_form_for_diagonal_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal([0, 1, 2], [1, 2, 3], size=(200_000, 3))
    b = rng.normal([1, 1, 0], [2, 2, 1], size=(200_000, 3))
    # For diagonal covariances: |μa − μb|² + Σ (σa − σb)².
    expected = (1 + 0 + 4) + ((1 - 2) ** 2 + 0 + (3 - 1) ** 2)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=0.02)


def test_frechet_distance_matches_scipy_matrix_square_root_on_correlated_features():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(500, 6)) @ rng.normal(size=(6, 6))
    b = rng.normal(size=(400, 6)) @ rng.normal(size=(6, 6)) + 0.5
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = linalg.sqrtm(cov_a @ cov_b).real
    expected = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    features = np.random.default_rng(2).normal(size=(300, 5))
    assert frechet_distance(features, features) == pytest.approx(0, abs=1e-8)


def test_frechet_distance_rejects_mismatched_features():
    with pytest.raises(ValueError, match="same F"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


def test_class_coverage_is_one_for_uniform_classes_and_zero_for_one_class():
    uniform = torch.eye(10).repeat(7, 1)
    assert class_coverage(uniform) == pytest.approx(1.0)
    assert class_coverage(torch.eye(10)[[3] * 50]) == pytest.approx(0.0)
    two = torch.eye(10)[[1, 2] * 10]
    assert class_coverage(two) == pytest.approx(np.log(2) / np.log(10))


def test_confident_share_counts_rows_at_or_above_the_threshold():
    probabilities = torch.tensor([[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    assert confident_share(probabilities) == pytest.approx(0.5)


def test_classifier_input_is_area_averaged_to_eight_pixels_in_zero_to_one():
    images = torch.full((2, 1, 32, 32), -1.0)
    images[:, :, :4, :4] = 1.0
    inputs = to_classifier_input(images)
    assert inputs.shape == (2, 1, 8, 8) and inputs[0, 0, 0, 0] == 1 and inputs[0, 0, 1, 1] == 0
    with pytest.raises(ValueError, match="shape"):
        to_classifier_input(torch.zeros(2, 3, 32, 32))


def test_real_digits_score_near_the_floor_and_noise_far_above_it(reference):
    assert reference.held_out_accuracy > 0.8
    real = as_generated(reference.train_images[-400:], 32)
    noise = torch.rand(400, 1, 32, 32) * 2 - 1
    real_report, noise_report = quality_report(real, reference), quality_report(noise, reference)
    assert isinstance(real_report, QualityReport) and real_report.samples == 400
    assert real_report.ratio < 2 and real_report.coverage > 0.95
    assert 0 <= real_report.real_confident_share <= 1
    assert noise_report.ratio > 20 and noise_report.coverage < 0.5
    assert set(real_report.to_dict()) >= {
        "frechet_distance",
        "floor",
        "ratio",
        "confident_share",
        "coverage",
    }


def test_digits_reference_records_its_dataset_and_classifier_size(reference):
    assert reference.dataset == "digits" and reference.image_size == 8
    assert reference.held_out_images.shape == (360, 1, 8, 8)
    assert CLASSIFIER_EPOCHS_BY_DATASET["digits"] == CLASSIFIER_EPOCHS


@pytest.mark.parametrize("dataset", ["fashion_mnist", "cifar10", "celeba", "folder"])
def test_a_dataset_without_digit_labels_is_refused_in_one_sentence(dataset):
    with pytest.raises(ValueError) as error:
        digits_reference(dataset)
    message = str(error.value)
    assert repr(dataset) in message and "labelled digits (digits, mnist5k, mnist)" in message
    assert message.endswith(".") and message.count(". ") == 0


def test_classifier_input_frames_28_pixel_digits_and_area_averages_64_to_32():
    native = torch.full((1, 1, 28, 28), 1.0)
    framed = to_classifier_input(native, 32)
    assert framed.shape == (1, 1, 32, 32) and framed.sum() == 28 * 28  # background border
    large = torch.full((1, 1, 64, 64), -1.0)
    large[..., :2, :2] = 1.0
    assert to_classifier_input(large, 32)[0, 0, 0, 0] == 1 and to_classifier_input(large, 32)[
        0, 0, 0, 1
    ] == pytest.approx(0)


def test_as_generated_crops_the_mnist_frame_back_to_28_pixels():
    frame = torch.zeros(2, 1, 32, 32)
    frame[..., 2:30, 2:30] = torch.rand(2, 1, 28, 28)
    native = as_generated(frame, 28, "mnist5k")
    assert native.shape == (2, 1, 28, 28)
    assert torch.allclose((native + 1) / 2, frame[..., 2:30, 2:30], atol=1 / 255)


@pytest.mark.slow
@pytest.mark.slow  # trains a classifier
def test_mnist5k_reference_is_a_32_pixel_classifier_on_its_own_split(mnist5k_reference):
    assert mnist5k_reference.dataset == "mnist5k" and mnist5k_reference.image_size == 32
    assert mnist5k_reference.classifier.image_size == 32
    assert mnist5k_reference.train_images.shape == (4000, 1, 32, 32)
    assert mnist5k_reference.held_out_images.shape == (1000, 1, 32, 32)
    assert mnist5k_reference.held_out_accuracy >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("image_size", [32, 64])
@pytest.mark.slow  # trains a classifier
def test_mnist5k_real_digits_score_near_the_floor_and_noise_far_above_it(
    mnist5k_reference, image_size
):
    real = as_generated(mnist5k_reference.train_images[-500:], image_size, "mnist5k")
    noise = torch.rand(500, 1, image_size, image_size) * 2 - 1
    real_report = quality_report(real, mnist5k_reference)
    noise_report = quality_report(noise, mnist5k_reference)
    assert 0.8 < real_report.ratio < 1.5 and real_report.coverage > 0.95
    assert real_report.real_confident_share >= 0.9 and real_report.confident_share >= 0.9
    assert noise_report.ratio > 20 and noise_report.coverage < 0.5
