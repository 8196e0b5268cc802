"""DCGAN data: the digit sets and readers for the real file formats, on small written files."""

import gzip
import pickle
import struct
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_lib.classifier.data import DIGIT_SIZES, digit_split
from cnn_lib.data import load_mnist, read_idx_labels
from cnn_lib.dcgan.data import (
    CHANNELS,
    DATASETS,
    DIGIT_DATASETS,
    FolderImages,
    TensorImages,
    epoch_order,
    load_training_images,
    read_cifar10_images,
    read_idx_images,
)


def write_idx(path, array: np.ndarray, compress: bool = False) -> None:
    """Write uint8 ``array`` (images (N, H, W) or labels (N,)) as an idx file, gzipped if asked."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    with (gzip.open if compress else open)(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


def write_mnist(root, train: int = 20, test: int = 10, compress: bool = False) -> None:
    """Write the four MNIST idx files where torchvision puts them, with labels 0–9 in turn."""
    rng = np.random.default_rng(0)
    suffix = ".gz" if compress else ""
    for prefix, count in [("train", train), ("t10k", test)]:
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        labels = (np.arange(count) % 10).astype(np.uint8)
        write_idx(root / "MNIST" / "raw" / f"{prefix}-images-idx3-ubyte{suffix}", images, compress)
        write_idx(root / "MNIST" / "raw" / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress)


def write_cifar10(root, batches: int = 2, per_batch: int = 3) -> list[np.ndarray]:
    """Write CIFAR-10 python batches (pickled dicts of uint8 rows) and return their arrays."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    arrays = [rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8) for _ in range(batches)]
    for index, array in enumerate(arrays, start=1):
        with open(folder / f"data_batch_{index}", "wb") as file:
            pickle.dump({b"data": array, b"labels": [0] * per_batch}, file)
    return arrays


def fake_torchvision(monkeypatch, writers: dict) -> list:
    """Install a stand-in torchvision whose dataset classes write files instead of downloading."""
    calls = []

    def dataset_class(name):
        def download(root, train, download):
            calls.append((name, root, train, download))
            writers[name](Path(root))

        return download

    datasets = types.ModuleType("torchvision.datasets")
    for name, attribute in [("mnist", "MNIST"), ("fashion_mnist", "FashionMNIST")]:
        setattr(datasets, attribute, dataset_class(name))
    datasets.CIFAR10 = dataset_class("cifar10")
    package = types.ModuleType("torchvision")
    package.datasets = datasets
    monkeypatch.setitem(sys.modules, "torchvision", package)
    monkeypatch.setitem(sys.modules, "torchvision.datasets", datasets)
    return calls


def first_batch(data, batch_size=4):
    return next(data.batches(epoch_order(len(data), 0, 0), batch_size, 0, "cpu"))


def test_digits_are_the_classifier_training_split_scaled_to_minus_one_to_one():
    from cnn_lib.classifier.data import digit_split

    split = digit_split(image_size=8)
    data = load_training_images("digits", 32)
    assert len(data) == len(split.train_images) and len(data) + len(split.test_images) == 1797
    batch = first_batch(data, 64)
    assert batch.shape == (64, 1, 32, 32) and batch.dtype == torch.float32
    assert batch.min() == -1 and batch.max() == 1


def test_digits_at_eight_pixels_are_the_split_images_exactly():
    from cnn_lib.classifier.data import digit_split

    data = load_training_images("digits", 16)
    assert data.images.shape[-1] == 16
    eight = TensorImages(digit_split(image_size=8).train_images * 2 - 1)
    expected = (digit_split(image_size=8).train_images * 255).round()
    assert torch.allclose(eight.images.float(), expected, atol=1)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_idx_files_are_read_in_torchvisions_layout(tmp_path, compress):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    name = "train-images-idx3-ubyte" + (".gz" if compress else "")
    write_idx(tmp_path / "MNIST" / "raw" / name, images, compress)
    assert np.array_equal(read_idx_images(tmp_path / "MNIST" / "raw" / name), images)
    data = load_training_images("mnist", 16, root=tmp_path)
    batch = first_batch(data)
    assert batch.shape == (4, 1, 16, 16) and -1 <= batch.min() and batch.max() <= 1


def test_fashion_mnist_reads_its_own_folder(tmp_path):
    images = np.full((3, 28, 28), 255, dtype=np.uint8)
    write_idx(tmp_path / "FashionMNIST" / "raw" / "train-images-idx3-ubyte", images, False)
    batch = first_batch(load_training_images("fashion_mnist", 32, root=tmp_path), 2)
    assert torch.allclose(batch, torch.ones_like(batch))


def test_idx_reader_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    write_idx(path, np.zeros((4, 28, 28), np.uint8), False)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match="truncated"):
        read_idx_images(path)


