"""Training images for the DCGAN, as tensors in [−1, 1] at the requested size.

``digits`` (the default) needs no download: scikit-learn ships it; the GAN trains on
the same training split as the course's digits classifier, whose held-out digits
cnn_lib.metrics compares generated ones with. ``mnist``,
``fashion_mnist`` and ``cifar10`` are read from their published file formats
(MNIST's idx files, CIFAR-10's python pickles) by the small readers below;
torchvision, where installed (it is on Colab), is used only to download them.
``celeba`` and ``folder`` read a folder of image files with Pillow.
"""

from __future__ import annotations

import gzip
import pickle
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

DATASETS = ("digits", "mnist", "fashion_mnist", "cifar10", "celeba", "folder")
CHANNELS = {"digits": 1, "mnist": 1, "fashion_mnist": 1, "cifar10": 3, "celeba": 3, "folder": 3}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
_IDX_FOLDERS = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST"}
_IDX_FILE = "train-images-idx3-ubyte"


def read_idx_images(path: str | Path) -> np.ndarray:
    """Return the uint8 images (N, H, W) stored in an MNIST-format idx3 file (optionally .gz)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as file:
        raw = file.read()
    if len(raw) < 16:
        raise ValueError(f"{path} is too short to be an idx image file; download it again.")
    zero, dtype_code, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08 or dims != 3:
        raise ValueError(f"{path} is not an idx file of uint8 images (magic 0x00000803).")
    count, height, width = struct.unpack(">III", raw[4:16])
    if len(raw) != 16 + count * height * width:
        raise ValueError(
            f"{path} is truncated: its header promises {count} images; download it again."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, height, width)


def read_cifar10_images(folder: str | Path) -> np.ndarray:
    """Return the 50,000 CIFAR-10 training images (N, 3, 32, 32) uint8 from its python batches."""
    batches = sorted(Path(folder).glob("data_batch_*"))
    if not batches:
        raise ValueError(f"no CIFAR-10 batches (data_batch_1 …) in {folder}; check --data-root.")
    arrays = []
    for batch in batches:
        with open(batch, "rb") as file:
            arrays.append(np.asarray(pickle.load(file, encoding="bytes")[b"data"], dtype=np.uint8))
    return np.concatenate(arrays).reshape(-1, 3, 32, 32)


def find_images(folder: str | Path) -> list[Path]:
    """Return the image files under ``folder`` (searched recursively), sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(
            f"image folder {folder} does not exist; pass --data-root with your images."
        )
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise ValueError(
            f"folder {folder} has no images ({', '.join(IMAGE_SUFFIXES)}); point --data-root at one that does."
        )
    return files


def resize_to_unit_range(images: torch.Tensor, image_size: int) -> torch.Tensor:
    """Return float images (N, C, H, W) from values in [0, 1] to [−1, 1] at ``image_size``."""
    images = images.float() * 2 - 1
    if images.shape[-1] != image_size or images.shape[-2] != image_size:
        antialias = images.shape[-1] > image_size
        images = F.interpolate(
            images,
            size=(image_size, image_size),
            mode="bilinear",
            align_corners=False,
            antialias=antialias,
        )
    return images.clamp(-1, 1)


def _download_with_torchvision(name: str, root: Path) -> None:
    """Fetch ``name`` into ``root`` with torchvision, or explain how to get the files."""
    try:
        import torchvision.datasets as tv
    except ImportError:
        raise ValueError(
            f"dataset {name!r} is not in {root} and torchvision (which downloads it) is not installed; "
            "pip install torchvision or put the files there."
        ) from None
    classes = {"mnist": tv.MNIST, "fashion_mnist": tv.FashionMNIST, "cifar10": tv.CIFAR10}
    try:
        classes[name](str(root), train=True, download=True)
    except Exception as error:  # noqa: BLE001 - any download failure gets the same advice
        raise ValueError(
            f"downloading {name!r} into {root} failed ({error}); check the network."
        ) from None


def _idx_file(name: str, root: Path) -> Path | None:
    for folder in (root / _IDX_FOLDERS[name] / "raw", root / name, root):
        for suffix in ("", ".gz"):
            if (folder / (_IDX_FILE + suffix)).is_file():
                return folder / (_IDX_FILE + suffix)
    return None


