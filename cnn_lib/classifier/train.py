"""Training and evaluating the classifier: the loop, accuracy, predictions, confusion.

Images are float32 tensors of shape (N, 1, H, W) with values in [0, 1]; labels are
int64 class numbers. Every function that takes data accepts either a DataLoader or
an ``(images, labels)`` pair of tensors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.device import pick_device, torch_threads

Data = DataLoader | tuple[torch.Tensor, torch.Tensor]


def _as_loader(data: Data, batch_size: int, shuffle: bool = False, seed: int = 0) -> DataLoader:
    """Return ``data`` as a DataLoader (an ``(images, labels)`` pair is wrapped)."""
    if isinstance(data, DataLoader):
        return data
    if not (isinstance(data, tuple | list) and len(data) == 2):
        raise ValueError("data must be a DataLoader or an (images, labels) pair of tensors.")
    images, labels = (torch.as_tensor(t) for t in data)
    if len(images) != len(labels):
        raise ValueError(
            f"data has {len(images)} images but {len(labels)} labels; pass one label per image."
        )
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        TensorDataset(images, labels), batch_size, shuffle=shuffle, generator=generator
    )


def _resolve_device(device: str | torch.device) -> torch.device:
    return device if isinstance(device, torch.device) else pick_device(device)


def train_one_epoch(
    model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, device: torch.device
) -> tuple[float, float]:
    """Run one pass over ``loader``; return (mean loss, accuracy) over the training batches."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen


def train_classifier(
    model: nn.Module,
    train_data: Data,
    epochs: int = 10,
    lr: float = 3e-3,
    device: str | torch.device = "cpu",
    progress: bool = True,
    test_data: Data | None = None,
    batch_size: int = 64,
    seed: int = 0,
    threads: int | None = 1,
) -> dict[str, list[float]]:
    """Train ``model`` with Adam (cosine-decaying ``lr``) and cross-entropy; return the per-epoch history.

    The history dict has ``epoch``, ``train_loss``, ``train_accuracy`` and, when
    ``test_data`` is given, ``test_loss`` and ``test_accuracy``. ``progress`` shows a
    tqdm bar (in notebooks, a widget) with the latest numbers. ``threads`` caps
    torch's CPU threads while training (see :func:`cpu_threads`).
    """
    from tqdm.auto import tqdm

    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive whole number, got {epochs!r}.")
    if not lr > 0:
        raise ValueError(f"lr (the learning rate) must be positive, got {lr!r}.")
    device = _resolve_device(device)
    model.to(device)
    loader = _as_loader(train_data, batch_size, shuffle=True, seed=seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    # The step size shrinks along a cosine to 0 at the last epoch: big steps early, and
    # small ones at the end so the final weights settle instead of jumping between epochs.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history: dict[str, list[float]] = {"epoch": [], "train_loss": [], "train_accuracy": []}
    if test_data is not None:
        history.update(test_loss=[], test_accuracy=[])
    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress)
    with torch_threads(threads if device.type == "cpu" else None):
        _run_epochs(model, loader, optimizer, schedule, device, bar, history, test_data, batch_size)
    model.eval()
    return history


def _run_epochs(
    model, loader, optimizer, schedule, device, bar, history, test_data, batch_size
) -> None:
    """Train for every epoch of ``bar``, appending to ``history``."""
    for epoch in bar:
        loss, accuracy = train_one_epoch(model, loader, optimizer, device)
        schedule.step()
        history["epoch"].append(epoch)
        history["train_loss"].append(loss)
        history["train_accuracy"].append(accuracy)
        postfix = {"loss": f"{loss:.3f}", "acc": f"{accuracy:.3f}"}
        if test_data is not None:
            scores = evaluate(model, test_data, device, batch_size)
            history["test_loss"].append(scores["loss"])
            history["test_accuracy"].append(scores["accuracy"])
            postfix["test acc"] = f"{scores['accuracy']:.3f}"
        bar.set_postfix(postfix)


def evaluate(
    model: nn.Module, data: Data, device: str | torch.device = "cpu", batch_size: int = 256
) -> dict[str, float]:
    """Return ``{"loss": mean cross-entropy, "accuracy": share correct}`` over ``data``."""
    device = _resolve_device(device)
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad(), torch_threads(1 if device.type == "cpu" else None):
        for images, labels in _as_loader(data, batch_size):
            images, labels = images.to(device), labels.to(device)
            logits = model(images)
            total_loss += F.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
    return {"loss": total_loss / seen, "accuracy": correct / seen}


def accuracy(model: nn.Module, data: Data, device: str | torch.device = "cpu") -> float:
    """Return the share of ``data`` that ``model`` classifies correctly."""
    return evaluate(model, data, device)["accuracy"]


def predict_proba(
    model: nn.Module,
    images: torch.Tensor,
    device: str | torch.device = "cpu",
    batch_size: int = 256,
) -> torch.Tensor:
    """Return class probabilities (softmax of the logits), shape (N, classes), on the CPU."""
    device = _resolve_device(device)
    model.eval()
    images = torch.as_tensor(images)
    chunks = []
    with torch.no_grad(), torch_threads(1 if device.type == "cpu" else None):
        for start in range(0, len(images), batch_size):
            logits = model(images[start : start + batch_size].to(device))
            chunks.append(logits.softmax(1).cpu())
    return torch.cat(chunks)


def predict(
    model: nn.Module, images: torch.Tensor, device: str | torch.device = "cpu"
) -> torch.Tensor:
    """Return the predicted class of each image, shape (N,), int64 on the CPU."""
    return predict_proba(model, images, device).argmax(1)


def confusion_matrix(labels, predictions, num_classes: int = 10) -> np.ndarray:
    """Return the (true class × predicted class) count matrix, as int64."""
    labels = np.asarray(labels, dtype=np.int64)
    predictions = np.asarray(predictions, dtype=np.int64)
    if labels.shape != predictions.shape:
        raise ValueError(
            f"labels and predictions must have the same shape, got {labels.shape} and "
            f"{predictions.shape}."
        )
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def train_digits_classifier(
    image_size: int = 8,
    epochs: int = 15,
    device: str | torch.device = "cpu",
    progress: bool = False,
    seed: int = 0,
    dataset: str = "digits",
    root: str | Path = "data",
    **model_options,
):
    """Return ``(model, history, split)``: a DigitsCNN trained on ``dataset``'s training split.

    ``dataset`` is one of :data:`~cnn_lib.classifier.data.DIGIT_SIZES` (see :func:`~cnn_lib.classifier.data.digit_split`). The model takes
    images in [0, 1] of size ``image_size``; the history includes test accuracy on the
    held-out split.
    """
    torch.manual_seed(seed)
    split = digit_split(dataset, image_size, root=root)
    model = DigitsCNN(image_size=image_size, **model_options)
    history = train_classifier(
        model,
        split.train,
        epochs,
        device=device,
        progress=progress,
        test_data=split.test,
        seed=seed,
    )
    return model, history, split