def test_cifar10_python_batches_are_read_as_rgb(tmp_path):
    arrays = write_cifar10(tmp_path)
    images = read_cifar10_images(tmp_path / "cifar-10-batches-py")
    assert images.shape == (6, 3, 32, 32)
    assert np.array_equal(images[0].reshape(-1), arrays[0][0])
    assert first_batch(load_training_images("cifar10", 16, root=tmp_path)).shape == (4, 3, 16, 16)


def test_folder_images_are_centre_cropped_resized_and_scaled(tmp_path):
    for index in range(5):
        colour = (255, 0, 0) if index % 2 else (0, 0, 255)
        Image.new("RGB", (40, 30), colour).save(tmp_path / f"image{index}.png")
    (tmp_path / "notes.txt").write_text("not an image")
    data = load_training_images("folder", 16, root=tmp_path)
    assert isinstance(data, FolderImages) and len(data) == 5
    data.workers = 0
    batch = first_batch(data)
    assert batch.shape == (4, 3, 16, 16) and set(batch.unique().tolist()) <= {-1.0, 1.0}


def test_celeba_is_read_from_its_unzipped_folder(tmp_path):
    (tmp_path / "celeba" / "img_align_celeba").mkdir(parents=True)
    Image.new("RGB", (178, 218), (10, 20, 30)).save(
        tmp_path / "celeba" / "img_align_celeba" / "000001.jpg"
    )
    assert len(load_training_images("celeba", 64, root=tmp_path)) == 1


def fake_celeba(monkeypatch, download):
    """Install a stand-in torchvision whose CelebA class runs ``download(root)``."""
    datasets = types.ModuleType("torchvision.datasets")
    datasets.CelebA = lambda root, split, download: download_celeba(root)
    download_celeba = download
    package = types.ModuleType("torchvision")
    package.datasets = datasets
    monkeypatch.setitem(sys.modules, "torchvision", package)
    monkeypatch.setitem(sys.modules, "torchvision.datasets", datasets)


def test_missing_celeba_is_downloaded_through_torchvision_into_its_folder(tmp_path, monkeypatch):
    def download(root):
        folder = Path(root) / "celeba" / "img_align_celeba"
        folder.mkdir(parents=True)
        for index in range(3):
            Image.new("RGB", (178, 218), (index, 20, 30)).save(folder / f"{index:06d}.jpg")

    fake_celeba(monkeypatch, download)
    assert len(load_training_images("celeba", 64, root=tmp_path)) == 3


def test_a_failed_celeba_download_says_how_to_get_the_images_in_one_sentence(tmp_path, monkeypatch):
    def download(root):
        raise RuntimeError("Too many users have viewed or downloaded this file recently.")

    fake_celeba(monkeypatch, download)
    with pytest.raises(ValueError) as error:
        load_training_images("celeba", 64, root=tmp_path)
    message = str(error.value)
    assert message.startswith("CelebA's download failed (Too many users")
    assert "unzip it into" in message and "the dataset 'folder'" in message
    assert message.count(". ") == 0 and message.endswith(".")


