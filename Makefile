# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test install install-dev lint migrate seed serve clean

# `make demo` installs what the app needs; `make test` and `make lint` add the test and lint tools.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "需要双因素验证码的账号（admin staff reviewer leader 及三员）共用演示密钥 JBSWY3DPEHPK3PXP，见 README"
	@echo "打开 http://127.0.0.1:$(PORT)/"
	@# One job worker beside the server (exports over the threshold, imports, the dashboard refresh),
	@# started in the background and killed when the server stops (Ctrl-C) or make exits.
	DEBUG=1 $(PY) manage.py jobs_worker --no-reload --interval 1 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist; a test module stays on one worker, so its module-scoped
# fixtures and servers are built once). TEST_WORKERS=0 runs it in one process. --durations lists the slowest
# tests, so every CI log says where its time goes (the workflow property test must stay under 5 minutes).
TEST_WORKERS ?= auto

test: install-dev
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=12

# Lint and architecture checks (.ci/run runs them before the tests).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3* var/test-uploads
