"""Drawing: numbers in, SVG strings or PNG bytes out, for the explorers and the notebooks' static figures.

``draw_*`` always means this (an SVG string or PNG bytes); ``plot_*`` means a matplotlib Figure
(:mod:`cnn_lib.plots`, :mod:`cnn_lib.figures`). Every function is pure, so a test calls it
without a browser; a notebook shows the same string with ``IPython.display.SVG``.

- :mod:`~cnn_lib.draw.base` — the building blocks: grids, windows, arrows, labels, formula/check HTML, PNG
- :mod:`~cnn_lib.draw.conv` — a convolution's output size, one step of the window, padding modes; notebooks 01–02
- :mod:`~cnn_lib.draw.receptive_field` — what one output pixel sees, predicted vs measured; notebook 02
- :mod:`~cnn_lib.draw.pooling` — pooling windows on a grid, max-unpooling, a pooled photo; notebook 03
- :mod:`~cnn_lib.draw.transposed` — the zero-inserted grid of a transposed convolution; notebook 04
- :mod:`~cnn_lib.draw.feature_maps` — a stack of feature maps tiled, a digit enlarged (PNG); notebook 05
- :mod:`~cnn_lib.draw.attribution` — an attribution map over its digit, softmax probability bars; notebook 06
- :mod:`~cnn_lib.draw.latent` — generated digits and the classifier's verdict for the latent explorers; notebook 07

Colours come from :mod:`cnn_lib.palette`; sizes from :mod:`cnn_lib.arithmetic` (computed once by
the caller where it can, and passed in).
"""
