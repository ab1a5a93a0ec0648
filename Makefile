# The register's commands. `make run` and `make test` are all the set-up anyone needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The demo asks nobody for a phone: two-factor sign-in is optional in `make run` unless
# `make run TWO_FACTOR_REQUIRED=true` (README, Security).
TWO_FACTOR_REQUIRED ?= false
RUN_ENV := DEBUG=true TWO_FACTOR_REQUIRED=$(TWO_FACTOR_REQUIRED)
# The port `make run` serves on: PORT=8001 make run.
PORT ?= 8000

.PHONY: run lint test stack bench backup restore system-packages frontend lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The development lock: the same pins as requirements.lock (all the image installs) plus the development
# tools (pytest, ruff, import-linter ...). Installed again whenever it changes.
$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

# GOV.UK Frontend and the test tools from npm, pinned by package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The stylesheet: GOV.UK Frontend compiled with its assets served from /static/govuk/assets/.
var/frontend/register.css: frontend/register.scss node_modules/.installed
	mkdir -p var/frontend
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import \
	  --load-path=node_modules/govuk-frontend/dist frontend/register.scss $@

frontend: var/frontend/register.css

## Serve the register at http://127.0.0.1:$(PORT) (8000 unless PORT=8001 make run) on SQLite, tasks in-process,
## with the demo council and a year of its activity. Loading the year once takes a few seconds; its e-mails are
## written to var/mail/ rather than printed, and its routine log lines are left out. Checkpoints are signed
## with a development key made once in var/history-signing.key.
run: $(VENV)/.installed frontend
	mkdir -p var
	@# A development key for signing checkpoints (issue 20), made once; the settings use it when no key is set.
	$(RUN_ENV) $(BIN)/python manage.py generate_signing_key --out var/history-signing.key --if-missing -v 0
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input -v 0
	$(RUN_ENV) LOG_LEVEL=ERROR EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	  $(BIN)/python manage.py seed_demo --with-activity
	@echo
	@echo "Sign in at http://127.0.0.1:$(PORT)/sign-in/ as chief-executive, leader-1, officer-1, auditor ..."
	@echo "(see the README for every demo user); the password of every demo user is demo-register-2026."
	@echo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Check the code without running it: ruff (lint and format) and the import-linter contracts of pyproject.toml.
lint: $(VENV)/.installed
	BIN=$(BIN) scripts/lint

## Lint, then run the whole suite against a real PostgreSQL and Redis (and, where tests need them, a Celery
## worker and Chromium).
test: lint $(VENV)/.installed frontend system-packages
	@# The slowest tests are listed at the end, so that the suite's time can be watched from the CI log.
	scripts/with-services $(BIN)/python -m pytest --durations=40 $(PYTEST_ARGS)
	@# What must not depend on the database (who sees a request on the day, the public register's
	@# wording) runs again on the embedded default, SQLite, as `make run` serves it.
	@if [ -z "$(PYTEST_ARGS)" ]; then env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python -m pytest -q -m sqlite_too; fi

## Run the production topology on this machine without Docker: PostgreSQL, Redis, then the Procfile's
## web (gunicorn), worker and beat, each supervised by supervisord, with REGISTER_ENV=production (see the README).
stack: $(VENV)/.installed frontend
	scripts/stack up

## Measure the register against bare baselines on the production topology (not part of `make test`):
## starts the stack on free ports, seeds a generated council, runs every scenario, prints the table,
## writes var/bench/results.json and tears the stack down (tests/bench/). E.g. BENCH_ARGS="--history-rows=200000",
## BENCH_ARGS="--only api_list,notice_fan_out", BENCH_ARGS=--quick.
bench: $(VENV)/.installed frontend
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

## Back up the database (DATABASE_URL, else make stack's) to var/backups/register-<UTC time>.dump.age: pg_dump piped
## into age, encrypted to BACKUP_RECIPIENT=age1... (or BACKUP_RECIPIENTS_FILE), read back whole and checksummed.
## BACKUP=file names it; BACKUP_KEEP=N keeps the newest N (docs/backups.md).
backup:
	scripts/backup $(BACKUP)

## Restore BACKUP=file into a fresh database TARGET_DATABASE_URL=postgres://... (never over one that holds tables),
## decrypted with BACKUP_IDENTITY_FILE (the age private key), then verify its history against the newest of
## CHECKPOINTS="saved/ https://.../register/checkpoints/history.txt" no newer than the backup, and list the later ones.
restore:
	scripts/restore "$(BACKUP)" "$(TARGET_DATABASE_URL)"

# Debian packages the tests need, installed when missing. Liberation Sans is Arial's metric twin, so that
# the pages measure in the browser tests as they do on readers' machines (chromium only recommends it).
# WeasyPrint draws the Standards Committee report's PDF with Pango (and HarfBuzz to subset its fonts), and
# the tests read the PDF's text back with poppler-utils' pdftotext. age encrypts the backups (make backup).
system-packages:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	dpkg -s fonts-liberation >/dev/null 2>&1 || missing="$$missing fonts-liberation"; \
	dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing="$$missing fonts-dejavu-core"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0"; \
	dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing="$$missing libpangoft2-1.0-0"; \
	dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || missing="$$missing libharfbuzz-subset0"; \
	command -v age >/dev/null || missing="$$missing age"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

## Re-lock the dependencies after changing pyproject.toml: requirements.lock for production (the image),
## requirements-dev.lock for production and the development tools (make run, make test).
PIP_COMPILE_FLAGS := --quiet --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile $(PIP_COMPILE_FLAGS) -o requirements.lock pyproject.toml
	$(BIN)/pip-compile $(PIP_COMPILE_FLAGS) --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var node_modules
