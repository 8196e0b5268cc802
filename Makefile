# Two commands do all set-up on a fresh clone: `make lab` and `make test`.
# TORCH_SPEC picks the PyTorch build; the default lets pip choose (a CUDA build on
# Linux). CI sets TORCH_SPEC=torch==2.13.0, a CPU wheel, to install in seconds.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch
PYTEST_ARGS ?=
# pytest-xdist workers for the unit tests and nbval (one test file or notebook per worker at a
# time); the browser tests run after them in one process, one JupyterLab and one Chromium.
PYTEST_WORKERS ?= 2
LAB_ARGS ?=
# The quick loop also runs on the oldest and the newest supported Python (requires-python >= 3.10;
# 3.13 is Colab's), each in its own .venv-py<version>, where that interpreter is installed: on PATH
# as python3.10 / python3.13, or under pyenv's root. `make test-versions QUICK_PYTHONS=` skips them.
QUICK_PYTHONS ?= 3.10 3.13
PYENV_ROOT ?= $(HOME)/.pyenv
QUICK_MARKERS := not slow and not browser
# The Colab profile: a second environment pinned to Colab's versions (tests/colab-constraints.txt).
COLAB_VENV ?= .venv-colab
COLAB_BIN := $(COLAB_VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: lab test test-quick test-versions install-lab install-dev notebooks figures lint format \
	benchmarks clean chromium colab-profile test-colab-profile html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[lab]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[dev,lab]"
	touch $(VENV)/.installed-lab $(VENV)/.installed-quick $@

# The quick loop needs the dev extra only (no JupyterLab).
$(VENV)/.installed-quick: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install-lab: $(VENV)/.installed-lab
install-dev: $(VENV)/.installed-dev

## make lab: install the package with its notebook extras and open the course in JupyterLab
## (as root, e.g. in a container, JupyterLab needs --allow-root; LAB_ARGS adds options)
lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab --ServerApp.root_dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root) \
		$(LAB_ARGS) notebooks/00_start_here.ipynb

## make test: install everything, lint (ruff, import contracts), run the unit and browser tests,
## execute every notebook under nbval, run the notebooks and widget tests again in the Colab
## profile, and the quick loop on the oldest and newest supported Python; every step runs, and
## the target fails if any of them failed
test: $(VENV)/.installed-dev chromium colab-profile
	status=0; \
	$(MAKE) --no-print-directory lint || status=1; \
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --nbval-lax -m "not browser" \
		$(PYTEST_ARGS) tests notebooks || status=1; \
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS) tests/browser || status=1; \
	$(MAKE) --no-print-directory test-colab-profile || status=1; \
	$(MAKE) --no-print-directory test-versions || status=1; \
	exit $$status

## make test-quick: the everyday loop, under two minutes: unit tests without the browser, nbval,
## the Colab profile and the tests marked slow
test-quick: $(VENV)/.installed-quick
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile -m "$(QUICK_MARKERS)" $(PYTEST_ARGS) tests

## test-versions: `make test-quick` under each of QUICK_PYTHONS that is installed, in .venv-py<version>
test-versions:
	@status=0; for version in $(QUICK_PYTHONS); do \
		python=$$(command -v python$$version 2>/dev/null); \
		if [ -z "$$python" ] || ! "$$python" -c "" 2>/dev/null; then \
			python=$$(ls -d $(PYENV_ROOT)/versions/$$version.*/bin/python$$version 2>/dev/null | tail -1); \
		fi; \
		if [ -z "$$python" ]; then \
			echo "Python $$version is not installed here: its quick loop is skipped"; continue; \
		fi; \
		echo "quick loop on $$("$$python" --version) ($$python)"; \
		$(MAKE) --no-print-directory test-quick PYTHON="$$python" VENV=.venv-py$$version \
			|| status=1; \
	done; exit $$status

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
		ipywidgets ipython ipykernel matplotlib numpy scikit-learn scipy pillow tqdm nbval pytest \
		pytest-xdist hypothesis
	touch $@

## colab-profile: build .venv-colab, pinned to Colab's published versions of the notebook-facing packages
colab-profile: $(COLAB_VENV)/.installed

## test-colab-profile: in .venv-colab, execute every notebook under nbval (quick mode) and run the widget tests
test-colab-profile: $(COLAB_VENV)/.installed
	CI=true $(COLAB_BIN)/python -m pytest -p no:randomly -q -n $(PYTEST_WORKERS) --dist loadfile \
		--nbval-lax notebooks $(wildcard tests/test_widgets*.py)

## make html: execute every notebook and write a static site under build/html/ (not part of make test)
html: $(VENV)/.installed-dev
	$(BIN)/python -m tools.build_html --out build/html

## make notebooks: re-execute every notebook in place (full mode, fixed seeds) to refresh stored outputs
notebooks: $(VENV)/.installed-dev
	CI= $(BIN)/python -m tools.execute_notebooks notebooks/*.ipynb

## make figures: redraw images/*.png from cnn_lib.figures
figures: $(VENV)/.installed-dev
	$(BIN)/python -m cnn_lib.figures

## make lint: ruff (rules and formatting) and the import contracts of pyproject.toml (import-linter)
lint: $(VENV)/.installed-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check cnn_lib tests benchmarks tools
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(BIN)/python -m ruff format cnn_lib tests benchmarks tools
	$(BIN)/python -m ruff check --fix .

## make benchmarks: every speed and quality target, each printing JSON (minutes; not part of make test)
benchmarks: $(VENV)/.installed-dev chromium
	$(BIN)/python -m benchmarks.conv2d_speed
	$(BIN)/python -m benchmarks.widget_redraw
	$(BIN)/python -m benchmarks.browser_redraw
	$(BIN)/python -m benchmarks.dcgan_throughput --device auto
	$(BIN)/python -m benchmarks.dcgan_quality

clean:
	rm -rf $(VENV) $(COLAB_VENV) .venv-py* build .pytest_cache
