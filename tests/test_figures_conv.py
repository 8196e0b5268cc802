"""Static image figures of notebook 01."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_lib.figures_conv import plot_images


def test_plot_images_titles_each_image_and_hides_spare_axes():
    figure = plot_images(
        [np.zeros((4, 4)), np.ones((4, 4, 3)), -np.eye(4)],
        ["a", "b", "c"],
        signed=[False, False, True],
        columns=2,
    )
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["a", "b", "c", ""] and not figure.axes[3].axison
    signed = figure.axes[2].images[0].get_array()
    assert signed.min() == 0 and signed[0, 1] == 0.5  # −1 → black, 0 → mid-grey
    plt.close(figure)


def test_plot_images_needs_one_title_per_image():
    with pytest.raises(ValueError, match="one title per image"):
        plot_images([np.zeros((2, 2))], ["a", "b"])
