"""Deconvolution: undoing a known blur, which a transposed convolution does *not* do.

A blur with kernel ``g`` is a convolution, ``y = C x (+ noise)`` with C the
convolution matrix. Three ways back to ``x``, compared by PSNR in notebook 04:

- :func:`transposed_blur` applies Cᵀ (a transposed convolution with the same
  kernel): the size comes back, the sharpness does not (it blurs again).
- :func:`wiener_deconvolve` divides by the kernel's spectrum in the Fourier
  domain, damped where the kernel is weak so that noise is not blown up.
- :func:`exact_inverse` solves ``C x = y`` with the matrix itself; it is exact
  without noise and useless with it. :func:`least_squares_deconvolve` minimises
  ``‖C x − y‖² + damp²‖x‖²`` by LSQR, which needs only C and Cᵀ: a convolution
  and a transposed convolution.

Images are 2-D float arrays (H, W) in [0, 1]; kernels are odd-sized (k, k)
arrays, applied with zero "same" padding ``p = (k − 1)/2``.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnn_lib.ops.conv import conv2d
from cnn_lib.ops.transposed import conv_matrix, conv_transpose2d

__all__ = [
    "gaussian_kernel",
    "blur",
    "transposed_blur",
    "wiener_deconvolve",
    "exact_inverse",
    "least_squares_deconvolve",
    "psnr",
    "MAX_EXACT_PIXELS",
]

MAX_EXACT_PIXELS = 64 * 64  # a dense solve beyond this takes minutes on a laptop


def _check_image(image, name: str = "image") -> np.ndarray:
    """Return ``image`` as a 2-D float array, or raise naming the problem."""
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or min(image.shape) == 0:
        raise ValueError(f"{name} must be a 2-D grayscale array (H, W), got shape {image.shape}.")
    return image


def _check_kernel(kernel) -> np.ndarray:
    """Return ``kernel`` as an odd-sized square float array, or raise naming the problem."""
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(
            f"kernel must be a square 2-D array of odd size (k, k), so that 'same' padding "
            f"(k − 1)/2 centres it; got shape {kernel.shape}."
        )
    return kernel


def _check_positive(name: str, value, meaning: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} ({meaning}) must be a positive number, got {value!r}.")
    return float(value)


def gaussian_kernel(k: int = 5, sigma: float = 1.0) -> np.ndarray:
    """Return a (k, k) Gaussian blur kernel with standard deviation ``sigma`` pixels, summing to 1."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1 or k % 2 == 0:
        raise ValueError(f"k (kernel size) must be an odd whole number ≥ 1, got {k!r}.")
    sigma = _check_positive("sigma", sigma, "blur width in pixels")
    offsets = np.arange(k) - (k - 1) / 2
    profile = np.exp(-(offsets**2) / (2 * sigma**2))
    kernel = np.outer(profile, profile)
    return kernel / kernel.sum()


