"""Which input pixels one output pixel sees, after a stack of layers.

Symbols, as in the notebooks: ``k`` kernel size, ``s`` stride, ``p`` padding,
``d`` dilation; for layer ``l`` of a stack, ``r_l`` is its receptive field (how
many input pixels, per side, one of its outputs depends on), ``j_l`` its jump
(input pixels between the centres of neighbouring outputs) and ``start_l`` the
input coordinate of its first output's centre. Starting from the input
(``r_0 = 1, j_0 = 1, start_0 = 0``)::

    r_l     = r_{l−1} + d_l(k_l − 1)·j_{l−1}
    j_l     = j_{l−1}·s_l
    start_l = start_{l−1} + (d_l(k_l − 1)/2 − p_l)·j_{l−1}

Coordinates are 0-based pixel centres, so ``start`` is 0.0 for k = 3, p = 1 and
1.0 for k = 3, p = 0; an even kernel puts the centre between two pixels (x.5).

Importing this module does not import torch; torch modules are recognised only
when they are passed in.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cnn_lib.arithmetic import _check_int, conv_output_size, pool_output_size

__all__ = [
    "ReceptiveFieldRow",
    "receptive_field",
    "receptive_field_formula",
    "layer_geometry",
    "measure_input_gradient",
    "FieldComparison",
    "compare_field",
]


@dataclass(frozen=True)
class ReceptiveFieldRow:
    """One layer of a stack: its settings, its output size and what one output sees."""

    name: str
    kernel_size: int
    stride: int
    padding: int
    dilation: int
    output_size: int
    receptive_field: int
    jump: int
    start: float


@dataclass(frozen=True)
class _Geometry:
    name: str
    k: int
    s: int
    p: int
    d: int
    kind: str  # "conv", "pool" or "same" (Conv2d with padding="same")
    ceil_mode: bool = False


# Modules that keep every pixel where it is, so the receptive field passes through them.
_SHAPE_KEEPING = (
    "torch.nn.modules.activation",
    "torch.nn.modules.batchnorm",
    "torch.nn.modules.dropout",
    "torch.nn.modules.instancenorm",
)
_SHAPE_KEEPING_NAMES = ("Identity", "GroupNorm", "LocalResponseNorm")


def _square(module, attribute: str) -> int:
    """Return a module's int setting, refusing different values for height and width."""
    value = getattr(module, attribute)
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ValueError(
                f"{type(module).__name__} has {attribute}={value}; receptive_field follows "
                f"square layers only, so use the same {attribute} for height and width."
            )
        value = value[0]
    return int(value)


