# make run  — a local site on http://127.0.0.1:5000 and its task worker (SQLite under instance/)
# make test — the test suite (SQLite; set PORTAL_TEST_DATABASE_URL for PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app portal

.PHONY: install compile run test lint bench bench-full bench-deps browser-deps node-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

compile: install
	$(BIN)/pybabel compile --use-fuzzy -d translations -f >/dev/null

# On a database without comments, `make run` adds DEMO demo comments (40% published with
# confirmed themes, 5% rejected) so every page has something to show; `make run DEMO=0` adds none.
DEMO ?= 300

PORT ?= 5000

# The site and a task worker (mail, scheduled notices) together; Ctrl-C stops both.
run: compile
	PORTAL_ENV=development $(FLASK) db upgrade
	PORTAL_ENV=development $(FLASK) seed --demo $(DEMO) --publish-share 0.4 --if-empty
	PORTAL_ENV=development PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)} bash -c '\
		$(FLASK) worker & worker=$$!; \
		trap "kill -INT $$worker 2>/dev/null; wait $$worker" EXIT INT TERM; \
		$(FLASK) run --host 127.0.0.1 --port $(PORT)'

test: compile node-deps
	$(BIN)/pytest -q -n 2

lint: install
	$(BIN)/ruff check portal tests bench migrations/env.py wsgi.py setup.py
	$(BIN)/mypy

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# axe-core and the Nu Html Checker (vnu.jar, run with the machine's java) for the page checks,
# at the versions in package-lock.json. No install scripts: vnu-jar's would fetch a Java runtime.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the accessibility and HTML checks will be skipped"; \
	fi

node-deps: $(NODE_STAMP)

# The benchmarks print ratios against a baseline measured in the same run and add a dated
# section to bench/RESULTS.md (see README). bench: the quick run on SQLite (PostgreSQL too when
# PORTAL_BENCH_DATABASE_URL is set); bench-full: a million comments on SQLite and PostgreSQL.
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench

bench-deps:
	@if ! command -v wrk >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk sqlite3 >/dev/null; \
	fi

bench: compile bench-deps
	$(BIN)/python -m bench.run --quick

bench-full: compile bench-deps
	$(BIN)/python -m bench.run --rows 1000000 --baseline 10000 --pg $(BENCH_PG)

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
