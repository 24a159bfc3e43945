# Two entry points for a fresh machine with only python3:
#   make scan   set up and scan sample_iac/ with the bundled feed
#   make test   set up and run the whole test suite
# Each creates .venv when missing and re-installs when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: scan test lint typecheck check bench bench-large fuzz oracle clean help chromium

help:
	@echo "make scan   - scan sample_iac/ with the bundled feed"
	@echo "make test   - run the whole test suite (lint, types, pytest)"
	@echo "make bench  - benchmark against checkov (bench/README.md)"
	@echo "make chromium - install Chromium for the HTML report's browser test (apt-get)"
	@echo "make oracle - thousands of generated Terraform cases against the real terraform (docs/terraform.md)"
	@echo "make fuzz   - run the fuzz harnesses for a time budget (fuzz/README.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP_RUN)

# Findings (exit 1) are the expected outcome on the samples; only errors (2) fail.
scan: $(STAMP_RUN)
	@$(BIN)/bedrock-lifecycle scan sample_iac; code=$$?; \
	  echo "bedrock-lifecycle exited $$code (0 clean, 1 findings, 2 errors)"; test $$code -le 1

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP_DEV)
	$(BIN)/mypy checker

# The HTML report's browser test needs Chromium: Debian's package, installed
# with apt-get (through sudo when not root) on a machine that lacks it.
chromium:
	$(PYTHON) tools/chromium.py --install

test: $(STAMP_DEV) lint typecheck chromium
	$(BIN)/python -m pytest -n 2 --dist loadgroup

bench: $(STAMP_DEV)
	$(BIN)/python bench/run.py --size small

bench-large: $(STAMP_DEV)
	$(BIN)/python bench/run.py --size large --reps 9 --cache --double --checkov-timeout $${CHECKOV_TIMEOUT:-7200}

oracle: $(STAMP_DEV)
	$(BIN)/python -m tests.terraform.oracle --seeds $${ORACLE_SEEDS:-1 2 3 4} --cases $${ORACLE_CASES:-600}

fuzz: $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet atheris
	$(BIN)/python fuzz/run_all.py --seconds $${FUZZ_SECONDS:-60}

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