def _module_geometry(module) -> _Geometry | None:
    """Return a torch module's (k, s, p, d), None for shape-keeping modules, or refuse it."""
    import torch.nn as nn

    name = type(module).__name__
    if type(module).__module__ in _SHAPE_KEEPING or name in _SHAPE_KEEPING_NAMES:
        return None
    if type(module) in (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d):
        k, s = _square(module, "kernel_size"), _square(module, "stride")
        d = _square(module, "dilation") if hasattr(module, "dilation") else 1
        if isinstance(module, nn.Conv2d) and module.padding == "same":
            return _Geometry(f"{name}(k={k}, same)", k, s, d * (k - 1) // 2, d, "same")
        p = 0 if module.padding == "valid" else _square(module, "padding")
        kind = "conv" if isinstance(module, nn.Conv2d) else "pool"
        ceil_mode = bool(getattr(module, "ceil_mode", False))
        label = f"{name}(k={k}, s={s}, p={p}" + (f", d={d})" if d > 1 else ")")
        return _Geometry(label, k, s, p, d, kind, ceil_mode)
    raise ValueError(
        f"layers holds a {name}, which receptive_field cannot follow: it handles Conv2d, "
        f"MaxPool2d, AvgPool2d and (k, s, p, d) tuples, and skips shape-keeping modules "
        f"such as activations, BatchNorm and Dropout; remove the {name} or stop the stack before it."
    )


def _flatten(layers) -> list:
    """Return the layers in order, with nn.Sequential / nn.ModuleList containers opened."""
    torch_nn = sys.modules.get("torch.nn")
    containers = (torch_nn.Sequential, torch_nn.ModuleList) if torch_nn else ()
    if containers and isinstance(layers, containers):
        layers = list(layers)
    if not isinstance(layers, Iterable) or isinstance(layers, (str, bytes)):
        raise ValueError(
            f"layers must be a list of (k, s, p, d) tuples or torch layers, got {layers!r}."
        )
    flat = []
    for layer in layers:
        flat.extend(_flatten(layer) if containers and isinstance(layer, containers) else [layer])
    return flat


def _tuple_geometry(layer, number: int) -> _Geometry:
    if len(layer) != 4:
        raise ValueError(
            f"layers[{number}] is {layer!r}; each tuple must hold four numbers (k, s, p, d): "
            f"kernel size, stride, padding and dilation, e.g. (3, 1, 1, 1)."
        )
    k = _check_int("k", layer[0], 1, f"kernel size of layers[{number}]")
    s = _check_int("s", layer[1], 1, f"stride of layers[{number}]")
    p = _check_int("p", layer[2], 0, f"padding of layers[{number}]")
    d = _check_int("d", layer[3], 1, f"dilation of layers[{number}]")
    label = f"conv(k={k}, s={s}, p={p}" + (f", d={d})" if d > 1 else ")")
    return _Geometry(label, k, s, p, d, "conv")


def layer_geometry(layers) -> list[_Geometry]:
    """Return each layer's (k, s, p, d) geometry in order, skipping shape-keeping modules."""
    geometries = []
    for number, layer in enumerate(_flatten(layers)):
        if isinstance(layer, tuple):
            geometries.append(_tuple_geometry(layer, number))
        elif "torch" in sys.modules and isinstance(layer, sys.modules["torch"].nn.Module):
            geometry = _module_geometry(layer)
            if geometry is not None:
                geometries.append(geometry)
        else:
            raise ValueError(
                f"layers[{number}] is {layer!r}; use a (k, s, p, d) tuple or a torch layer "
                f"(Conv2d, MaxPool2d, AvgPool2d)."
            )
    return geometries


def _output_size(size: int, g: _Geometry, number: int) -> int:
    try:
        if g.kind == "same":
            return size
        if g.kind == "pool":
            return pool_output_size(size, g.k, g.s, g.p, g.d, ceil_mode=g.ceil_mode)
        return conv_output_size(size, g.k, g.s, g.p, g.d)
    except ValueError as error:
        raise ValueError(
            f"layer {number + 1}, {g.name}, on a {size}-pixel input: {error}"
        ) from None


def receptive_field(layers, input_size: int) -> list[ReceptiveFieldRow]:
    """Return one row per layer: output size, receptive field, jump and first centre.

    ``layers`` is a sequence of ``(k, s, p, d)`` tuples (convolutions) or torch
    layers (``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, or an ``nn.Sequential`` of
    them); shape-keeping modules (activations, BatchNorm, Dropout) are skipped and
    get no row. ``input_size`` is the side of a square input.
    """
    size = _check_int("input_size", input_size, 1, "side of the square input")
    r, j, start = 1, 1, 0.0
    rows = []
    for number, g in enumerate(layer_geometry(layers)):
        size = _output_size(size, g, number)
        span = g.d * (g.k - 1)
        start = start + (span / 2 - g.p) * j
        r = r + span * j
        j = j * g.s
        rows.append(ReceptiveFieldRow(g.name, g.k, g.s, g.p, g.d, size, r, j, start))
    return rows


def _number(value: float) -> str:
    text = f"{value:g}"
    return text.replace("-", "−")


def receptive_field_formula(layers, input_size: int) -> list[str]:
    """Return, per layer, the three recurrences with the numbers put in (plain text).

    For example ``r₂ = 3 + 1·(3 − 1)·1 = 5   j₂ = 1·1 = 1   start₂ = 0 + (1·(3 − 1)/2 − 1)·1 = 0``.
    """
    rows = receptive_field(layers, input_size)
    lines = []
    r, j, start = 1, 1, 0.0
    subscripts = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    for number, row in enumerate(rows, start=1):
        n = str(number).translate(subscripts)
        k, s, p, d = row.kernel_size, row.stride, row.padding, row.dilation
        lines.append(
            f"r{n} = {r} + {d}·({k} − 1)·{j} = {row.receptive_field}   "
            f"j{n} = {j}·{s} = {row.jump}   "
            f"start{n} = {_number(start)} + ({d}·({k} − 1)/2 − {p})·{j} = {_number(row.start)}"
        )
        r, j, start = row.receptive_field, row.jump, row.start
    return lines


def measure_input_gradient(layers, input_size: int, row: int, column: int):
    """Return the gradient of one output pixel with respect to the input, as a numpy array.

    The stack is rebuilt in torch with one channel, all weights 1 and average
    pooling in place of max pooling (max sends the gradient to a single input), so
    every input pixel the output depends on gets a positive gradient: the non-zero
    entries are the pixels it sees, measured rather than derived.
    """
    import torch
    import torch.nn as nn

    rows = receptive_field(layers, input_size)
    if not rows:
        raise ValueError("layers must hold at least one convolution or pooling layer.")
    last = rows[-1].output_size
    row = _check_int("row", row, 0, "output row")
    column = _check_int("column", column, 0, "output column")
    if max(row, column) >= last:
        raise ValueError(
            f"row and column must pick an output pixel: the last layer's output is "
            f"{last}×{last}, so use values from 0 to {last - 1}."
        )
    modules = []
    for g in layer_geometry(layers):
        if g.kind == "pool":
            modules.append(nn.AvgPool2d(g.k, g.s, g.p, ceil_mode=g.ceil_mode))
            continue
        padding = "same" if g.kind == "same" else g.p
        conv = nn.Conv2d(1, 1, g.k, g.s, padding, dilation=g.d, bias=False)
        nn.init.ones_(conv.weight)
        modules.append(conv)
    model = nn.Sequential(*modules).double()
    x = torch.zeros(1, 1, input_size, input_size, dtype=torch.float64, requires_grad=True)
    model(x)[0, 0, row, column].backward()
    return x.grad[0, 0].numpy()


@dataclass(frozen=True)
class FieldComparison:
    """The predicted and the measured extent of one output pixel's field, per axis (rows, columns)."""

    row: ReceptiveFieldRow
    input_size: int
    pixel: tuple[int, int]  # the output pixel (row, column)
    centre: tuple[float, float]
    predicted: tuple[tuple[int, int], tuple[int, int]]  # inclusive ranges, clipped to the input
    measured: tuple[tuple[int, int], tuple[int, int]]
    clipped: bool  # the field runs past the input's border
    gradient: np.ndarray

    @property
    def agrees(self) -> bool:
        """Whether the measurement matches: equal extents inside, measured within predicted at a border."""
        if not self.clipped:
            return self.measured == self.predicted
        return all(
            p[0] <= m[0] and m[1] <= p[1]
            for p, m in zip(self.predicted, self.measured, strict=True)
        )


def compare_field(layers, input_size: int, row: int, column: int) -> FieldComparison:
    """Return the recurrence's prediction and torch's measured gradient support for one output pixel."""
    gradient = measure_input_gradient(layers, input_size, row, column)  # validates everything
    last = receptive_field(layers, input_size)[-1]
    half = (last.receptive_field - 1) / 2
    centre = (last.start + row * last.jump, last.start + column * last.jump)
    predicted, measured, clipped = [], [], False
    for axis, middle in enumerate(centre):
        low, high = round(middle - half), round(middle + half)
        clipped = clipped or low < 0 or high > input_size - 1
        predicted.append((max(low, 0), min(high, input_size - 1)))
        hit = np.flatnonzero(gradient.sum(axis=1 - axis))
        measured.append((int(hit.min()), int(hit.max())))
    return FieldComparison(
        last,
        input_size,
        (row, column),
        centre,
        tuple(predicted),
        tuple(measured),
        clipped,
        gradient,
    )
