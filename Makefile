# conflictmap: `make run` starts the dashboard on the bundled data; `make test` runs the tests.
# Both create a virtual environment in .venv and install into it; nothing touches the system Python.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test install install-dev assets store lint format bench clean

$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime assets

install-dev: $(VENV)/.dev assets

# Leaflet, its plugins and jQuery for offline maps: fetched from the npm registry, never committed.
assets:
	@if [ -f dashboard/static/package.json ]; then \
	  cd dashboard/static && npm ci --silent --no-audit --no-fund && npm run --silent vendor; \
	fi

# The default store, built from the hand-coded reports in data/events/ when it does not exist yet.
store: $(VENV)/.runtime
	@test -f data/conflictmap.gpkg || $(BIN)/conflictmap init

run: install store
	$(BIN)/streamlit run dashboard/server.py --server.port $(PORT)

test: install-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The quick benchmarks; the million-event runs are `python -m benchmarks.bench_scale` (default
# sizes) and `python -m benchmarks.bench_postgis` with a server (see README).
bench: install-dev
	$(BIN)/python -m benchmarks.bench_extract
	$(BIN)/python -m benchmarks.bench_import
	$(BIN)/python -m benchmarks.bench_scale --sizes 10000 100000 --csv benchmarks/results/scale-quick.csv

clean:
	rm -rf $(VENV) dashboard/static/node_modules dashboard/static/vendor .pytest_cache
