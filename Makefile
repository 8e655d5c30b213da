# Every target installs what it needs on first use: on a fresh machine `make demo` and
# `make test` are all the set-up there is.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint types unit bench cassettes clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The demo keeps its sandbox apart: it never resets the state of your own `modelreg --sandbox`.
DEMO_STATE := $(VENV)/demo-state

demo: $(STAMP)
	MODELREG_STATE_DIR=$(DEMO_STATE) $(VENV)/bin/modelreg --sandbox sandbox reset --yes
	MODELREG_STATE_DIR=$(DEMO_STATE) $(VENV)/bin/modelreg --sandbox list -o table

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy tests benchmarks scripts

unit: $(STAMP)
	$(VENV)/bin/pytest

test: lint types unit

bench: $(STAMP)
	$(PY) -m benchmarks

cassettes: $(STAMP)
	$(PY) -m scripts.record_cassettes

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
