"""The output-size arithmetic of convolution, transposed convolution and pooling.

Symbols, as in the notebooks: ``i`` input size, ``k`` kernel size, ``s`` stride,
``p`` padding (on each side), ``d`` dilation, ``output_padding`` the extra rows a
transposed convolution adds on one side. Sizes are per spatial dimension.

Every function follows PyTorch's rules exactly (the tests compare against
``torch.nn`` over thousands of combinations) and raises ``ValueError`` with a
sentence naming the parameter, the rule it broke and the formula with the
numbers put in, for every combination PyTorch refuses.

Note: the formula is often printed as ``(i + 2p − k)/2 + 1``. The 2 there is a
typo for the stride ``s``, and the floor matters: a stride skips rows that
never fit a whole kernel.

Past one layer: receptive fields are :mod:`cnn_lib.receptive_field`, the cost of each
layer (parameters, multiply-accumulates, memory) is :mod:`cnn_lib.layer_cost`.
"""

from __future__ import annotations

import numbers

__all__ = [
    "conv_output_size",
    "transposed_output_size",
    "pool_output_size",
    "effective_kernel_size",
    "substituted_formula",
]

_KINDS = ("conv", "transposed", "pool")


def _check_int(name: str, value, minimum: int, meaning: str) -> int:
    """Return ``value`` as an int, or raise ValueError naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} ({meaning}) must be a whole number, got {value!r}; sizes count pixels."
        )
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} ({meaning}) must be at least {minimum}, got {value}.")
    return value


def _check_common(i, k, s, p, d) -> tuple[int, int, int, int, int]:
    return (
        _check_int("i", i, 1, "input size"),
        _check_int("k", k, 1, "kernel size"),
        _check_int("s", s, 1, "stride"),
        _check_int("p", p, 0, "padding"),
        _check_int("d", d, 1, "dilation"),
    )


def effective_kernel_size(k: int, d: int = 1) -> int:
    """Return ``d(k − 1) + 1``: how many input pixels a dilated kernel spans."""
    k = _check_int("k", k, 1, "kernel size")
    d = _check_int("d", d, 1, "dilation")
    return d * (k - 1) + 1


# ----------------------------------------------------------------------------
# Formula text
# ----------------------------------------------------------------------------


def _symbols(latex: bool) -> dict[str, str]:
    if latex:
        return {
            "times": r" \cdot ",
            "minus": " - ",
            "lfloor": r"\left\lfloor ",
            "rfloor": r" \right\rfloor",
            "lceil": r"\left\lceil ",
            "rceil": r" \right\rceil",
        }
    return {"times": "·", "minus": " − ", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉"}


def _fraction(numerator: str, denominator: str, latex: bool) -> str:
    return rf"\frac{{{numerator}}}{{{denominator}}}" if latex else f"({numerator})/{denominator}"


def _format_number(value: int, latex: bool) -> str:
    if value < 0 and not latex:
        return f"−{-value}"
    return str(value)


def _pooled_numerator(i, k, s, p, d, sym) -> str:
    """The substituted numerator i + 2p − d(k−1) − 1, written as i + 2p − k when d = 1."""
    t, m = sym["times"], sym["minus"]
    if d == 1:
        return f"{i} + 2{t}{p}{m}{k}"
    return f"{i} + 2{t}{p}{m}{d}{t}({k}{m}1){m}1"


def _raw_conv_size(i, k, s, p, d, ceil_mode=False) -> int:
    numerator = i + 2 * p - d * (k - 1) - 1
    if ceil_mode:
        return -((-numerator) // s) + 1
    return numerator // s + 1


def _raw_transposed_size(i, k, s, p, d, output_padding) -> int:
    return (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def substituted_formula(
    kind: str = "conv",
    i: int = 5,
    k: int = 3,
    s: int = 1,
    p: int = 0,
    d: int = 1,
    output_padding: int = 0,
    ceil_mode: bool = False,
    latex: bool = False,
) -> str:
    """Return the output-size formula with the numbers put in, e.g. ``o = ⌊(7 + 2·1 − 3)/2⌋ + 1 = 4``.

    ``kind`` is ``"conv"``, ``"transposed"`` or ``"pool"`` (for pooling ``s=None``
    means ``s = k``). Dilation terms appear only when ``d > 1``; output padding
    only when it is not 0. ``latex=True`` returns LaTeX (without ``$``) for
    ``IPython.display.Math``. The formula is written even for combinations
    PyTorch refuses (that is how the error messages show what went wrong); the
    result on the right is then what the arithmetic gives, which may be < 1.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}; got {kind!r}.")
    if kind == "pool" and s is None:
        s = k
    sym = _symbols(latex)
    t, m = sym["times"], sym["minus"]
    if kind == "transposed":
        result = _raw_transposed_size(i, k, s, p, d, output_padding)
        text = f"o = ({i}{m}1){t}{s}{m}2{t}{p}"
        text += f" + {d}{t}({k}{m}1) + 1" if d > 1 else f" + {k}"
        if output_padding:
            text += f" + {output_padding}"
        return f"{text} = {_format_number(result, latex)}"
    use_ceil = kind == "pool" and ceil_mode
    result = _raw_conv_size(i, k, s, p, d, ceil_mode=use_ceil)
    left, right = (sym["lceil"], sym["rceil"]) if use_ceil else (sym["lfloor"], sym["rfloor"])
    fraction = _fraction(_pooled_numerator(i, k, s, p, d, sym), str(s), latex)
    text = f"o = {left}{fraction}{right} + 1 = {_format_number(result, latex)}"
    if use_ceil and (result - 1) * s >= i + p:
        drop = " - 1" if latex else " − 1"
        text = f"o = {left}{fraction}{right} + 1{drop} = {_format_number(result - 1, latex)}" + (
            ""
            if latex
            else "  (the last window would start in the right padding, so it is dropped)"
        )
    return text


