# Two commands do all set-up on a fresh clone: `make lab` and `make test`.
# TORCH_SPEC picks the PyTorch build; the default lets pip choose (a CUDA build on
# Linux). CI sets TORCH_SPEC=torch==2.13.0, a CPU wheel, to install in seconds.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch
PYTEST_ARGS ?=
# The Colab profile: a second environment pinned to Colab's versions (tests/colab-constraints.txt).
COLAB_VENV ?= .venv-colab
COLAB_BIN := $(COLAB_VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: lab test install-lab install-dev notebooks figures lint format benchmarks clean chromium \
	colab-profile test-colab-profile html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[lab]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[dev,lab]"
	touch $@

install-lab: $(VENV)/.installed-lab
install-dev: $(VENV)/.installed-dev

## make lab: install the package with its notebook extras and open the course in JupyterLab
lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab --ServerApp.root_dir=. notebooks/00_start_here.ipynb

## make test: install everything, run the unit and browser tests, execute every notebook under nbval,
## then run the notebooks and widget tests again in the Colab profile; every step runs, and the
## target fails if any of them (lint, main run, Colab-profile run) failed
test: $(VENV)/.installed-dev chromium colab-profile
	status=0; \
	$(BIN)/python -m ruff check . || status=1; \
	$(BIN)/python -m pytest --nbval-lax $(PYTEST_ARGS) tests notebooks || status=1; \
	$(MAKE) --no-print-directory test-colab-profile || status=1; \
	exit $$status

## chromium: Debian's Chromium for the browser tests, installed when missing and root + apt-get allow;
## otherwise the browser tests skip with a message (and fail under CI=true)
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "chromium is missing and cannot be installed here (needs root and apt-get): browser tests will skip"; \
	fi

$(COLAB_VENV)/.installed: pyproject.toml tests/colab-constraints.txt
	$(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_BIN)/python -m pip install -q -c tests/colab-constraints.txt "$(TORCH_SPEC)" -e . \
		ipywidgets ipython ipykernel matplotlib numpy scikit-learn scipy pillow tqdm nbval pytest hypothesis
	touch $@

## colab-profile: build .venv-colab, pinned to Colab's published versions of the notebook-facing packages
colab-profile: $(COLAB_VENV)/.installed

## test-colab-profile: in .venv-colab, execute every notebook under nbval (quick mode) and run the widget tests
test-colab-profile: $(COLAB_VENV)/.installed
	CI=true $(COLAB_BIN)/python -m pytest -p no:randomly -q --nbval-lax notebooks $(wildcard tests/test_widgets*.py)

## make html: execute every notebook and write a static site under build/html/ (not part of make test)
html: $(VENV)/.installed-dev
	$(BIN)/python tools/build_html.py --out build/html

## make notebooks: re-execute every notebook in place (full mode, fixed seeds) to refresh stored outputs
notebooks: $(VENV)/.installed-dev
	CI= $(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

## make figures: redraw images/*.png from cnn_lib.figures
figures: $(VENV)/.installed-dev
	$(BIN)/python -m cnn_lib.figures

lint: $(VENV)/.installed-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check cnn_lib tests benchmarks

format: $(VENV)/.installed-dev
	$(BIN)/python -m ruff format cnn_lib tests benchmarks
	$(BIN)/python -m ruff check --fix .

## make benchmarks: every speed and quality target, each printing JSON (minutes; not part of make test)
benchmarks: $(VENV)/.installed-dev chromium
	$(BIN)/python -m benchmarks.conv2d_speed
	$(BIN)/python -m benchmarks.widget_redraw
	$(BIN)/python benchmarks/browser_redraw.py
	$(BIN)/python -m benchmarks.dcgan_throughput --device auto
	$(BIN)/python -m benchmarks.dcgan_quality

clean:
	rm -rf $(VENV) $(COLAB_VENV) build .pytest_cache
