"""cnn_lib: the helper package behind the CNN teaching notebooks.

Importing it has no side effects (no downloads, no printing, no style change).
Notebooks call :func:`setup_notebook` once, in their standard setup cell.
"""

from cnn_lib.notebook import QUICK, is_quick_run, set_seed, setup_notebook, show_source

__version__ = "0.1.0"

__all__ = ["QUICK", "is_quick_run", "set_seed", "setup_notebook", "show_source", "__version__"]
