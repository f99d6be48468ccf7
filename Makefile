# Hadir: `make run` serves the app with demo data; `make test` runs every check and test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check
SCALED_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
SCALED_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
PYTEST_ARGS ?= -n 2

.PHONY: install install-dev lock messages migrate run test lint test-embedded test-scaled bench bench-full clean

# requirements*.txt are lock files (every package pinned, with its hashes), compiled by `make lock`
# from requirements*.in; pip refuses a file whose hash differs.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# After changing requirements*.in: compile the lock files again (pip-tools, from requirements-dev).
LOCK := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: install-dev
	$(LOCK) -o requirements.txt requirements.in
	$(LOCK) -o requirements-dev.txt requirements-dev.in

messages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=$(VENV) -v 0

migrate: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input -v 0

# honcho (Procfile) is a development tool: it comes with requirements-dev.txt.
run: install-dev messages
	@export DEBUG=$${DEBUG:-1} HADIR_BASE_URL=$${HADIR_BASE_URL:-http://$${HADIR_HOST:-127.0.0.1}:$${HADIR_PORT:-8000}}; \
	$(PY) manage.py preflight && \
	$(PY) manage.py migrate --no-input -v 0 && \
	$(PY) manage.py seed_demo && \
	echo "Hadir: http://$${HADIR_HOST:-127.0.0.1}:$${HADIR_PORT:-8000}/ (Ctrl-C stops the server and the worker)" && \
	exec $(VENV)/bin/honcho start -f Procfile

lint: install-dev
	$(VENV)/bin/ruff check .
	DEBUG=1 $(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite on the embedded default, then on PostgreSQL + Redis (the scaled-out setup).
test: install-dev messages lint test-embedded test-scaled

test-embedded: install-dev
	env -u DATABASE_URL -u REDIS_URL DEBUG=1 $(PY) -m pytest $(PYTEST_ARGS)

test-scaled: install-dev
	DEBUG=1 DATABASE_URL=$(SCALED_DATABASE_URL) REDIS_URL=$(SCALED_REDIS_URL) HADIR_SCALED_RUN=1 \
		$(PY) -m pytest $(PYTEST_ARGS)

bench: install-dev
	DEBUG=1 $(PY) -m bench.run --quick

bench-full: install-dev
	DEBUG=1 $(PY) -m bench.run --full

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
