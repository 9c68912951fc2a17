# Thidua: `make run` starts the demo app, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
PYENV_PY := /root/.pyenv/versions/$(PYTHON_VERSION)/bin/python3
BOOT_PY := $(shell [ -x $(PYENV_PY) ] && echo $(PYENV_PY) || command -v python3.12 || command -v python3)
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell [ -x $(PYENV_PY) ] && echo $(PYENV_PY) || command -v python3.12 || echo 3.12)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PG_PORT ?= 5433
PG_DATA ?= /tmp/thidua-pgdata-test

.PHONY: help run test setup deps assets messages makemessages migrate demo lint typecheck test-sqlite test-postgres test-e2e bench clean

help:
	@echo "make run   - set up everything and start the demo at http://127.0.0.1:8000/"
	@echo "make test  - lint, type check, tests on SQLite and PostgreSQL, browser tests"
	@echo "other: make setup | demo | lint | typecheck | test-sqlite | test-postgres | test-e2e | clean"

.tools/bin/uv:
	$(BOOT_PY) -m venv .tools
	.tools/bin/pip install -q --disable-pip-version-check uv

deps: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --locked --quiet

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

assets: node_modules/.package-lock.json

# Compiled catalogues (.mo) are committed, so a machine without GNU gettext still runs the app.
messages: deps
	@if command -v msgfmt >/dev/null 2>&1; then \
	  $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=.tools -v 0; \
	else echo "gettext is not installed: using the committed .mo files"; fi

makemessages: deps
	$(MANAGE) makemessages -l vi -l en -l ro --ignore=.venv --ignore=node_modules --ignore=.tools --ignore=var --no-obsolete

setup: deps assets messages

migrate: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) createcachetable

demo: migrate
	$(MANAGE) load_demo

run: demo
	$(MANAGE) collectstatic --noinput -v 0
	bash scripts/run.sh

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: deps
	$(VENV)/bin/mypy .

test-sqlite: setup
	$(VENV)/bin/pytest -q -p no:randomly

test-postgres: setup
	@url=$$(PGPORT=$(PG_PORT) PGDATA=$(PG_DATA) bash scripts/pg_start.sh) || { echo "could not start PostgreSQL"; exit 1; }; \
	rc=0; DATABASE_URL=$$url $(VENV)/bin/pytest -q || rc=$$?; \
	PGDATA=$(PG_DATA) bash scripts/pg_stop.sh; exit $$rc

test-e2e: setup
	$(VENV)/bin/pytest -q tests/e2e

test: lint typecheck test-sqlite test-postgres test-e2e
	@echo "All checks passed."

bench: setup
	@for b in bench/*.py; do [ -e "$$b" ] && $(PY) "$$b"; done; true

clean:
	rm -rf $(VENV) .tools node_modules var .mypy_cache .ruff_cache
