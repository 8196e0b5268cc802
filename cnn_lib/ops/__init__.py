"""From scratch in numpy: the operations the notebooks teach, each checked against PyTorch by the tests.

- :mod:`~cnn_lib.ops.conv` — convolution: ``conv2d`` (im2col) and ``conv2d_loops`` (to read); notebook 01
- :mod:`~cnn_lib.ops.kernels` — the classic hand-made kernels, and crops to learn one from; notebook 01
- :mod:`~cnn_lib.ops.pooling` — max, average, min and Lp pooling: ``pool2d``; notebook 03
- :mod:`~cnn_lib.ops.transposed` — transposed convolution three ways, the convolution matrix; notebook 04
- :mod:`~cnn_lib.ops.deconvolution` — undoing a blur, which a transposed convolution does not; notebook 04
- :mod:`~cnn_lib.ops.checks` — the argument checks every operation shares

Nothing here imports torch, matplotlib or ipywidgets (a contract in pyproject.toml checks it).
"""

from cnn_lib.ops.conv import conv2d, conv2d_loops
from cnn_lib.ops.pooling import pool2d
from cnn_lib.ops.transposed import conv_matrix, conv_transpose2d

__all__ = ["conv2d", "conv2d_loops", "pool2d", "conv_transpose2d", "conv_matrix"]
