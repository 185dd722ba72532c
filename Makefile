# The two commands: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi

.PHONY: run test lint venv dev-venv translations extract-messages bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.run-deps $@

venv: $(VENV)/.run-deps
dev-venv: $(VENV)/.dev-deps

translations: $(VENV)/.run-deps
	$(VENV)/bin/pybabel -q compile -d portal/translations

# Extract, merge into el/ar, compile, and count what is left to translate.
extract-messages: dev-venv
	./scripts/update_translations.sh

run: venv translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# Static checks (also run by .ci/run): ruff (ruff.toml) and bandit, medium severity and up.
lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r committees portal config.py wsgi.py -ll

# The suite runs on every core (pytest-xdist; each worker has its own database; a test file stays on one worker, so
# module fixtures and the shared demo load are built once). TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
test: dev-venv
	$(VENV)/bin/pybabel -q compile -d portal/translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The benchmark (README "Benchmark"): make bench [SCALE=10] [DB=sqlite|postgresql] [BENCH_ARGS="--parts pages"]
SCALE ?= 10
DB ?= sqlite
bench: dev-venv translations
	$(PY) -m bench --scale $(SCALE) --db $(DB) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
