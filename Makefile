# Buurtplek: `make run` serves the app, `make test` runs lint and the whole suite, `make lint` the linters only.
# Each installs what is missing first (apt packages, .venv, the private PostGIS cluster): `make run` the
# runtime requirements (requirements.txt), `make test` and `make lint` the dev ones too (requirements-dev.txt).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app webapp
DB_URL = $$(scripts/pg.sh url)
# The owner role runs migrations and loaders; the app (DB_URL) may only read and write rows.
OWNER_URL = $$(scripts/pg.sh owner-url)

.PHONY: run test setup system venv venv-dev db stop demo lint translations

# The try-it-out command: BUURTPLEK_DEV=1 (a banner on every page, /dev/outbox lists every mail) and the
# outbox sender runs beside gunicorn, so every mail the app writes is printed here within seconds.
# Production runs gunicorn without BUURTPLEK_DEV and `flask outbox send` from cron (docs/deploy.md).
run: setup demo
	@export BUURTPLEK_DEV=1 MAIL_BACKEND=log DATABASE_URL="$(DB_URL)"; \
	  $(FLASK) outbox send --loop & sender=$$!; \
	  trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn --workers 2 --threads 4 --bind 127.0.0.1:5000 --access-logfile - "webapp:create_app()"

# In parallel (pytest-xdist, loaded by name: plugin autoload is off): one worker per core, each with its own
# database; `make test PYTEST_WORKERS=0` runs in one process, PYTEST_ARGS adds pytest options.
PYTEST_WORKERS ?= auto
test: setup venv-dev lint
	DATABASE_URL="$(DB_URL)" MIGRATION_DATABASE_URL="$(OWNER_URL)" $(PY) -m pytest -p xdist -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

setup: system venv db

system:
	@scripts/install-system.sh

# Runtime packages only (make run); venv-dev adds the test and lint tools and the test-only npm packages.
venv: $(VENV)/.installed

venv-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

# ruff, mypy (strict for models and services) and import-linter (the domains' layering): scripts/lint.sh.
lint: venv-dev
	@scripts/lint.sh

# The npm packages (opening_hours.js, the official A11yJSON schema) from the committed package-lock.json:
# tests/places/test_a11yjson.py validates with them. Reinstalled when the lock file is newer.
node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

# Redone when either file changes (requirements-dev.txt includes requirements.txt).
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $(VENV)/.installed $@

translations: venv
	@$(VENV)/bin/pybabel compile -d webapp/translations 2>&1 | grep -v "^compiling catalog" || true

db: venv translations
	@scripts/pg.sh start
	@DATABASE_URL="$(DB_URL)" MIGRATION_DATABASE_URL="$(OWNER_URL)" $(FLASK) db upgrade heads
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) areas load data/gemeenten-2023.geojson
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) areas load-districts data/amsterdam-stadsdelen.geojson --gemeente GM0363
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) areas load-postcodes data/nl-pc4-geonames.csv
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) areas load-places data/nl-woonplaatsen-geonames.csv
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) insight load-buurten data/utrecht-buurten.geojson --gemeente GM0344

demo: db
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) demo load
	@DATABASE_URL="$(OWNER_URL)" $(FLASK) places refresh-opening-windows

stop:
	@scripts/pg.sh stop
