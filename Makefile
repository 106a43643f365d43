# polis — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint format otp lock openapi messages serve-prod backup restore bench bench-scale clean

# The settings default to DEBUG off, as production wants. manage.py turns it on unless told
# otherwise, the tests do it themselves (src/polis/pytest_profile.py), and so do these targets,
# which run Python without manage.py.
openapi bench: export DEBUG ?= 1

# Byte-compiled at install (dependencies and src/), so a new worker does not compile on its first
# requests.
$(VENV)/.installed: pyproject.toml requirements.lock package.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m compileall -q src
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  polis is running at http://$(HOST)/  (e-mails and SMS: log in as admin → Posta inviata, SMS inviati)"
	@echo ""
	$(PY) manage.py serve $(HOST)

# pytest-xdist, one worker per core, each with its own test database and VAR_DIR
# (polis.pytest_profile); tests that must share a worker take @pytest.mark.xdist_group(name).
# `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	PYTHONPATH=src $(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

otp: install
	@$(PY) manage.py totp_code

openapi: install
	$(PY) -c "import json, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'polis.settings'); django.setup(); from polis.api.api import api; print(json.dumps(api.get_openapi_schema(path_prefix='/api'), indent=2, sort_keys=True, default=str))" > docs/openapi.json

# The catalogues (src/polis/locale): Italian for Django's own messages that its catalogue lacks,
# English for the client's pages. The compiled .mo files are committed, as Django's are.
messages: install
	cd src/polis && ../../$(PY) ../../manage.py makemessages -l en -l it --no-location --ignore "tests/*" --ignore "*/tests/*"
	cd src/polis && ../../$(PY) ../../manage.py compilemessages

lock: install
	$(UV) pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 -q

# The production profile on this machine: gunicorn + Celery worker and beat on Redis + PostgreSQL.
PROD_ENV := $(or $(POLIS_VAR_DIR),var)/prod.env
$(PROD_ENV):
	mkdir -p $(dir $@)
	printf '%s\n' "DEBUG=0" "SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  "DATABASE_URL=postgres://postgres@127.0.0.1:5432/polis" "CACHE_URL=redis://127.0.0.1:6379/1" \
	  "CELERY_BROKER_URL=redis://127.0.0.1:6379/0" "ALLOWED_HOSTS=127.0.0.1,localhost" \
	  "SECURE_SSL_REDIRECT=0" "DB_CONN_MAX_AGE=60" "BIND=127.0.0.1:8000" > $@
	@echo "Wrote $@ (edit it to point at your services)."

serve-prod: install $(PROD_ENV)
	$(VENV)/bin/honcho -e $(PROD_ENV) run $(PY) manage.py migrate --noinput
	$(VENV)/bin/honcho -e $(PROD_ENV) run $(PY) manage.py collectstatic --noinput -v0
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/honcho -e $(PROD_ENV) start

# Benchmarks (bench/, results in docs/PERFORMANCE.md), against PostgreSQL: DATABASE_URL must
# point to an empty scratch database and BENCH_REDIS_URL to a scratch Redis database (emptied).
# pymerkle is the ledger benchmarks' reference, not a dependency.
bench: install
	test -n "$$BENCH_REDIS_URL" || (echo "set BENCH_REDIS_URL to a scratch Redis database"; exit 2)
	$(UV) pip install --quiet --python $(PY) pymerkle==7.0.0
	$(PY) bench/ledger_append.py 100000
	$(PY) bench/pages.py
	$(PY) bench/throughput.py --cache-url "$$BENCH_REDIS_URL"
	$(PY) bench/quotes.py
	$(PY) bench/signing.py
	$(PY) bench/ledger_proofs.py 1000000

# The same at 1M practices: fills the (empty) DATABASE_URL with seed_scale, then measures the
# list queries, the pages and the daily expiry job. About 10 minutes on 2 cores. The web tier's
# PostgreSQL options, as deploy/gunicorn.conf.py sets them in production.
bench-scale: export PGOPTIONS ?= -c max_parallel_workers_per_gather=0
bench-scale: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py seed_scale --firms 1000 --clients 200000 --practices 1000000 --claims 100000
	DEBUG=1 $(PY) bench/scale_lists.py
	DEBUG=1 $(PY) bench/scale_pages.py
	DEBUG=1 $(PY) bench/expiries.py

# Backups need DATABASE_URL on PostgreSQL. `make restore BACKUP=var/backups/<time>` loads one
# into the (empty) database of DATABASE_URL.
backup: install
	$(PY) manage.py backup

restore: install
	test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=<folder>"; exit 2)
	$(PY) manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) node_modules var
