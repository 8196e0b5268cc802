"""Deconvolution helpers: blur, transposed blur, Wiener, exact inverse, least squares, PSNR (PyTorch as oracle)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.data import load_photo
from cnn_lib.ops.deconvolution import (
    blur,
    exact_inverse,
    gaussian_kernel,
    least_squares_deconvolve,
    psnr,
    transposed_blur,
    wiener_deconvolve,
)


@pytest.fixture(scope="module")
def photo_case():
    """The notebook's case: a 64×64 crop of the photo, 5×5 Gaussian (σ = 1), noise 0.01, seed 0."""
    image = load_photo(size=64)
    kernel = gaussian_kernel(5, 1.0)
    return image, kernel, blur(image, kernel), blur(image, kernel, noise=0.01, seed=0)


def as_tensor(array):
    return torch.from_numpy(np.asarray(array, dtype=float))[None, None]


def test_gaussian_kernel_sums_to_one_and_is_symmetric():
    kernel = gaussian_kernel(5, 1.0)
    assert kernel.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(kernel, kernel.T)
    np.testing.assert_allclose(kernel, kernel[::-1, ::-1])


def test_gaussian_kernel_rejects_an_even_size():
    with pytest.raises(ValueError, match="odd"):
        gaussian_kernel(4)


def test_blur_equals_torch_conv2d_with_same_padding():
    image = np.random.default_rng(0).random((9, 11))
    kernel = gaussian_kernel(3, 0.8)
    expected = F.conv2d(as_tensor(image), as_tensor(kernel), padding=1)[0, 0].numpy()
    np.testing.assert_allclose(blur(image, kernel), expected, atol=1e-12)


def test_blur_noise_is_reproducible_from_its_seed():
    image = np.zeros((6, 6))
    kernel = gaussian_kernel(3)
    np.testing.assert_array_equal(
        blur(image, kernel, 0.1, seed=3), blur(image, kernel, 0.1, seed=3)
    )
    assert not np.array_equal(blur(image, kernel, 0.1, seed=3), blur(image, kernel, 0.1, seed=4))


def test_transposed_blur_equals_torch_conv_transpose2d():
    image = np.random.default_rng(1).random((8, 8))
    kernel = np.random.default_rng(2).random((5, 5))
    expected = F.conv_transpose2d(as_tensor(image), as_tensor(kernel), padding=2)[0, 0].numpy()
    np.testing.assert_allclose(transposed_blur(image, kernel), expected, atol=1e-12)


def test_wiener_inverts_a_circular_blur_without_noise():
    image = np.random.default_rng(3).random((16, 16))
    kernel = gaussian_kernel(3, 0.6)
    padded = torch.nn.functional.pad(as_tensor(image), (1, 1, 1, 1), mode="circular")
    circular = F.conv2d(padded, as_tensor(kernel))[0, 0].numpy()
    np.testing.assert_allclose(wiener_deconvolve(circular, kernel, 1e-12), image, atol=1e-6)


def test_exact_inverse_recovers_the_photo_without_noise(photo_case):
    image, kernel, clean, _ = photo_case
    np.testing.assert_allclose(exact_inverse(clean, kernel), image, atol=1e-6)


def test_exact_inverse_rejects_images_larger_than_64_by_64():
    with pytest.raises(ValueError, match="64×64"):
        exact_inverse(np.zeros((65, 64)), gaussian_kernel(3))


def test_least_squares_equals_the_regularised_normal_equations_in_torch():
    image = np.random.default_rng(4).random((12, 12))
    kernel = gaussian_kernel(3, 1.0)
    noisy = blur(image, kernel, noise=0.02, seed=1)
    # The closed form (CᵀC + damp²·I)⁻¹ Cᵀ y, with C built by autograd's Jacobian of conv2d.
    matrix = torch.autograd.functional.jacobian(
        lambda v: F.conv2d(v.reshape(1, 1, 12, 12), as_tensor(kernel), padding=1).ravel(),
        torch.zeros(144, dtype=torch.float64),
    )
    normal = matrix.T @ matrix + 0.05**2 * torch.eye(144, dtype=torch.float64)
    expected = torch.linalg.solve(normal, matrix.T @ torch.from_numpy(noisy.ravel())).reshape(
        12, 12
    )
    result = least_squares_deconvolve(noisy, kernel, damp=0.05)
    np.testing.assert_allclose(result, expected.numpy(), atol=1e-6)


def test_psnr_equals_the_formula_with_torch_mse():
    a, b = np.random.default_rng(5).random((2, 7, 7))
    expected = 10 * torch.log10(1 / F.mse_loss(torch.from_numpy(a), torch.from_numpy(b))).item()
    assert psnr(a, b) == pytest.approx(expected)
    assert psnr(a, a) == float("inf")


def test_psnr_rejects_images_of_different_shapes():
    with pytest.raises(ValueError, match="same shape"):
        psnr(np.zeros((3, 3)), np.zeros((3, 4)))


def test_notebook_psnr_ranking_transposed_worst_least_squares_best(photo_case):
    image, kernel, _, noisy = photo_case
    blurred = psnr(noisy, image)
    transposed = psnr(transposed_blur(noisy, kernel), image)
    wiener = psnr(wiener_deconvolve(noisy, kernel), image)
    least_squares = psnr(least_squares_deconvolve(noisy, kernel, damp=0.1), image)
    assert transposed < blurred < wiener < least_squares
    assert round(blurred, 1) == 20.5 and round(transposed, 1) == 18.2
    assert round(wiener, 1) == 22.0 and round(least_squares, 1) == 24.7


def test_exact_inverse_with_noise_is_worse_than_the_blurred_image(photo_case):
    image, kernel, _, noisy = photo_case
    assert round(psnr(exact_inverse(noisy, kernel), image), 1) == -9.9


def test_no_wiener_regulariser_gains_much_more_than_two_db_on_the_notebook_photo(photo_case):
    # Notebook 04: "no λ gains much more (about 2 dB at best)".
    image, kernel, _, noisy = photo_case
    baseline = psnr(noisy, image)
    gains = [
        psnr(wiener_deconvolve(noisy, kernel, noise_to_signal=lam), image) - baseline
        for lam in np.geomspace(1e-3, 1.0, 31)
    ]
    assert 1.8 < max(gains) < 2.2
