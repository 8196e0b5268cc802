"""What a layer costs: parameters, multiply-accumulates and output activations.

Counts are for one example (``input_shape`` has no batch dimension): ``(C, H, W)``
for 2-D layers, ``(…, features)`` for ``Linear``. A multiply-accumulate (MAC) is
one ``a·b + c``; PyTorch's ``FlopCounterMode`` counts it as two FLOPs.

- Convolution: every output value is a dot product over ``C_in/groups · k_h · k_w``
  inputs, so ``MACs = C_out·H_out·W_out · C_in/groups · k_h·k_w`` (padding taps
  included, as in the hardware and in ``FlopCounterMode``).
- Transposed convolution: every input value is scattered into ``C_out/groups ·
  k_h·k_w`` outputs, so ``MACs = C_in·H_in·W_in · C_out/groups · k_h·k_w``.
- Average pooling is a convolution with fixed weights ``1/(k_h·k_w)``: one MAC per
  window tap. Max pooling multiplies nothing; it makes ``k_h·k_w − 1`` comparisons
  per output (the ``comparisons`` column). BatchNorm at inference folds into one
  multiply-add per value, ``y = a·x + b``.
- Activations, Dropout, Flatten and Identity cost nothing here (an activation is
  a comparison or a lookup, not a MAC).

This is the course's one layer table: :func:`model_cost` gives a row per layer (output
shape, parameters, MACs, receptive field, and the size and parameter formulas with the
numbers put in), :func:`cost_table` prints it; :func:`count_parameters` is PyTorch's own
count to check it against.

Importing this module does not import torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from cnn_lib.arithmetic import (
    _check_int,
    conv_output_size,
    pool_output_size,
    substituted_formula,
    transposed_output_size,
)

__all__ = ["LayerCost", "layer_cost", "model_cost", "cost_table", "count_parameters"]


@dataclass(frozen=True)
class LayerCost:
    """One layer's cost for one example: weights, arithmetic and the values it outputs."""

    name: str
    output_shape: tuple[int, ...]
    parameters: int
    macs: int
    activations: int
    comparisons: int = 0
    # Filled in by model_cost: the receptive field and jump (input pixels) of this layer's
    # outputs; None where they are not followed (a transposed convolution), and
    # sees_everything once a layer mixes every position (Linear, global pooling).
    receptive_field: int | None = None
    jump: int | None = None
    sees_everything: bool = False
    # The arithmetic with the numbers put in: the output height (arithmetic.substituted_formula)
    # and the parameter count, e.g. "16·(1·3·3) + 16"; "" where there is nothing to compute.
    size_formula: str = ""
    parameter_formula: str = ""


_FREE_MODULES = ("Identity", "Flatten", "Unflatten")
_FREE_PACKAGES = ("torch.nn.modules.activation", "torch.nn.modules.dropout")


def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, tuple) else (value, value)


def _check_shape(input_shape, length: int | None, what: str) -> tuple[int, ...]:
    """Return ``input_shape`` as a tuple of positive ints, or raise naming the parameter."""
    if not isinstance(input_shape, (tuple, list)) or (length and len(input_shape) != length):
        raise ValueError(
            f"input_shape must be {what} for one example (no batch dimension), got {input_shape!r}."
        )
    return tuple(_check_int("input_shape", n, 1, "size of one dimension") for n in input_shape)


def _check_channels(module, channels: int, expected: int) -> None:
    if channels != expected:
        raise ValueError(
            f"input_shape has {channels} channels but this {type(module).__name__} expects "
            f"{expected}; pass an input_shape whose first entry is {expected}."
        )


def _conv_sizes(module, h: int, w: int) -> tuple[int, int]:
    k, s, d = _pair(module.kernel_size), _pair(module.stride), _pair(module.dilation)
    if module.padding == "same":
        return h, w
    p = (0, 0) if module.padding == "valid" else _pair(module.padding)
    return tuple(conv_output_size(n, k[a], s[a], p[a], d[a]) for a, n in enumerate((h, w)))


