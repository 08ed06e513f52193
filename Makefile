# Two commands on a fresh machine: `make demo` and `make test`.
# Both create (or reuse) the virtual environment .venv/ with the pinned stack.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLIPFILE := $(VENV)/bin/clipfile
DEMO_LIBRARY := demo-library/library.sqlite
SAMPLES := src/clipfile/samples

.PHONY: setup demo test check model bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[test]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	rm -rf demo-library
	$(CLIPFILE) -L $(DEMO_LIBRARY) ingest $(SAMPLES)
	$(CLIPFILE) -L $(DEMO_LIBRARY) stats
	$(CLIPFILE) -L $(DEMO_LIBRARY) search '"Kessel dam" AND funding' --limit 5
	$(CLIPFILE) -L $(DEMO_LIBRARY) quotes --kind direct --limit 8
	$(CLIPFILE) -L $(DEMO_LIBRARY) forecasts --open
	@echo
	@echo "Library: $(DEMO_LIBRARY)   try: $(CLIPFILE) -L $(DEMO_LIBRARY) --help"

test: setup
	$(PY) -m pytest -q

# Lint (ruff: pyflakes, pycodestyle, import order) and types (mypy, on the files pyproject lists).
check: setup
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy

# Retrain the learned quote model as the shipped one was (each fold's threshold by an inner CV;
# slow; needs ../shared/bench/quotes); writes
# src/clipfile/lang/en/report_model.json with the fingerprint of the features it was fit on.
model: setup
	$(PY) bench/train_quote_model.py --inner

bench: setup
	$(PY) bench/ingest.py
	$(PY) bench/eval_quotes.py
	$(PY) bench/throughput.py

clean:
	rm -rf demo-library .pytest_cache .hypothesis
