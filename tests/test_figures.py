"""The course figures: every file regenerates as a PNG of the expected size; their numbers match torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from PIL import Image

from cnn_lib import figures
from cnn_lib.figures import (
    FIGURE_DPI,
    FIGURES,
    IMAGES_DIR,
    feature_map_example,
    transposed_example,
    write_figures,
)

EXPECTED_FILES = {"output_feature_map.png", "general_arch_CNN.png", "transposedCL.png"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("images")
    return out, write_figures(out)


def test_write_figures_writes_every_registered_figure(written):
    out, paths = written
    assert {path.name for path in paths} == EXPECTED_FILES
    assert {path.name for path in out.iterdir()} == EXPECTED_FILES


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_is_a_non_blank_png_of_figsize_times_dpi(written, name):
    out, _ = written
    figure = FIGURES[name]()
    assert isinstance(figure, Figure)
    width, height = (figure.get_size_inches() * FIGURE_DPI).round().astype(int)
    with Image.open(out / f"{name}.png") as image:
        assert image.format == "PNG"
        assert image.size == (width, height)
        assert 600 <= width <= 2000 and 300 <= height <= 800  # readable, and small in a notebook
        pixels = np.asarray(image.convert("L"))
    assert pixels.std() > 10  # something was drawn, not a blank canvas


def test_command_line_writes_into_the_out_folder(tmp_path, capsys):
    figures.main(["--out", str(tmp_path / "new")])
    assert {path.name for path in (tmp_path / "new").iterdir()} == EXPECTED_FILES
    assert "transposedCL.png" in capsys.readouterr().out


def test_committed_images_are_the_registered_figures():
    assert EXPECTED_FILES <= {path.name for path in IMAGES_DIR.glob("*.png")}


def test_feature_map_example_matches_torch_conv2d():
    example = feature_map_example()
    x = torch.tensor(example["input"])[None, None]
    w = torch.tensor(example["kernel"])[None, None]
    assert np.array_equal(F.conv2d(x, w)[0, 0].numpy(), example["output"])
    row, col = example["position"]
    assert example["output"][row, col] == -3


def test_transposed_example_matches_torch_conv_transpose2d():
    example = transposed_example()
    x = torch.tensor(example["input"])[None, None]
    w = torch.tensor(example["kernel"])[None, None]
    expected = F.conv_transpose2d(x, w, stride=example["stride"])[0, 0].numpy()
    assert expected.shape == (5, 5)
    assert np.array_equal(example["output"], expected)
    assert example["copies"].shape == (4, 5, 5)


def test_architecture_figure_draws_each_stack_to_scale():
    from matplotlib.patches import Rectangle

    from cnn_lib.classifier.model import DigitsCNN
    from cnn_lib.layer_cost import model_cost

    figure = figures.plot_cnn_architecture(image_size=16)
    squares = {
        round(p.get_width(), 6)
        for p in figure.axes[0].patches
        if isinstance(p, Rectangle) and p.get_width() == p.get_height()
    }
    rows = model_cost(DigitsCNN(16), (1, 16, 16))
    sides = {16} | {row.output_shape[1] for row in rows if len(row.output_shape) == 3}
    assert squares == {round(side * 5.0 / 16, 6) for side in sides}  # 16, 8 and 4 pixels
