"""The digits classifier of notebook 05: conv → ReLU → pool, twice, then a fully connected head.

Input: a batch of grey digits, shape ``(N, 1, image_size, image_size)``, float32 with
values in [0, 1] (0 = background, 1 = ink), as :func:`cnn_lib.data.load_digits` gives
them. Images in [−1, 1] (a DCGAN generator's output) go in as ``(x + 1) / 2``.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from cnn_lib.arithmetic import conv_output_size, pool_output_size

POOLING_CHOICES = ("max", "avg", None)


class DigitsCNN(nn.Module):
    """A small CNN for 10-class digits: two conv → ReLU → pool blocks and a two-layer head.

    ``pooling=None`` builds the same network without pooling, so the feature maps
    keep their full size and the first fully connected layer grows with it.
    """

    def __init__(
        self,
        image_size: int = 8,
        channels: tuple[int, int] = (16, 32),
        kernel_size: int = 3,
        padding: int | None = None,
        pooling: str | None = "max",
        hidden: int = 64,
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        _check_arguments(image_size, channels, kernel_size, padding, pooling, hidden, num_classes)
        c1, c2 = channels
        p = kernel_size // 2 if padding is None else padding  # k // 2 keeps the size ("same")
        Pool = nn.MaxPool2d if pooling == "max" else nn.AvgPool2d
        layers = [("conv1", nn.Conv2d(1, c1, kernel_size, padding=p)), ("relu1", nn.ReLU())]
        if pooling:
            layers.append(("pool1", Pool(2)))
        layers += [("conv2", nn.Conv2d(c1, c2, kernel_size, padding=p)), ("relu2", nn.ReLU())]
        if pooling:
            layers.append(("pool2", Pool(2)))
        side = _feature_side(image_size, kernel_size, p, pooling)
        layers += [
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(c2 * side * side, hidden)),
            ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(hidden, num_classes)),
        ]
        self.layers = nn.Sequential(OrderedDict(layers))
        self.image_size = image_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return class scores (logits), shape (N, num_classes)."""
        return self.layers(x)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Return the hidden features before the last layer, shape (N, hidden)."""
        return self.layers[:-1](x)


def _feature_side(image_size: int, kernel_size: int, padding: int, pooling: str | None) -> int:
    """Return the side of conv2's (pooled) output, using the course's own formulas."""
    side = image_size
    for _ in range(2):
        side = conv_output_size(side, kernel_size, p=padding)
        if pooling:
            side = pool_output_size(side, 2)
    return side


def _check_arguments(image_size, channels, kernel_size, padding, pooling, hidden, num_classes):
    """Raise ValueError with one sentence for arguments the network cannot be built with."""
    for name, value in [
        ("image_size", image_size),
        ("kernel_size", kernel_size),
        ("hidden", hidden),
        ("num_classes", num_classes),
    ]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}.")
    if len(tuple(channels)) != 2 or any(not isinstance(c, int) or c < 1 for c in channels):
        raise ValueError(f"channels must be two positive whole numbers, got {channels!r}.")
    if pooling not in POOLING_CHOICES:
        raise ValueError(f"pooling must be 'max', 'avg' or None, got {pooling!r}.")
    if padding is not None and (not isinstance(padding, int) or padding < 0):
        raise ValueError(f"padding must be None or a whole number ≥ 0, got {padding!r}.")
    p = kernel_size // 2 if padding is None else padding
    try:
        _feature_side(image_size, kernel_size, p, pooling)
    except ValueError as error:
        raise ValueError(
            f"image_size={image_size} is too small for kernel_size={kernel_size}, padding={p} "
            f"and pooling={pooling!r}: {error}"
        ) from None


def layer_outputs(model: DigitsCNN, images: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
    """Return ``(layer name, output)`` for every layer of ``model.layers``, in order."""
    outputs = []
    x = images
    with torch.no_grad():
        for name, layer in model.layers.named_children():
            x = layer(x)
            outputs.append((name, x))
    return outputs