# ----------------------------------------------------------------------------
# Output sizes
# ----------------------------------------------------------------------------


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Return the output size of a convolution: ``⌊(i + 2p − d(k−1) − 1)/s⌋ + 1``.

    With ``d = 1`` this is the familiar ``⌊(i + 2p − k)/s⌋ + 1``: count the
    positions a kernel of size k can take on the padded input, stepping s at a time.
    """
    i, k, s, p, d = _check_common(i, k, s, p, d)
    span = d * (k - 1) + 1
    if span > i + 2 * p:
        formula = substituted_formula("conv", i, k, s, p, d)
        what = f"the kernel (k={k})" if d == 1 else f"the dilated kernel (d(k−1)+1 = {span})"
        raise ValueError(
            f"k is too large: {what} is wider than the padded input (i + 2p = {i + 2 * p}), "
            f"so it fits nowhere ({formula}); use k ≤ {(i + 2 * p - 1) // d + 1} or add padding."
        )
    return _raw_conv_size(i, k, s, p, d)


def transposed_output_size(
    i: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0
) -> int:
    """Return the output size of a transposed convolution: ``(i−1)s − 2p + d(k−1) + output_padding + 1``.

    With ``d = 1`` and no output padding this is ``(i−1)s + k − 2p``. PyTorch
    requires ``output_padding < max(s, d)``: it picks among the input sizes that a
    strided convolution maps to the same output, so it must be smaller than the step.
    """
    i, k, s, p, d = _check_common(i, k, s, p, d)
    output_padding = _check_int("output_padding", output_padding, 0, "extra output rows")
    formula = substituted_formula("transposed", i, k, s, p, d, output_padding)
    if output_padding >= max(s, d):
        raise ValueError(
            f"output_padding={output_padding} is too large: it must be smaller than the stride "
            f"or the dilation (max(s, d) = {max(s, d)}), since it only chooses among the "
            f"{max(s, d)} input sizes a stride-{s} convolution maps together ({formula}); "
            f"use output_padding ≤ {max(s, d) - 1}."
        )
    result = _raw_transposed_size(i, k, s, p, d, output_padding)
    if result < 1:
        raise ValueError(
            f"p={p} is too large: the padding crops away the whole output ({formula}); "
            f"use a padding that leaves at least one pixel."
        )
    return result


def pool_output_size(
    i: int,
    k: int,
    s: int | None = None,
    p: int = 0,
    d: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Return the output size of max/average pooling, with PyTorch's rules.

    ``s=None`` means ``s = k`` (non-overlapping windows), as in ``nn.MaxPool2d``.
    The size is ``⌊(i + 2p − d(k−1) − 1)/s⌋ + 1`` (``⌈…⌉`` with ``ceil_mode``).
    PyTorch allows ``p ≤ ⌊k/2⌋`` (of the undilated kernel). In ceil mode a last
    window that would start in the right padding is dropped.
    """
    if s is None:
        s = k
    i, k, s, p, d = _check_common(i, k, s, p, d)
    if not isinstance(ceil_mode, bool):
        raise ValueError(f"ceil_mode must be True or False, got {ceil_mode!r}.")
    formula = substituted_formula("pool", i, k, s, p, d, ceil_mode=ceil_mode)
    if 2 * p > k:
        raise ValueError(
            f"p={p} is too large for pooling: PyTorch allows padding of at most half the "
            f"kernel size (p ≤ ⌊k/2⌋ = {k // 2}), so every window still covers a real "
            f"pixel ({formula}); use p ≤ {k // 2}."
        )
    result = _raw_conv_size(i, k, s, p, d, ceil_mode=ceil_mode)
    if ceil_mode and (result - 1) * s >= i + p:
        result -= 1
    if result < 1:
        span = d * (k - 1) + 1
        raise ValueError(
            f"k is too large: the pooling window (span {span}) is wider than the padded "
            f"input (i + 2p = {i + 2 * p}), so no window fits ({formula}); use a smaller k "
            f"or a larger input."
        )
    return result
