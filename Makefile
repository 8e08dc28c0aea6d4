# The two commands: `make run` and `make test`. Both create .venv and install first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app portal
PYTEST_WORKERS ?= 2

.PHONY: install run test lint subjects bench bench-lmi bench-matching bench-alerts bench-load screenshots lock clean

# requirements-test.lock is requirements.lock (runtime) plus the test tools: both for make test
$(STAMP): pyproject.toml setup.py requirements.lock requirements-test.lock
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) portal load-reference
	$(FLASK) portal seed-demo
	$(FLASK) search reindex
	@echo "Serving the portal on http://127.0.0.1:5000 (Ctrl-C stops it)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install subjects
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers of pyproject.toml [tool.importlinter]
	$(BIN)/bandit -q -r portal
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Commit subjects of at most 72 characters (the rule since 2026-12-03; older ones are left)
SUBJECTS_SINCE := 2026-12-03T12:50:00Z
subjects:
	@git log --since=$(SUBJECTS_SINCE) --format=%s 2>/dev/null | $(PY) -c 'import sys; \
	  long = [s for s in sys.stdin.read().splitlines() if len(s) > 72]; \
	  sys.exit("\n".join("commit subject over 72 characters: " + s for s in long) or None)'

# Search benchmark (prints figures; BENCH_JOBS=100000 for the large size)
BENCH_JOBS ?= 10000
bench: install
	$(BIN)/python scripts/bench/search.py --jobs $(BENCH_JOBS)

# Labour-market benchmark: 500 agencies × 5 fiscal years (prints figures)
bench-lmi: install
	$(BIN)/python scripts/bench/lmi.py

# Matching benchmark: 20,000 profiles × 100,000 jobs (BENCH_MATCHING=--quick: 1,000 × 10,000)
bench-matching: install
	$(BIN)/python scripts/bench/matching.py $(BENCH_MATCHING)

# Alerts benchmark: one run of 10,000 due alerts over 100,000 jobs, 500 of them new
# (BENCH_ALERTS=--quick: 1,000 alerts, 10,000 jobs, 50 new; --database-url for PostgreSQL)
bench-alerts: install
	$(BIN)/python scripts/bench/alerts.py $(BENCH_ALERTS)

# Load benchmark: gunicorn (2 workers) over the demo data plus 100,000 jobs; 50 visitors
# thinking ~2 s for 2 minutes, then 16 without thinking for 60 s (BENCH_LOAD=--quick:
# 10,000 jobs, 30 s and 20 s; --database-url for PostgreSQL; --profile for what dominates)
bench-load: install
	$(BIN)/python scripts/bench/load.py $(BENCH_LOAD)

# The README's screenshots (docs/screenshots/), from a demo portal seeded in a temporary folder
screenshots: install
	$(BIN)/python scripts/screenshots.py

lint: install subjects
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers of pyproject.toml [tool.importlinter]
	$(BIN)/bandit -q -r portal

# Refresh the lock files after changing pyproject.toml: requirements.lock pins what the
# portal needs to run, requirements-test.lock adds the test tools (same runtime versions)
LOCK_VENV := /tmp/portal-lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PY) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet .
	$(LOCK_VENV)/bin/pip freeze --exclude sector-jobs-portal > requirements.lock
	$(LOCK_VENV)/bin/pip install --quiet ".[test]" -c requirements.lock
	(echo "-r requirements.lock"; $(LOCK_VENV)/bin/pip freeze --all --exclude pip \
	  --exclude sector-jobs-portal | grep -vxFf requirements.lock) > requirements-test.lock
	rm -rf build  # pip built the wheel in the tree

clean:
	rm -rf $(VENV)