def _conv_cost(module, shape) -> LayerCost:
    c, h, w = _check_shape(shape, 3, "(C, H, W)")
    _check_channels(module, c, module.in_channels)
    kh, kw = _pair(module.kernel_size)
    ho, wo = _conv_sizes(module, h, w)
    out = (module.out_channels, ho, wo)
    taps = module.in_channels // module.groups * kh * kw
    parameters = module.out_channels * taps + (
        module.out_channels if module.bias is not None else 0
    )
    name = f"Conv2d({module.in_channels}→{module.out_channels}, k={kh}"
    name += f", groups={module.groups})" if module.groups > 1 else ")"
    size = "same: o = i" if module.padding == "same" else _conv_size_formula(module, h)
    formula = _weights_formula(
        module, module.out_channels, module.in_channels // module.groups, kh, kw
    )
    return LayerCost(
        name,
        out,
        parameters,
        math.prod(out) * taps,
        math.prod(out),
        0,
        None,
        None,
        False,
        size,
        formula,
    )


def _conv_size_formula(module, h: int) -> str:
    k, s, d = _pair(module.kernel_size)[0], _pair(module.stride)[0], _pair(module.dilation)[0]
    p = 0 if module.padding == "valid" else _pair(module.padding)[0]
    return substituted_formula("conv", h, k, s, p, d)


def _weights_formula(module, first: int, second: int, kh: int, kw: int) -> str:
    bias = f" + {module.out_channels}" if module.bias is not None else ""
    return f"{first}·({second}·{kh}·{kw}){bias}"


