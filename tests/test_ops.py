"""cnn_lib.ops against torch.nn.functional (float64, tolerance 1e-5), and its refusals."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnn_lib.ops import conv as conv_module
from cnn_lib.ops import conv2d, conv2d_loops, conv_matrix, conv_transpose2d, pool2d

TOLERANCE = 1e-5
FEW = settings(max_examples=40, deadline=None)
FEWER = settings(max_examples=20, deadline=None)

small = st.integers(1, 3)
pairs = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


def tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array))


def assert_close(ours: np.ndarray, theirs: torch.Tensor) -> None:
    theirs = theirs.detach().numpy()
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=TOLERANCE, rtol=TOLERANCE)


def random_array(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


@st.composite
def conv_cases(draw):
    """Draw (x, w, b, keyword arguments) for a convolution PyTorch accepts."""
    batch, c_in, c_out = draw(st.integers(1, 2)), draw(small), draw(small)
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(small), draw(small))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    size = [
        max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 5))
        for k, p, d in zip(kernel, padding, dilation, strict=True)
    ]
    seed = draw(st.integers(0, 2**16))
    x = random_array(seed, (batch, c_in, *size))
    w = random_array(seed + 1, (c_out, c_in, *kernel))
    b = random_array(seed + 2, (c_out,)) if draw(st.booleans()) else None
    return x, w, b, {"stride": stride, "padding": padding, "dilation": dilation}


def torch_conv(x, w, b, arguments):
    return F.conv2d(tensor(x), tensor(w), None if b is None else tensor(b), **arguments)


# ----------------------------------------------------------------------------
# conv2d
# ----------------------------------------------------------------------------


@FEW
@given(conv_cases())
def test_conv2d_matches_torch(case):
    x, w, b, arguments = case
    assert_close(conv2d(x, w, b, **arguments), torch_conv(x, w, b, arguments))


@FEWER
@given(conv_cases())
def test_conv2d_loops_matches_torch(case):
    x, w, b, arguments = case
    assert_close(conv2d_loops(x, w, b, **arguments), torch_conv(x, w, b, arguments))


def test_conv2d_matches_torch_when_split_into_row_blocks(monkeypatch):
    monkeypatch.setattr(conv_module, "WINDOWS_PER_PRODUCT", 7)
    x, w = random_array(0, (2, 2, 11, 5)), random_array(1, (3, 2, 3, 2))
    arguments = {"stride": (2, 1), "padding": 1, "dilation": 1}
    assert_close(conv2d(x, w, **arguments), torch_conv(x, w, None, arguments))


def test_conv2d_keeps_float32_as_float32():
    x = random_array(0, (1, 3, 8, 8)).astype(np.float32)
    w = random_array(1, (4, 3, 3, 3)).astype(np.float32)
    assert conv2d(x, w).dtype == np.float32


def test_conv2d_accepts_integer_stride_padding_and_dilation():
    x, w = random_array(0, (1, 1, 9, 9)), random_array(1, (1, 1, 3, 3))
    arguments = {"stride": 2, "padding": 1, "dilation": 2}
    assert_close(conv2d(x, w, **arguments), torch_conv(x, w, None, arguments))


# ----------------------------------------------------------------------------
# Pooling
# ----------------------------------------------------------------------------


@st.composite
def pool_cases(draw, dilated: bool, padded: bool = True):
    """Draw (x, k, keyword arguments) for a pooling PyTorch accepts."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.one_of(st.none(), st.tuples(small, small)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel) if padded else (0, 0)
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilated else (1, 1)
    size = [
        d * (k - 1) + 1 + draw(st.integers(0, 6)) for k, d in zip(kernel, dilation, strict=True)
    ]
    x = random_array(draw(st.integers(0, 2**16)), (draw(small), draw(small), *size))
    arguments = {"stride": stride, "padding": padding, "ceil_mode": draw(st.booleans())}
    if dilated:
        arguments["dilation"] = dilation
    return x, kernel, arguments


@FEW
@given(pool_cases(dilated=True))
def test_max_pool_matches_torch(case):
    x, k, arguments = case
    ours = pool2d(x, k, mode="max", **arguments)
    assert_close(ours, F.max_pool2d(tensor(x), k, **arguments))


@FEW
@given(pool_cases(dilated=True))
def test_min_pool_is_minus_max_pool_of_minus_x(case):
    x, k, arguments = case
    ours = pool2d(x, k, mode="min", **arguments)
    assert_close(ours, -F.max_pool2d(-tensor(x), k, **arguments))


@FEW
@given(pool_cases(dilated=False), st.booleans())
def test_avg_pool_matches_torch(case, count_include_pad):
    x, k, arguments = case
    ours = pool2d(x, k, mode="avg", count_include_pad=count_include_pad, **arguments)
    theirs = F.avg_pool2d(tensor(x), k, count_include_pad=count_include_pad, **arguments)
    assert_close(ours, theirs)


