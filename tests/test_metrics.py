"""Quality metrics for generated digits: Fréchet distance, confidence, coverage, the real floor."""

import numpy as np
import pytest
import torch
from scipy import linalg

from cnn_lib.metrics import (
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
