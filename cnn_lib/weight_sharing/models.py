"""The networks compared in notebook 06, all for (N, 1, 28, 28) digits and 10 classes.

- :class:`DenseNet` — an MLP: every pixel connected to every hidden unit, no notion of "near";
- :func:`locally_connected_net` — notebook 05's CNN with each convolution unshared
  (:class:`~cnn_lib.weight_sharing.local.LocallyConnected2d`): local, but a kernel per position;
- notebook 05's :class:`~cnn_lib.classifier.model.DigitsCNN` — local and shared;
- :class:`GlobalPoolCNN` — local and shared, with a global-average-pooling head instead of a
  flattened fully connected one, so the head cannot tell *where* a feature was.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.weight_sharing.local import LocallyConnected2d


class DenseNet(nn.Sequential):
    """An MLP on the flattened image: 784 → 128 → 64 → 10, about the CNN's parameter count."""

    def __init__(self, image_size: int = 28, hidden: tuple[int, ...] = (128, 64)) -> None:
        sizes = [image_size * image_size, *hidden]
        layers: list[tuple[str, nn.Module]] = [("flatten", nn.Flatten())]
        for index, (f_in, f_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
            layers += [(f"fc{index}", nn.Linear(f_in, f_out)), (f"relu{index}", nn.ReLU())]
        layers.append((f"fc{len(sizes)}", nn.Linear(sizes[-1], 10)))
        super().__init__(OrderedDict(layers))


def locally_connected_net(image_size: int = 28) -> DigitsCNN:
    """Return notebook 05's DigitsCNN with conv1 and conv2 replaced by locally connected layers.

    Same windows, same channels, same pooling and head: the only change is that no weight is
    shared between positions.
    """
    model = DigitsCNN(image_size=image_size)
    layers = model.layers
    layers.conv1 = LocallyConnected2d(1, 16, 3, image_size, padding=1)
    layers.conv2 = LocallyConnected2d(16, 32, 3, image_size // 2, padding=1)
    return model


class GlobalPoolCNN(nn.Module):
    """Three conv → ReLU blocks (16, 32, 64 channels; max-pool after the first two), then a
    global average over every position and one linear layer to the 10 classes."""

    def __init__(self, channels: tuple[int, int, int] = (16, 32, 64)) -> None:
        super().__init__()
        c1, c2, c3 = channels
        self.layers = nn.Sequential(
            OrderedDict(
                [
                    ("conv1", nn.Conv2d(1, c1, 3, padding=1)),
                    ("relu1", nn.ReLU()),
                    ("pool1", nn.MaxPool2d(2)),
                    ("conv2", nn.Conv2d(c1, c2, 3, padding=1)),
                    ("relu2", nn.ReLU()),
                    ("pool2", nn.MaxPool2d(2)),
                    ("conv3", nn.Conv2d(c2, c3, 3, padding=1)),
                    ("relu3", nn.ReLU()),
                    ("global_pool", nn.AdaptiveAvgPool2d(1)),  # mean of each map: where is lost
                    ("flatten", nn.Flatten()),
                    ("fc", nn.Linear(c3, 10)),
                ]
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return class scores (logits), shape (N, 10)."""
        return self.layers(x)