def test_avg_pool_ceil_mode_divides_overhanging_window_by_clipped_count():
    # 6 wide, k = 3, s = 2, p = 1, ceil: the last window starts at column 5, covers
    # the padding column 6 and runs past the padded edge; torch divides by 2, not 3.
    x = np.ones((1, 1, 6, 6))
    arguments = {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": True}
    ours = pool2d(x, 3, mode="avg", **arguments)
    assert_close(ours, F.avg_pool2d(tensor(x), 3, **arguments))
    assert ours[0, 0, 0, 0] == pytest.approx(4 / 9) and ours[0, 0, -1, -1] == pytest.approx(1 / 4)


@FEW
@given(pool_cases(dilated=False, padded=False), st.sampled_from([1, 2, 3, 1.5]))
def test_lp_pool_matches_torch_on_non_negative_input_without_ceil_mode(case, norm_type):
    x, k, arguments = case
    arguments = {"stride": arguments["stride"], "ceil_mode": False}
    x = np.abs(x)
    ours = pool2d(x, k, mode="lp", norm_type=norm_type, **arguments)
    assert_close(ours, F.lp_pool2d(tensor(x), norm_type, k, **arguments))


def test_lp_pool_sums_absolute_values_of_negative_input():
    x = -(random_array(0, (1, 1, 4, 4)) ** 2)
    ours = pool2d(x, 2, mode="lp", norm_type=3)
    windows = np.abs(x).reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(2, 2, 4)
    np.testing.assert_allclose(ours[0, 0], (windows**3).sum(axis=-1) ** (1 / 3))


def test_lp_pool_ceil_mode_sums_only_the_pixels_a_clipped_window_covers():
    ours = pool2d(np.ones((1, 1, 5, 5)), 2, mode="lp", norm_type=2, ceil_mode=True)
    expected = np.sqrt([[4, 4, 2], [4, 4, 2], [2, 2, 1]])
    np.testing.assert_allclose(ours[0, 0], expected)


def test_pool2d_default_stride_is_kernel_size():
    x = random_array(0, (1, 2, 6, 6))
    assert_close(pool2d(x, 2), F.max_pool2d(tensor(x), 2))


# ----------------------------------------------------------------------------
# conv_transpose2d
# ----------------------------------------------------------------------------


@st.composite
def transposed_cases(draw):
    """Draw (x, w, b, keyword arguments) for a transposed convolution PyTorch accepts."""
    c_in, c_out = draw(small), draw(small)
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride, dilation = (
        (draw(small), draw(small)),
        (draw(st.integers(1, 2)), draw(st.integers(1, 2))),
    )
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    for i, k, s, p, d, op in zip(
        size, kernel, stride, padding, dilation, output_padding, strict=True
    ):
        assume((i - 1) * s - 2 * p + d * (k - 1) + op + 1 >= 1)
    seed = draw(st.integers(0, 2**16))
    x = random_array(seed, (draw(st.integers(1, 2)), c_in, *size))
    w = random_array(seed + 1, (c_in, c_out, *kernel))
    b = random_array(seed + 2, (c_out,)) if draw(st.booleans()) else None
    arguments = {
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "dilation": dilation,
    }
    return x, w, b, arguments


@FEW
@given(transposed_cases())
def test_conv_transpose2d_matches_torch(case):
    x, w, b, arguments = case
    theirs = F.conv_transpose2d(tensor(x), tensor(w), None if b is None else tensor(b), **arguments)
    assert_close(conv_transpose2d(x, w, b, **arguments), theirs)


# ----------------------------------------------------------------------------
# conv_matrix
# ----------------------------------------------------------------------------


def output_padding_recovering(size: int, k: int, s: int, p: int, d: int) -> int:
    """The output_padding that makes a transposed convolution give back ``size``."""
    out = (size + 2 * p - d * (k - 1) - 1) // s + 1
    # Written out, not via transposed_output_size: without output padding the
    # size can be < 1 (e.g. i = 1, k = 1, s = 3, p = 1), which that refuses.
    return size - ((out - 1) * s - 2 * p + d * (k - 1) + 1)


@FEWER
@given(conv_cases())
def test_conv_matrix_times_flat_image_is_conv2d(case):
    x, w, _, arguments = case
    matrix = conv_matrix(w, x.shape[1:], **arguments)
    expected = conv2d(x[:1], w, **arguments).ravel()
    np.testing.assert_allclose(matrix @ x[0].ravel(), expected, atol=TOLERANCE)


@FEWER
@given(conv_cases())
def test_conv_matrix_transpose_is_conv_transpose2d(case):
    x, w, _, arguments = case
    matrix = conv_matrix(w, x.shape[1:], **arguments)
    y = random_array(3, conv2d(x[:1], w, **arguments).shape)
    output_padding = tuple(
        output_padding_recovering(size, k, *rule)
        for size, k, rule in zip(
            x.shape[2:],
            w.shape[2:],
            zip(arguments["stride"], arguments["padding"], arguments["dilation"], strict=True),
            strict=True,
        )
    )
    transposed = conv_transpose2d(y, w, output_padding=output_padding, **arguments)
    np.testing.assert_allclose(matrix.T @ y.ravel(), transposed.ravel(), atol=TOLERANCE)


@FEWER
@given(conv_cases())
def test_conv_matrix_transpose_is_autograd_input_gradient(case):
    x, w, _, arguments = case
    matrix = conv_matrix(w, x.shape[1:], **arguments)
    x_torch = tensor(x[:1]).requires_grad_(True)
    out = F.conv2d(x_torch, tensor(w), **arguments)
    y = random_array(4, tuple(out.shape))
    (out * tensor(y)).sum().backward()
    np.testing.assert_allclose(matrix.T @ y.ravel(), x_torch.grad.numpy().ravel(), atol=TOLERANCE)


def test_conv_matrix_refuses_a_matrix_over_two_gigabytes():
    with pytest.raises(ValueError, match=r"input_shape .* GB"):
        conv_matrix(np.ones((1, 1, 3, 3)), (1, 256, 256))


# ----------------------------------------------------------------------------
# Refusals: a ValueError that names the parameter, never a numpy IndexError
# ----------------------------------------------------------------------------

X = np.ones((1, 2, 6, 6))
W = np.ones((3, 2, 3, 3))


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: conv2d(np.ones((2, 6, 6)), W), r"^x must be a batch of images"),
        (lambda: conv2d(X, np.ones((3, 2, 3))), r"^w must have 4"),
        (lambda: conv2d(X, np.ones((3, 5, 3, 3))), r"^w has 5 input channels .* x has 2"),
        (lambda: conv2d(X, np.ones((3, 2, 7, 3))), r"height: k is too large"),
        (lambda: conv2d(X, np.ones((3, 2, 3, 7))), r"width: k is too large"),
        (lambda: conv2d(X, W, stride=0), r"^stride must be at least 1"),
        (lambda: conv2d(X, W, stride=(1, 2, 3)), r"^stride must be a whole number or"),
        (lambda: conv2d(X, W, stride=1.5), r"^stride must be a whole number or"),
        (lambda: conv2d(X, W, padding=-1), r"^padding must be at least 0"),
        (lambda: conv2d(X, W, dilation=0), r"^dilation must be at least 1"),
        (lambda: conv2d(X, W, dilation=4), r"k is too large: the dilated kernel"),
        (lambda: conv2d(X, W, b=np.ones(2)), r"^b must have one value per output channel"),
        (lambda: conv2d_loops(X, np.ones((3, 1, 3, 3))), r"^w has 1 input channels"),
    ],
)
def test_conv2d_refuses_bad_input_naming_the_parameter(call, named):
    with pytest.raises(ValueError, match=named):
        call()


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: pool2d(X, 3, padding=2), r"p=2 is too large for pooling"),
        (lambda: pool2d(X, 7), r"k is too large"),
        (lambda: pool2d(X, 0), r"^k must be at least 1"),
        (lambda: pool2d(X, 2, mode="median"), r"^mode must be one of"),
        (lambda: pool2d(X, 2, padding=1, mode="lp"), r"^padding must be 0 for mode='lp'"),
        (lambda: pool2d(X, 2, dilation=2, mode="avg"), r"^dilation must be 1 for mode='avg'"),
        (lambda: pool2d(X, 2, mode="lp", norm_type=0), r"^norm_type .* must be a positive"),
        (lambda: pool2d(X[0], 2), r"^x must be a batch of images"),
    ],
)
def test_pool2d_refuses_bad_input_naming_the_parameter(call, named):
    with pytest.raises(ValueError, match=named):
        call()


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: conv_transpose2d(X, np.ones((3, 2, 3, 3))), r"^w has 3 input channels"),
        (
            lambda: conv_transpose2d(X, np.ones((2, 3, 3, 3)), output_padding=1),
            r"output_padding=1 is too large",
        ),
        (lambda: conv_transpose2d(X, np.ones((2, 3, 1, 1)), padding=3), r"p=3 is too large"),
        (
            lambda: conv_transpose2d(X, np.ones((2, 3, 3, 3)), b=np.ones(2)),
            r"^b must have one value",
        ),
        (lambda: conv_matrix(W, (2, 6)), r"^input_shape must be \(C, H, W\)"),
        (lambda: conv_matrix(W, (3, 6, 6)), r"^w has 2 input channels .* input_shape has 3"),
    ],
)
def test_transposed_and_matrix_refuse_bad_input_naming_the_parameter(call, named):
    with pytest.raises(ValueError, match=named):
        call()


def test_conv_matrix_transpose_recovers_a_size_the_stride_skips_past():
    # i = 1, k = 1, s = 3, p = 1: one output, and output_padding 2 to get back to 1.
    w, y = np.full((1, 1, 1, 1), 0.5), np.full((1, 1, 1, 1), 2.0)
    matrix = conv_matrix(w, (1, 1, 1), stride=3, padding=1)
    transposed = conv_transpose2d(y, w, stride=3, padding=1, output_padding=2)
    np.testing.assert_allclose(matrix.T @ y.ravel(), transposed.ravel())
