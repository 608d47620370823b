# Two commands for a fresh machine (Python 3.11 + pip; node/npm for the Hexo tests):
#   make demo   set up .venv, serve bundled sample feeds on 127.0.0.1, run the whole pipeline
#   make test   set up .venv and run the whole test suite (PostgreSQL's tests too)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo demo-serve test lint fmt bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsdesk demo --out demo-output

demo-serve: $(STAMP)
	$(BIN)/newsdesk demo --out demo-output --serve --port 8080

# The same tests as CI: PostgreSQL is started when possible (scripts/test.sh says how).
test: $(STAMP)
	@bash scripts/install-test-tools.sh
	@bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

fmt: $(STAMP)
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .hypothesis
