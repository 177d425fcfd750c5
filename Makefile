# Berkeleytime. `make` lists the targets; `make run` and `make test` set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The public Berkeley data set lives beside the checkout; it is never copied in.
BT_DATA_DIR ?= $(abspath ../shared/data/berkeley)
export BT_DATA_DIR

# Tests talk to the real PostgreSQL and Redis on this machine (or wherever these point).
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/berkeleytime)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/1)

include deploy.mk

.PHONY: help install lock run manage standin test lint services import bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 22

# requirements-dev.txt locks every package, with hashes (pip included): pip
# refuses anything unlisted or altered, and pip-sync removes what the lock
# no longer lists, so the virtualenv is exactly the lock.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(VENV)/bin/pip-sync --quiet --pip-args "--require-hashes" requirements-dev.txt
	touch $@

PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

# axe-core for the page tests' accessibility checks (package.json, pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install the locked dependencies (hashes required)

lock: $(VENV)/.installed ## After editing requirements*.in: re-lock requirements.txt (the image) and requirements-dev.txt
	PIP_FIND_LINKS= $(PIP_COMPILE) --output-file requirements.txt requirements.in
	PIP_FIND_LINKS= $(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

run: install ## Migrate, import the real data and serve on http://$(HOST):$(PORT) (embedded PostgreSQL without DATABASE_URL)
	$(PY) -m berkeleytime.devserver --host $(HOST) --port $(PORT)

manage: install ## Run a management command against the database `make run` serves: make manage ARGS="sis_sync terms"
	$(PY) -m berkeleytime.devserver --manage $(ARGS)

standin: install ## A stand-in SIS on http://127.0.0.1:8790 serving the data set's Summer 2026 (app id and key: standin)
	$(PY) -m sources.sis.standin --port 8790

import: install ## Import the whole data set into DATABASE_URL
	$(PY) manage.py import_all

services: ## Make sure PostgreSQL, Redis, Chromium and Prometheus are there for the tests
	bash tests/ensure-services.sh prometheus

# YAML that yamllint reads: not Helm templates (not YAML until rendered).
YAML_LINTED := .github charts/addons $(wildcard charts/*/values*.yaml) $(KUBE_DIR)

lint: install ## ruff, actionlint+shellcheck, zizmor, yamllint, and a check that no model change lacks its migration
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/actionlint -shellcheck shellcheck
	$(VENV)/bin/zizmor --offline --config zizmor.yml --persona pedantic .github/workflows
	$(VENV)/bin/yamllint --format parsable $(YAML_LINTED)
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run

test: install node_modules/.installed services lint deploy-tools ## Run the whole test suite against real PostgreSQL, Redis and Chromium
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

bench: install ## Benchmarks (not part of make test); results in benchmarks/results/
	bash tests/ensure-services.sh wrk
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) benchmarks/run.py $(BENCH_ARGS)

clean: ## Remove the virtualenv, collected static files and caches
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