def blur(image, kernel, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Return ``image`` convolved with ``kernel`` ('same' size, zeros outside) plus Gaussian noise of std ``noise``."""
    image, kernel = _check_image(image), _check_kernel(kernel)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or noise < 0:
        raise ValueError(f"noise (its standard deviation) must be a number ≥ 0, got {noise!r}.")
    blurred = conv2d(image[None, None], kernel[None, None], padding=kernel.shape[0] // 2)[0, 0]
    return blurred + noise * np.random.default_rng(seed).standard_normal(blurred.shape)


def transposed_blur(blurred, kernel) -> np.ndarray:
    """Return Cᵀ y: the transposed convolution of ``blurred`` with the blur's own kernel (same size, still blurred)."""
    blurred, kernel = _check_image(blurred, "blurred"), _check_kernel(kernel)
    padding = kernel.shape[0] // 2
    return conv_transpose2d(blurred[None, None], kernel[None, None], padding=padding)[0, 0]


def wiener_deconvolve(blurred, kernel, noise_to_signal: float = 1e-2) -> np.ndarray:
    """Return the Wiener estimate ``F⁻¹[conj(G)·Y / (|G|² + noise_to_signal)]`` of the sharp image.

    ``G`` is the kernel's spectrum at the image's size. Dividing by ``G`` alone
    would be the exact inverse; the ``noise_to_signal`` term stops the division
    where ``|G|`` is tiny and the "signal" there is mostly noise. The FFT treats
    the image as wrapping around, so the borders are restored less well.
    """
    blurred, kernel = _check_image(blurred, "blurred"), _check_kernel(kernel)
    noise_to_signal = _check_positive(
        "noise_to_signal", noise_to_signal, "noise power / signal power"
    )
    k = kernel.shape[0]
    if k > min(blurred.shape):
        raise ValueError(f"kernel (size {k}) must not be larger than the image {blurred.shape}.")
    # The kernel on an image-sized canvas with its centre at pixel (0, 0): zero phase shift.
    canvas = np.zeros_like(blurred)
    canvas[:k, :k] = kernel
    spectrum = np.fft.fft2(np.roll(canvas, (-(k // 2), -(k // 2)), axis=(0, 1)))
    estimate = np.conj(spectrum) * np.fft.fft2(blurred) / (np.abs(spectrum) ** 2 + noise_to_signal)
    return np.real(np.fft.ifft2(estimate))


def exact_inverse(blurred, kernel) -> np.ndarray:
    """Return the x that solves C x = y exactly, with C the convolution matrix (images ≤ 64×64).

    C comes from :func:`cnn_lib.ops.conv_matrix`; it has only k² non-zeros per
    row, so a sparse LU factorisation (scipy, which scikit-learn brings) solves
    in a second where a dense solve of 4,096 unknowns takes several. ``blurred``
    is one image (H, W) or a stack (B, H, W) blurred by the same kernel: the stack
    shares the one factorisation.
    """
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import splu

    blurred, kernel = np.asarray(blurred, dtype=float), _check_kernel(kernel)
    stack = _check_image(blurred, "blurred")[None] if blurred.ndim != 3 else blurred
    height, width = stack.shape[1:]
    if height * width > MAX_EXACT_PIXELS or min(stack.shape) == 0:
        raise ValueError(
            f"blurred has shape {blurred.shape}: a dense solve needs 1 to {MAX_EXACT_PIXELS} "
            f"pixels per image (64×64); crop it or use least_squares_deconvolve."
        )
    matrix = conv_matrix(kernel[None, None], (1, height, width), padding=kernel.shape[0] // 2)
    solutions = splu(csc_matrix(matrix)).solve(stack.reshape(len(stack), -1).T).T
    return solutions.reshape(blurred.shape)


def least_squares_deconvolve(
    blurred, kernel, damp: float = 0.1, iterations: int = 2000
) -> np.ndarray:
    """Return the x minimising ‖C x − y‖² + damp²‖x‖², found by LSQR from convolutions alone.

    LSQR never forms C: it only asks for ``C v`` (a convolution) and ``Cᵀ u`` (a
    transposed convolution), so it works on images of any size. ``damp = 0`` is
    plain least squares, which amplifies noise like the exact inverse.
    """
    from scipy.sparse.linalg import LinearOperator, lsqr

    blurred, kernel = _check_image(blurred, "blurred"), _check_kernel(kernel)
    if isinstance(damp, bool) or not isinstance(damp, numbers.Real) or damp < 0:
        raise ValueError(f"damp (the regularisation weight) must be a number ≥ 0, got {damp!r}.")
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, numbers.Integral)
        or iterations < 1
    ):
        raise ValueError(f"iterations must be a whole number ≥ 1, got {iterations!r}.")
    shape, padding, weights = blurred.shape, kernel.shape[0] // 2, kernel[None, None]

    def forward(v: np.ndarray) -> np.ndarray:
        return conv2d(v.reshape(1, 1, *shape), weights, padding=padding).ravel()

    def adjoint(u: np.ndarray) -> np.ndarray:
        return conv_transpose2d(u.reshape(1, 1, *shape), weights, padding=padding).ravel()

    size = blurred.size
    operator = LinearOperator((size, size), matvec=forward, rmatvec=adjoint, dtype=float)
    solution = lsqr(
        operator,
        blurred.ravel(),
        damp=float(damp),
        atol=1e-10,
        btol=1e-10,
        iter_lim=int(iterations),
    )[0]
    return solution.reshape(shape)


def psnr(estimate, original, peak: float = 1.0) -> float:
    """Return the peak signal-to-noise ratio 10·log10(peak² / mean squared error) in dB (∞ when equal)."""
    estimate, original = _check_image(estimate, "estimate"), _check_image(original, "original")
    if estimate.shape != original.shape:
        raise ValueError(
            f"estimate and original must have the same shape, got {estimate.shape} and {original.shape}."
        )
    peak = _check_positive("peak", peak, "the largest possible pixel value")
    mse = float(np.mean((estimate - original) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(peak**2 / mse)