def test_a_folder_without_images_is_reported(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(ValueError, match="has no images"):
        load_training_images("folder", 32, root=tmp_path)


def test_unknown_dataset_is_reported_with_the_choices():
    with pytest.raises(ValueError, match="dataset must be one of digits"):
        load_training_images("imagenet", 32)


def test_missing_mnist_without_download_explains_what_to_do(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torchvision(name, *args, **kwargs):
        if name.startswith("torchvision"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torchvision)
    with pytest.raises(ValueError, match="torchvision"):
        load_training_images("mnist", 32, root=tmp_path)


def test_epoch_order_is_reproducible_and_shards_ranks_without_overlap():
    assert torch.equal(epoch_order(10, 3, 1), epoch_order(10, 3, 1))
    assert not torch.equal(epoch_order(100, 3, 1), epoch_order(100, 3, 2))
    shards = [epoch_order(11, 0, 0, rank, 2) for rank in range(2)]
    assert len(shards[0]) == len(shards[1]) == 5 and not set(shards[0].tolist()) & set(
        shards[1].tolist()
    )


def test_tensor_images_yield_only_full_batches_from_the_start_batch():
    data = TensorImages(torch.zeros(10, 1, 4, 4))
    batches = list(data.batches(torch.arange(10), 3, 1, "cpu"))
    assert [len(b) for b in batches] == [3, 3]


def test_mnist5k_gan_images_are_exactly_the_training_split_framed_at_32():
    split = digit_split("mnist5k", 32)
    data = load_training_images("mnist5k", 32)
    assert len(data) == 4000 and data.images.shape == (4000, 1, 32, 32)
    assert torch.equal(data.images, TensorImages(split.train_images * 2 - 1).images)


def test_mnist5k_gan_images_at_64_are_the_split_framed_at_64():
    split = digit_split("mnist5k", 64)
    data = load_training_images("mnist5k", 64)
    expected = TensorImages(split.train_images * 2 - 1).images
    assert data.images.shape == (4000, 1, 64, 64)
    assert (data.images.int() - expected.int()).abs().max() <= 1  # float rounding before uint8


def test_mnist_idx_labels_and_the_t10k_test_part_are_read(tmp_path):
    write_mnist(tmp_path, train=20, test=10, compress=True)
    labels = read_idx_labels(tmp_path / "MNIST" / "raw" / "t10k-labels-idx1-ubyte.gz")
    assert labels.dtype == np.int64 and labels.tolist() == list(range(10))
    images, labels = load_mnist("test", root=tmp_path, download=False)
    assert images.shape == (10, 28, 28) and images.dtype == np.uint8 and len(labels) == 10


def test_label_reader_rejects_an_image_file(tmp_path):
    write_mnist(tmp_path)
    with pytest.raises(ValueError, match="not an idx file of uint8 labels"):
        read_idx_labels(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte")


def test_full_mnist_split_is_the_published_train_and_t10k_files_framed(tmp_path):
    write_mnist(tmp_path, train=20, test=10)
    split = digit_split("mnist", 32, root=tmp_path, download=False)
    train_images, train_labels = load_mnist("train", root=tmp_path, download=False)
    assert split.train_images.shape == (20, 1, 32, 32) and split.test_images.shape == (
        10,
        1,
        32,
        32,
    )
    assert torch.equal(split.train_labels, torch.from_numpy(train_labels))
    expected = torch.from_numpy(train_images / np.float32(255))
    assert torch.equal(split.train_images[:, 0, 2:30, 2:30], expected)
    data = load_training_images("mnist", 32, root=tmp_path)
    assert torch.equal(data.images, TensorImages(split.train_images * 2 - 1).images)


def test_missing_mnist_and_cifar10_are_downloaded_through_torchvision(tmp_path, monkeypatch):
    calls = fake_torchvision(monkeypatch, {"mnist": write_mnist, "cifar10": write_cifar10})
    assert len(load_training_images("mnist", 32, root=tmp_path)) == 20
    assert len(load_training_images("cifar10", 32, root=tmp_path)) == 6
    assert digit_split("mnist", root=tmp_path).test_images.shape == (10, 1, 28, 28)
    assert [(name, train, download) for name, _, train, download in calls] == [
        ("mnist", True, True),
        ("cifar10", True, True),
    ]


def test_a_failed_download_says_to_check_the_network(tmp_path, monkeypatch):
    def fail(root):
        raise OSError("no route to host")

    fake_torchvision(monkeypatch, {"fashion_mnist": fail})
    with pytest.raises(ValueError, match="failed .*no route to host.*check the network"):
        load_training_images("fashion_mnist", 32, root=tmp_path)


def write_every_dataset(root) -> None:
    """Put small files in the real formats for every data set that is read from files."""
    write_mnist(root)
    write_idx(root / "FashionMNIST" / "raw" / "train-images-idx3-ubyte", np.zeros((6, 28, 28)))
    write_cifar10(root)
    (root / "celeba" / "img_align_celeba").mkdir(parents=True)
    for index in range(4):
        Image.new("RGB", (178, 218), (10 * index, 20, 30)).save(
            root / "celeba" / "img_align_celeba" / f"{index:06d}.jpg"
        )


@pytest.mark.parametrize("image_size", [32, 64])
@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_gives_batches_of_its_channels_at_32_and_64(tmp_path, name, image_size):
    write_every_dataset(tmp_path)
    root = tmp_path / "celeba" if name == "folder" else tmp_path
    data = load_training_images(name, image_size, root=root)
    if isinstance(data, FolderImages):
        data.workers = 0
    batch = first_batch(data, 2)
    assert batch.shape == (2, CHANNELS[name], image_size, image_size)
    assert batch.dtype == torch.float32 and -1 <= batch.min() and batch.max() <= 1


def test_digit_datasets_are_the_labelled_ones_the_gan_can_train_on():
    assert DIGIT_DATASETS == tuple(DIGIT_SIZES) == ("digits", "mnist5k", "mnist")
    assert set(DIGIT_DATASETS) <= set(DATASETS) and set(CHANNELS) == set(DATASETS)


def test_full_mnist_reference_trains_on_train_and_holds_out_t10k(tmp_path):
    from cnn_lib.dcgan.metrics import digits_reference, quality_report

    write_mnist(tmp_path, train=20, test=10)
    reference = digits_reference("mnist", epochs=1, root=tmp_path)
    assert reference.dataset == "mnist" and reference.image_size == 32
    assert reference.train_images.shape == (20, 1, 32, 32)
    assert reference.held_out_images.shape == (10, 1, 32, 32)
    assert quality_report(torch.zeros(5, 1, 64, 64), reference).samples == 5
