"""Temporary shim while the DCGAN lesson is rewritten: the palette moved to :mod:`cnn_lib.palette`,
the plots to :mod:`cnn_lib.plots`. Import from there; this module goes once notebooks 05–06,
``cnn_lib.dcgan`` and their tests have switched (see the layout issue's follow-ups).
"""

from cnn_lib.palette import (
    EXTRA_COLOR,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    OUTPUT_COLOR,
    PADDING_COLOR,
    PALETTE,
    SKY_COLOR,
    STYLE,
    TEXT_COLOR,
)
from cnn_lib.plots import (
    apply_style,
    plot_confusion_matrix,
    plot_feature_maps,
    plot_history,
    plot_image_grid,
    plot_kernels,
)
from cnn_lib.plots import new_figure as _figure

__all__ = [
    "EXTRA_COLOR",
    "HIGHLIGHT_COLOR",
    "INPUT_COLOR",
    "KERNEL_COLOR",
    "OUTPUT_COLOR",
    "PADDING_COLOR",
    "PALETTE",
    "SKY_COLOR",
    "STYLE",
    "TEXT_COLOR",
    "_figure",
    "apply_style",
    "plot_confusion_matrix",
    "plot_feature_maps",
    "plot_history",
    "plot_image_grid",
    "plot_kernels",
]
