# The two commands of the README: `make run` and `make test`.
# Debian's own Python 3.11 where it can make a venv (package python3.11-venv): Debian builds it
# with profile-guided and link-time optimisation, libpython inside the executable; pyenv's default
# build has neither, and under it a vote's cast costs the web process a fifth more CPU (issue 11).
PYTHON ?= $(shell /usr/bin/python3.11 -c "import ensurepip" 2>/dev/null && echo /usr/bin/python3.11 || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/collabcity
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# pytest-xdist: one worker per core, each with its own test database and Redis database.
TEST_WORKERS ?= auto
LOCK := requirements/lock.txt
LOCK_VENV := .venv-lock
UV_VERSION := 0.13.9

.PHONY: run test worker install lock services browser messages lint bench

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install services browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Every figure of issue 11 in one run, each beside its ceiling measured in the same run (README,
# "Misure"); about 20 minutes, on a machine otherwise idle. BENCH_ARGS="--only web --seconds 5"
bench: install services
	$(PY) bench/run_all.py $(BENCH_ARGS)

# Celery worker with the beat scheduler embedded, against the broker in REDIS_URL.
worker: install
	$(PY) -m celery -A collabcity worker --beat --loglevel=INFO

install: $(VENV)/.installed node_modules/.installed messages

# Exactly the pins and hashes of the lock, then the project itself on top without resolving again;
# pip check fails when pyproject.toml asks for something the lock does not give (a stale lock).
$(VENV)/.installed: $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check || (echo "$(LOCK) does not match pyproject.toml: run make lock" >&2; exit 1)
	touch $@

node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# After a dependency changed in pyproject.toml. Pins it still admits are kept (LOCK_ARGS=--upgrade
# moves them all to the newest admitted). --universal writes markers rather than resolving for this
# interpreter only, so one lock serves every Python that requires-python admits. uv has a venv of
# its own: it is no dependency of the project.
lock: $(LOCK_VENV)/.uv-$(UV_VERSION)
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)

$(LOCK_VENV)/.uv-$(UV_VERSION):
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	touch $@

messages: $(VENV)/.installed
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

services:
	.ci/services

browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
