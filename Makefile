# Two commands matter: `make serve` (build the example and preview it) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The example briefing: three days of a fictional local desk (examples/desk/).
EXAMPLE ?= examples/desk

.PHONY: site serve test lint format bench clean help

help:
	@echo "make serve   build the example briefing and preview it on http://$(HOST):$(PORT)/"
	@echo "make site    build the example briefing into $(EXAMPLE)/site/"
	@echo "make test    run every test"
	@echo "make lint    ruff, the layers (import-linter) and types (mypy)"
	@echo "make clean   remove site/, caches and the virtualenv"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "briefings needs Python 3.11 or newer; run make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
# Then compiled to bytecode, as pip does for a wheel: where PYTHONDONTWRITEBYTECODE is set,
# every command would compile the package again (~0.15 s).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q briefings
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q briefings
	@touch $@ $(VENV)/.installed

# BASE_URL overrides briefings.toml's base_url (the Pages workflow sets it).
site: $(VENV)/.installed
	$(BIN)/briefings build -C $(EXAMPLE) $(if $(BASE_URL),--base-url "$(BASE_URL)")

serve: $(VENV)/.installed
	@echo "briefings is installed in $(VENV): run '. $(VENV)/bin/activate' to use the briefings command yourself"
	$(BIN)/briefings serve -C $(EXAMPLE) --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy briefings

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf site .briefings $(EXAMPLE)/site $(EXAMPLE)/.briefings .pytest_cache .ruff_cache .hypothesis $(VENV)
