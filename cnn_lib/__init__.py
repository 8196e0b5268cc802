"""cnn_lib: the helper package behind the CNN teaching notebooks.

Where each lesson's code lives. A lesson has one name, and each layer that has something
for it holds a module of that name (``ops/pooling.py``, ``draw/pooling.py``,
``widgets/pooling.py`` …):

===============================  ==============================================================
notebook                         modules
===============================  ==============================================================
00 Start here                    :mod:`~cnn_lib.notebook` (setup cell, seeds, ``show_source``)
01 Kernels and feature maps      ``ops/conv.py``, ``ops/kernels.py``, ``draw/conv.py``,
                                 ``widgets/conv.py``, ``figures.py`` (the feature-map figure)
02 The output-size formula       ``arithmetic.py``, ``receptive_field.py``, ``draw/conv.py``,
                                 ``draw/receptive_field.py``, ``widgets/conv.py``,
                                 ``widgets/receptive_field.py``
03 Pooling                       ``ops/pooling.py``, ``pooling.py`` (the experiments in torch),
                                 ``draw/pooling.py``, ``widgets/pooling.py``
04 Transposed convolution        ``ops/transposed.py``, ``ops/deconvolution.py``,
                                 ``draw/transposed.py``, ``widgets/transposed.py``
05 A whole CNN                   ``classifier/`` (``data.py``, ``model.py``, ``train.py``),
                                 ``layer_cost.py``, ``draw/feature_maps.py``,
                                 ``widgets/feature_maps.py``
06 Why convolution, what a CNN   ``weight_sharing/`` (the locally connected layer, the models
   looks at                      compared, shifts, data efficiency), ``attribution/`` (saliency,
                                 SmoothGrad, Grad-CAM, occlusion, their checks, FGSM),
                                 ``draw/attribution.py``, ``widgets/attribution.py``
07 DCGAN                         ``dcgan/`` (models, recipes, training, the live panel,
                                 checkpoints, metrics, CLI), ``draw/latent.py``,
                                 ``widgets/latent.py``
===============================  ==============================================================

The layers, bottom to top (imports point down only; ``make lint`` checks it with import-linter):

- ``palette.py`` — the colours every picture uses; ``arithmetic.py`` — output sizes and their
  formulas; ``receptive_field.py``; ``layer_cost.py`` — the layer table (shapes, parameters, MACs)
- ``ops/`` — the operations from scratch in numpy, checked against PyTorch (no torch here)
- ``draw/`` — ``draw_*``: SVG strings and PNG bytes; ``plots.py`` and ``figures.py`` —
  ``plot_*``: matplotlib Figures (plots of data; the course figures, ``python -m cnn_lib.figures``)
- ``widgets/`` — the explorers: controls and wiring over ``draw`` and ``ops``, nothing else
- ``classifier/`` (notebook 05's CNN, in PyTorch) sits beside ``draw``; ``weight_sharing/`` and
  ``attribution/`` (notebook 06) sit above the plots and below the explorers; ``dcgan/`` sits on
  top and scores its digits with that classifier
- beside them: ``device.py`` (device, CPU threads), ``data.py`` (the photo and the digits),
  ``notebook.py``, and ``exercises/`` (``nb00.py`` … ``nb07.py``: each notebook's exercise
  checks, with a hint and a solution on request)

Importing it has no side effects (no downloads, no printing, no style change).
Notebooks call :func:`setup_notebook` once, in their standard setup cell.
"""

from cnn_lib.notebook import QUICK, is_quick_run, set_seed, setup_notebook, show_source

__version__ = "0.1.0"

__all__ = ["QUICK", "is_quick_run", "set_seed", "setup_notebook", "show_source", "__version__"]
