# Atiende: `make run` (demo on http://127.0.0.1:$(PORT)) and `make test` (lint + tests, SQLite then PostgreSQL).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 5000
# `make run` is a local demo over plain HTTP on 127.0.0.1: development defaults (docs/security.md).
export ATIENDE_ENV ?= development
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/*.po)

# Exit 0 when the PostgreSQL named by TEST_POSTGRES_URL answers within 3 seconds.
PG_ANSWERS := $(BIN)/python -c 'import sys; from sqlalchemy import create_engine; \
	create_engine(sys.argv[1], connect_args={"connect_timeout": 3}).connect().close()' '$(TEST_POSTGRES_URL)' 2>/dev/null

.PHONY: help install translations db run dev test lint bench clean clean-data browser-deps fuzz

help:
	@echo "make run         instala, migra, despliega procesos, carga la demo y sirve http://127.0.0.1:$(PORT) con su trabajador"
	@echo "make dev         lo mismo con el servidor de desarrollo de Flask (recarga el código; nunca en producción)"
	@echo "make test        ruff, import-linter y pytest (SQLite; después PostgreSQL si responde)"
	@echo "make lint        solo ruff e import-linter"
	@echo "make bench       bench/lifecycle.py (docs/performance.md)"
	@echo "make fuzz        schemathesis contra la API, largo (FUZZ_EXAMPLES=500 ejemplos por operación)"
	@echo "make clean       borra .venv y node_modules (los datos de instance/ se quedan)"
	@echo "make clean-data  borra las bases SQLite de instance/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,mining]'
	touch $@

# Front-end libraries the staff workspace serves from node_modules (only when package-lock.json exists).
NPM_STAMP := $(if $(wildcard package-lock.json),node_modules/.installed-stamp)
node_modules/.installed-stamp: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NPM_STAMP)

translations: $(STAMP)
ifneq ($(CATALOGS),)
	$(BIN)/pybabel -q compile -d app/translations -f
endif

db: install translations
	$(FLASK) db upgrade
	$(FLASK) processes deploy
	$(FLASK) demo load

# Web server (gunicorn, gunicorn.conf.py: a process per core, threads in each) and worker in the
# foreground; Ctrl-C (or SIGTERM to make) stops both.
run: db
	@echo "==> Atiende en http://127.0.0.1:$(PORT) (gunicorn) con su trabajador (Ctrl-C detiene ambos)"
	@$(call serve,PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py)

# Development only: Flask's reloading server instead of gunicorn.
dev: db
	@echo "==> Atiende (desarrollo) en http://127.0.0.1:$(PORT) con su trabajador (Ctrl-C detiene ambos)"
	@$(call serve,$(FLASK) run --debug --host 127.0.0.1 --port $(PORT))

# $(1) and the worker side by side; when either ends (or on Ctrl-C/SIGTERM) the other is stopped too.
define serve
pids=""; trap 'kill $$pids 2>/dev/null || true; wait; exit 0' INT TERM; \
$(FLASK) worker run & pids=$$!; \
$(1) & pids="$$pids $$!"; \
status=0; wait -n || status=$$?; \
echo "==> Un proceso terminó (código $$status): se detiene el otro" >&2; \
kill $$pids 2>/dev/null || true; wait || true; exit $$status
endef

lint: install
	@echo "==> ruff check ."
	$(BIN)/ruff check .
	@echo "==> lint-imports (contratos de capas en pyproject.toml)"
	$(BIN)/lint-imports

# Headless Chromium for tests/browser (Playwright drives /usr/bin/chromium; never `playwright install`).
browser-deps: install
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Chromium no está instalado y no se puede instalar aquí: se omiten las pruebas de navegador"; fi; \
	fi

test: lint translations browser-deps
	@echo "==> pytest, primera pasada: SQLite"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
	@if $(PG_ANSWERS); then \
		echo "==> pytest, segunda pasada: PostgreSQL en $(TEST_POSTGRES_URL)"; \
		TEST_DATABASE_URL='$(TEST_POSTGRES_URL)' $(BIN)/python -m pytest; \
	else \
		echo "PostgreSQL no responde en $(TEST_POSTGRES_URL): se omite la segunda pasada"; \
	fi

# The fuzz test of `make test` (tests/security/test_api_fuzz.py), with many random examples per operation.
FUZZ_EXAMPLES ?= 500
fuzz: install translations
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/security/test_api_fuzz.py -q

bench: install
	$(BIN)/python bench/lifecycle.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules *.egg-info .pytest_cache .ruff_cache .import_linter_cache

# The SQLite databases of the app and of the worker queue (instance/config.py and secret_key stay).
clean-data:
	rm -f instance/*.sqlite instance/*.sqlite-journal instance/*.sqlite-wal instance/*.sqlite-shm
