"""Learning a kernel: training crops, the convergence figure, and that gradient descent recovers Sobel x."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_lib.data import load_photo
from cnn_lib.kernels import kernel
from cnn_lib.learning import plot_kernel_learning, random_crops


def test_random_crops_are_reproducible_pieces_of_the_image():
    image = np.arange(100, dtype=float).reshape(10, 10)
    crops = random_crops(image, count=5, size=4, seed=3)
    assert crops.shape == (5, 1, 4, 4) and crops.dtype == np.float32
    np.testing.assert_array_equal(crops, random_crops(image, count=5, size=4, seed=3))
    for crop in crops[:, 0]:
        top, left = divmod(int(crop[0, 0]), 10)
        np.testing.assert_array_equal(crop, image[top : top + 4, left : left + 4])


@pytest.mark.parametrize(
    "image, count, size, word",
    [
        (np.zeros((4, 4, 3)), 1, 2, "2-D"),
        (np.zeros((4, 4)), 0, 2, "count"),
        (np.zeros((4, 4)), 1, 5, "size"),
    ],
)
def test_random_crops_refuse_bad_parameters(image, count, size, word):
    with pytest.raises(ValueError, match=word):
        random_crops(image, count, size)


def test_gradient_descent_recovers_sobel_x_as_notebook_01_does():
    # The same data, optimiser and quick-run step count as notebook 01's training cell.
    torch.manual_seed(0)
    images = torch.from_numpy(random_crops(load_photo(size=64), count=16, size=24))
    sobel = torch.from_numpy(kernel("Sobel x")).float()[None, None]
    targets = F.conv2d(images, sobel)
    w = torch.randn(1, 1, 3, 3, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.5, momentum=0.9)
    losses = []
    for _ in range(150):
        loss = F.mse_loss(F.conv2d(images, w), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 1e-4 * losses[0]
    assert (w.detach() - sobel).abs().max().item() < 0.05


def test_plot_kernel_learning_draws_the_loss_and_the_snapshots():
    history = np.stack([np.full((3, 3), step / 10) for step in range(11)])
    figure = plot_kernel_learning(np.linspace(1, 0.01, 10), history, np.ones((3, 3)), snapshots=3)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["loss (mean squared error)", "step 0", "step 5", "step 10", "target"]
    plt.close(figure)


def test_plot_kernel_learning_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="history"):
        plot_kernel_learning([1.0], np.zeros((2, 2, 2)), np.zeros((3, 3)))