def load_tensor_images(name: str, root: str | Path, download: bool = True) -> torch.Tensor:
    """Return a whole in-memory data set as float images (N, C, h, w) in [0, 1] at native size."""
    root = Path(root)
    if name == "digits":
        from cnn_lib.training import digits_split

        # Only the classifier's training split: its held-out digits stay unseen by the GAN too.
        return digits_split(image_size=8).train_images
    if name in _IDX_FOLDERS:
        path = _idx_file(name, root)
        if path is None and download:
            _download_with_torchvision(name, root)
            path = _idx_file(name, root)
        if path is None:
            raise ValueError(f"no {_IDX_FILE}(.gz) for {name!r} under {root}; check --data-root.")
        return torch.from_numpy(read_idx_images(path).copy())[:, None].float() / 255
    folder = root / "cifar-10-batches-py"
    if not folder.is_dir() and download:
        _download_with_torchvision(name, root)
    return torch.from_numpy(read_cifar10_images(folder)).float() / 255


class TensorImages:
    """A data set held in memory as uint8 at the training size; batches are made on the device."""

    def __init__(self, images: torch.Tensor) -> None:
        # uint8 keeps MNIST at 64×64 under 250 MB; batches become float only on the device.
        self.images = (images * 127.5 + 127.5).round().clamp(0, 255).to(torch.uint8)

    def __len__(self) -> int:
        return len(self.images)

    def to(self, device: torch.device) -> TensorImages:
        """Move the stored images to ``device`` once, so batches never cross the bus."""
        self.images = self.images.to(device)
        return self

    def batches(
        self, order: torch.Tensor, batch_size: int, start: int, device
    ) -> Iterator[torch.Tensor]:
        """Yield float batches in [−1, 1] for ``order``'s full batches from batch number ``start``."""
        for index in range(start, len(order) // batch_size):
            chosen = order[index * batch_size : (index + 1) * batch_size].to(self.images.device)
            yield self.images[chosen].to(device, non_blocking=True).float().div_(127.5).sub_(1)


class FolderImages(torch.utils.data.Dataset):
    """Image files read lazily with Pillow, centre-cropped to a square and resized."""

    def __init__(self, files: list[Path], image_size: int, workers: int = 2) -> None:
        self.files, self.image_size, self.workers = files, image_size, workers

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: int) -> torch.Tensor:
        from PIL import Image

        with Image.open(self.files[index]) as image:
            image = image.convert("RGB")
            side = min(image.size)
            left, top = (image.width - side) // 2, (image.height - side) // 2
            image = image.crop((left, top, left + side, top + side))
            image = image.resize((self.image_size, self.image_size), Image.BICUBIC)
            array = np.asarray(image, dtype=np.uint8)
        return torch.from_numpy(array.copy()).permute(2, 0, 1)

    def batches(
        self, order: torch.Tensor, batch_size: int, start: int, device
    ) -> Iterator[torch.Tensor]:
        """Yield float batches in [−1, 1], read by worker processes, from batch number ``start``."""
        groups = [
            order[i * batch_size : (i + 1) * batch_size].tolist()
            for i in range(len(order) // batch_size)
        ]
        loader = torch.utils.data.DataLoader(
            self,
            batch_sampler=groups[start:],
            num_workers=self.workers,
            pin_memory=torch.device(device).type == "cuda",
        )
        for batch in loader:
            yield batch.to(device, non_blocking=True).float().div_(127.5).sub_(1)


def load_training_images(
    name: str, image_size: int, root: str | Path = "data", workers: int = 2
) -> TensorImages | FolderImages:
    """Return the named data set ready for training at ``image_size`` (see :data:`DATASETS`)."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {name!r}.")
    if name in ("celeba", "folder"):
        # CelebA's torchvision download usually fails on Google Drive's quota, so it is read as a
        # folder: unzip img_align_celeba.zip into <root>/celeba (see notebook 06).
        folder = (
            Path(root) / "celeba"
            if name == "celeba" and (Path(root) / "celeba").is_dir()
            else Path(root)
        )
        return FolderImages(find_images(folder), image_size, workers)
    images = load_tensor_images(name, root)
    return TensorImages(
        torch.cat([resize_to_unit_range(chunk, image_size) for chunk in images.split(4096)])
    )


def epoch_order(
    count: int, seed: int, epoch: int, rank: int = 0, world_size: int = 1
) -> torch.Tensor:
    """Return this rank's shuffled sample indices for ``epoch``, the same on every resume."""
    generator = torch.Generator().manual_seed(seed * 100_003 + epoch)
    order = torch.randperm(count, generator=generator)
    # Every rank draws the same permutation and keeps its own slice, so ranks never overlap.
    usable = count - count % world_size
    return order[:usable][rank::world_size]
