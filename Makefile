# Cohort Archive — the two commands: `make serve` (the demo archive) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: help venv demo serve build test lint format browser bench bench-fetch bench-site bench-search clean

help:
	@echo "make serve   build the demo repos and serve the demo archive on http://$(ADDR)"
	@echo "make test    run the whole test suite (installs what it needs)"
	@echo "make build   build the site into site/ (export/archive.json included)"
	@echo "make lint    ruff check + format check"
	@echo "make bench   benchmarks side by side with the peers (needs ../shared/bench)"

$(BIN)/mkdocs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(BIN)/mkdocs

demo: venv
	$(BIN)/python scripts/make_demo.py

serve: demo
	$(BIN)/mkdocs serve --dev-addr $(ADDR)

build: demo
	$(BIN)/mkdocs build

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else echo "no /usr/bin/chromium (run 'sudo apt-get install chromium'): browser tests will be skipped"; fi; \
	fi

test: venv browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -rs $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check plugins scripts tests
	$(BIN)/ruff format --check plugins scripts tests

format: venv
	$(BIN)/ruff format plugins scripts tests
	$(BIN)/ruff check --fix plugins scripts tests

bench-fetch: venv
	$(BIN)/python scripts/bench_fetch.py

bench-site: venv
	$(BIN)/python scripts/bench_site.py

bench-search: venv
	$(BIN)/python scripts/bench_search.py

bench: bench-fetch bench-site bench-search

clean:
	rm -rf site .cache test-artifacts
