# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
SUDO   := $(if $(filter 0,$(shell id -u)),,sudo)

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_HOME := $(CURDIR)/.prefect
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint golden install install-dev clean pg-server

run: $(VENV)/.installed
	$(BIN)/claimledger verify seeds/

test: lint $(CHROMIUM) pg-server
	$(BIN)/python -m pytest -q

# The layering (import-linter contracts in pyproject.toml), the types (mypy, [tool.mypy]: strict on claims/,
# checks/ and ledger/) ruff's checks and its formatting (ruff format --check); part of `make test`.
lint: $(VENV)/.installed-dev
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/ruff check src tests bench flows
	$(BIN)/ruff format --check src tests bench flows

# Write tests/golden/seed_verdicts.json anew from what the pipeline gives the seed now (tests/test_golden.py compares
# them); review the change with `git diff tests/golden/` before committing it.
golden: $(VENV)/.installed-dev
	$(BIN)/python tests/golden.py --update

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

# The dashboard's browser tests drive Debian's Chromium (never a browser Playwright downloads itself).
$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium

# The ledger tests start a throwaway PostgreSQL server (tests/pg.py) from the system's server binaries: install them
# when initdb is missing (Debian keeps them in /usr/lib/postgresql/N/bin, off PATH). Only as root; else say how.
pg-server:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing PostgreSQL's server binaries for the ledger tests (apt-get install postgresql)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
	  echo "The ledger tests need PostgreSQL's server binaries (initdb, postgres): install them with" \
	       "'sudo apt-get install postgresql' (Debian/Ubuntu) or your system's postgresql package." >&2; exit 1; \
	fi

clean:
	rm -rf $(VENV) .prefect data/ledger.db data/snapshots data/gx
