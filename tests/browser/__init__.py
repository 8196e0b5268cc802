"""Browser tests: the notebooks' explorers driven in JupyterLab + headless Chromium."""