def _transposed_cost(module, shape) -> LayerCost:
    c, h, w = _check_shape(shape, 3, "(C, H, W)")
    _check_channels(module, c, module.in_channels)
    k, s, p = _pair(module.kernel_size), _pair(module.stride), _pair(module.padding)
    d, op = _pair(module.dilation), _pair(module.output_padding)
    sizes = [transposed_output_size(n, k[a], s[a], p[a], d[a], op[a]) for a, n in enumerate((h, w))]
    out = (module.out_channels, *sizes)
    taps = module.out_channels // module.groups * k[0] * k[1]
    parameters = module.in_channels * taps + (module.out_channels if module.bias is not None else 0)
    name = f"ConvTranspose2d({module.in_channels}→{module.out_channels}, k={k[0]})"
    size = substituted_formula("transposed", h, k[0], s[0], p[0], d[0], op[0])
    formula = _weights_formula(module, module.in_channels, module.out_channels // module.groups, *k)
    return LayerCost(
        name,
        out,
        parameters,
        c * h * w * taps,
        math.prod(out),
        0,
        None,
        None,
        False,
        size,
        formula,
    )


def _linear_cost(module, shape) -> LayerCost:
    shape = _check_shape(shape, None, "(…, in_features)")
    if not shape or shape[-1] != module.in_features:
        raise ValueError(
            f"input_shape must end in {module.in_features} (this Linear's in_features), "
            f"got {shape!r}; flatten the feature map first."
        )
    out = (*shape[:-1], module.out_features)
    rows = math.prod(shape[:-1])
    weights = module.in_features * module.out_features
    parameters = weights + (module.out_features if module.bias is not None else 0)
    name = f"Linear({module.in_features}→{module.out_features})"
    formula = f"{module.out_features}·{module.in_features}"
    formula += f" + {module.out_features}" if module.bias is not None else ""
    return LayerCost(
        name, out, parameters, rows * weights, math.prod(out), 0, None, None, False, "", formula
    )


def _pool_cost(module, shape) -> LayerCost:
    c, h, w = _check_shape(shape, 3, "(C, H, W)")
    k = _pair(module.kernel_size)
    s, p = _pair(module.stride or module.kernel_size), _pair(module.padding)
    d = _pair(getattr(module, "dilation", 1))
    sizes = [
        pool_output_size(n, k[a], s[a], p[a], d[a], ceil_mode=module.ceil_mode)
        for a, n in enumerate((h, w))
    ]
    out = (c, *sizes)
    taps = math.prod(out) * k[0] * k[1]
    name = f"{type(module).__name__}(k={k[0]}, s={s[0]})"
    size = substituted_formula("pool", h, k[0], s[0], p[0], d[0], ceil_mode=module.ceil_mode)
    if type(module).__name__ == "MaxPool2d":
        return LayerCost(name, out, 0, 0, math.prod(out), taps - math.prod(out), size_formula=size)
    return LayerCost(name, out, 0, taps, math.prod(out), size_formula=size)


def _adaptive_taps(size: int, out: int) -> int:
    """Sum of PyTorch's adaptive window lengths, ⌈(o+1)·i/out⌉ − ⌊o·i/out⌋ over outputs."""
    return sum(-(-(o + 1) * size // out) - o * size // out for o in range(out))


def _adaptive_pool_cost(module, shape) -> LayerCost:
    c, h, w = _check_shape(shape, 3, "(C, H, W)")
    wanted = _pair(module.output_size)
    ho, wo = (n if o is None else o for n, o in zip((h, w), wanted, strict=True))
    out = (c, ho, wo)
    taps = c * _adaptive_taps(h, ho) * _adaptive_taps(w, wo)
    name = f"{type(module).__name__}({ho}×{wo})"
    if "Max" in type(module).__name__:
        return LayerCost(name, out, 0, 0, math.prod(out), taps - math.prod(out))
    return LayerCost(name, out, 0, taps, math.prod(out))


def _batchnorm_cost(module, shape) -> LayerCost:
    shape = _check_shape(shape, 3, "(C, H, W)")
    _check_channels(module, shape[0], module.num_features)
    parameters = 2 * module.num_features if module.affine else 0
    name = f"BatchNorm2d({module.num_features})"
    formula = f"2·{module.num_features}" if module.affine else ""
    return LayerCost(
        name, shape, parameters, math.prod(shape), math.prod(shape), parameter_formula=formula
    )


def _free_cost(module, shape) -> LayerCost:
    import torch

    shape = _check_shape(shape, None, "a tuple of sizes")
    with torch.no_grad():
        out = tuple(module(torch.zeros(1, *shape)).shape[1:])
    return LayerCost(type(module).__name__, out, 0, 0, math.prod(out))


def layer_cost(module, input_shape) -> LayerCost:
    """Return the parameters, multiply-accumulates and output activations of one layer.

    ``input_shape`` is one example's shape without the batch dimension: ``(C, H, W)``
    for Conv2d, ConvTranspose2d, pooling and BatchNorm2d, ``(…, in_features)`` for
    Linear. Counts are per example; multiply by the batch size for a batch.
    """
    import torch.nn as nn

    costs = {
        nn.Conv2d: _conv_cost,
        nn.ConvTranspose2d: _transposed_cost,
        nn.Linear: _linear_cost,
        nn.MaxPool2d: _pool_cost,
        nn.AvgPool2d: _pool_cost,
        nn.AdaptiveAvgPool2d: _adaptive_pool_cost,
        nn.AdaptiveMaxPool2d: _adaptive_pool_cost,
        nn.BatchNorm2d: _batchnorm_cost,
    }
    kind = type(module)
    if kind in costs:
        return costs[kind](module, input_shape)
    if kind.__name__ in _FREE_MODULES or kind.__module__ in _FREE_PACKAGES:
        return _free_cost(module, input_shape)
    raise ValueError(
        f"module is a {kind.__name__}, which layer_cost does not count; it counts Conv2d, "
        f"ConvTranspose2d, Linear, pooling, BatchNorm2d, activations, Dropout and Flatten."
    )


def model_cost(model, input_shape) -> list[LayerCost]:
    """Return one cost row per leaf layer of ``model``, in the order the forward pass runs them.

    The input shape of every layer is recorded by running one zero example through
    the model, so any model whose leaf layers :func:`layer_cost` counts works,
    whatever its ``forward`` does between them.
    """
    import torch

    shape = _check_shape(input_shape, None, "a tuple of sizes such as (C, H, W)")
    seen: list[tuple[str, object, tuple[int, ...]]] = []
    handles = [
        module.register_forward_pre_hook(
            lambda m, args, name=name: seen.append((name, m, tuple(args[0].shape[1:])))
        )
        for name, module in model.named_modules()
        if not any(True for _ in module.children())
    ]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *shape))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    rows, field = [], (1, 1, False)
    for name, module, layer_input in seen:
        cost = layer_cost(module, layer_input)
        field = _next_field(field, module, cost)
        rows.append(
            replace(
                cost,
                name=f"{name}: {cost.name}",
                receptive_field=field[0],
                jump=field[1],
                sees_everything=field[2],
            )
        )
    return rows


def _next_field(field, module, cost: LayerCost):
    """Return (receptive field, jump, sees everything) after ``module``, from the state before it."""
    from cnn_lib.receptive_field import layer_geometry

    r, j, everything = field
    name = type(module).__name__
    if (
        everything
        or name == "Linear"
        or (name.startswith("Adaptive") and cost.output_shape[1:] == (1, 1))
    ):
        return None, None, True
    if r is None or name == "ConvTranspose2d" or name.startswith("Adaptive"):
        return None, None, False
    if name in (*_FREE_MODULES, "BatchNorm2d") or type(module).__module__ in _FREE_PACKAGES:
        return r, j, False  # every value stays where it was
    try:
        (geometry,) = layer_geometry([module])
    except ValueError:  # e.g. a non-square kernel: not followed
        return None, None, False
    return r + geometry.d * (geometry.k - 1) * j, j * geometry.s, False


def _field_text(row: LayerCost) -> tuple[str, str]:
    if row.sees_everything:
        return "all", "–"
    if row.receptive_field is None:
        return "–", "–"
    return str(row.receptive_field), str(row.jump)


def cost_table(rows: list[LayerCost], formulas: bool = False) -> str:
    """Return the rows as an aligned text table with a total line.

    Rows from :func:`model_cost` also get receptive-field and jump columns ("all":
    the layer mixes every input position). ``formulas=True`` replaces the MACs and
    activations with the size and parameter formulas, numbers put in.
    """
    with_field = not formulas and any(
        r.receptive_field is not None or r.sees_everything for r in rows
    )
    header = ("layer", "output shape") + (("r", "j") if with_field else ())
    counted = ("parameters",) if formulas else ("parameters", "macs", "activations")
    header += (
        ("parameters", "size formula", "parameter formula")
        if formulas
        else (
            "parameters",
            "MACs",
            "activations",
        )
    )
    lines = [
        (r.name, "×".join(map(str, r.output_shape)))
        + (_field_text(r) if with_field else ())
        + (
            (f"{r.parameters:,}", r.size_formula, r.parameter_formula)
            if formulas
            else (f"{r.parameters:,}", f"{r.macs:,}", f"{r.activations:,}")
        )
        for r in rows
    ]
    total = ("total", "") + (("", "") if with_field else ())
    total += tuple(f"{sum(getattr(r, key) for r in rows):,}" for key in counted)
    total += ("", "") if formulas else ()
    widths = [max(len(line[i]) for line in [header, *lines, total]) for i in range(len(header))]
    left_aligned = {0, 1, len(header) - 2, len(header) - 1} if formulas else {0, 1}

    def render(line) -> str:
        return "  ".join(
            cell.ljust(width) if i in left_aligned else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()

    rule = "-" * len(render(header))
    return "\n".join([render(header), rule, *map(render, lines), rule, render(total)])


def count_parameters(module) -> int:
    """Return PyTorch's own count of ``module``'s trainable parameters (weights and biases)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
