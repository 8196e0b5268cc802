"""DCGAN data: the digits default and readers for the real file formats, on small written files."""

import gzip
import pickle
import struct

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_lib.dcgan.data import (
    FolderImages,
    TensorImages,
    epoch_order,
    load_training_images,
    read_cifar10_images,
    read_idx_images,
)


def write_idx(path, images: np.ndarray, compress: bool) -> None:
    payload = (
        struct.pack(">HBB", 0, 0x08, 3) + struct.pack(">III", *images.shape) + images.tobytes()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    (gzip.open if compress else open)(path, "wb").write(payload)


def first_batch(data, batch_size=4):
    return next(data.batches(epoch_order(len(data), 0, 0), batch_size, 0, "cpu"))


def test_digits_are_the_classifier_training_split_scaled_to_minus_one_to_one():
    from cnn_lib.training import digits_split

    split = digits_split(image_size=8)
    data = load_training_images("digits", 32)
    assert len(data) == len(split.train_images) and len(data) + len(split.test_images) == 1797
    batch = first_batch(data, 64)
    assert batch.shape == (64, 1, 32, 32) and batch.dtype == torch.float32
    assert batch.min() == -1 and batch.max() == 1


def test_digits_at_eight_pixels_are_the_split_images_exactly():
    from cnn_lib.training import digits_split

    data = load_training_images("digits", 16)
    assert data.images.shape[-1] == 16
    eight = TensorImages(digits_split(image_size=8).train_images * 2 - 1)
    expected = (digits_split(image_size=8).train_images * 255).round()
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
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(1)
    arrays = [rng.integers(0, 256, (3, 3072), dtype=np.uint8) for _ in range(2)]
    for index, array in enumerate(arrays, start=1):
        with open(folder / f"data_batch_{index}", "wb") as file:
            pickle.dump({b"data": array, b"labels": [0, 1, 2]}, file)
    images = read_cifar10_images(folder)
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
