# Two commands do all set-up on a fresh clone: `make lab` and `make test`.
# TORCH_SPEC picks the PyTorch build; the default lets pip choose (a CUDA build on
# Linux). CI sets TORCH_SPEC=torch==2.13.0, a CPU wheel, to install in seconds.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch
PYTEST_ARGS ?=

.PHONY: lab test install-lab install-dev notebooks figures lint format benchmarks clean

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

## make test: install the dev extras, run the unit tests and execute every notebook under nbval
test: $(VENV)/.installed-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest --nbval-lax $(PYTEST_ARGS) tests notebooks

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

benchmarks: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.conv2d_speed

clean:
	rm -rf $(VENV) build .pytest_cache
