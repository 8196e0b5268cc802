"""Notebook 07 runs top to bottom for every data set: its one RUN line changed, nothing else.

Each data set is written as small files in its real format (MNIST idx, a CIFAR-10 batch, image
folders) where the presets look for them, so no download is needed and none is attempted. The
kernel runs with CI=true, as nbval's does, so each training lasts a few seconds.
"""

import os
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

from cnn_lib.dcgan import PRESETS
from tests.test_dcgan_data import write_cifar10, write_idx

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_dcgan.ipynb"
DEFAULT_RUN = 'RUN = "cpu"'
# Enough images for a few full batches of the Colab presets' 128.
COUNT = 300


def write_idx_set(folder: Path, rng: np.random.Generator) -> None:
    """Write MNIST-format train and t10k images with labels 0–9 in turn."""
    for prefix, count in [("train", COUNT), ("t10k", 60)]:
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        write_idx(folder / f"{prefix}-images-idx3-ubyte", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte", (np.arange(count) % 10).astype(np.uint8))


def write_image_folder(folder: Path, rng: np.random.Generator, count: int = 140) -> None:
    """Write RGB PNGs of a size that is not square, so the crop is exercised too."""
    folder.mkdir(parents=True)
    for index in range(count):
        pixels = rng.integers(0, 256, (36, 44, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{index:04d}.png")


def write_data(root: Path, dataset: str) -> None:
    rng = np.random.default_rng(0)
    if dataset == "mnist":
        write_idx_set(root / "MNIST" / "raw", rng)
    elif dataset == "fashion_mnist":
        write_idx_set(root / "FashionMNIST" / "raw", rng)
    elif dataset == "cifar10":
        write_cifar10(root, batches=1, per_batch=COUNT)
    elif dataset in ("celeba", "folder"):
        write_image_folder(root / ("celeba" if dataset == "celeba" else "images"), rng)


@pytest.mark.slow  # one kernel and a few seconds of training per data set
@pytest.mark.parametrize(
    "run", [name for name in PRESETS if PRESETS[name].dataset not in ("mnist5k",)]
)
def test_run_all_completes_for_the_preset_of_every_dataset(run, tmp_path, monkeypatch):
    write_data(tmp_path / "data", PRESETS[run].dataset)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and DEFAULT_RUN in c.source]
    cell.source = cell.source.replace(DEFAULT_RUN, f'RUN = "{run}"')
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(NOTEBOOK.parents[1]), os.environ.get("PYTHONPATH", "")])
    )
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert f"{run}: {PRESETS[run].dataset} at" in printed
    if PRESETS[run].dataset in ("digits", "mnist"):
        assert "× the real floor" in printed
    else:
        assert "has no digit labels" in printed
