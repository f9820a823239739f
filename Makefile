# gongkai: `make ingest` runs the main job on data/raw, `make test` runs the checks.
# Both set up .venv from the lock file first (only Python 3.11 and pip are needed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup ingest test lint lock dev mutate clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

ingest: setup
	$(BIN)/gongkai ingest

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

dev: setup
	DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/gongkai dev

# Mutation test of the gate (not run by CI; tens of minutes): mutants of pipeline/form.py and
# pipeline/quality/, each against the fast gate tests ([tool.mutmut] in pyproject.toml).
# Results stay in mutants/ (gitignored): `mutmut results`, `mutmut show NAME`; a second run resumes.
# GATE_MUTANTS: the functions that decide and explain a verdict (the non-blocking warnings' frames
# and details, Data Docs and the dashboard's cell list are left out; `make mutate GATE_MUTANTS=` runs all).
GATE_MUTANTS ?= 'pipeline.form.*' 'pipeline.quality.suites.*' \
	$(foreach f,_applying _equation_frame _wide build layouts not_printed sums staging,'pipeline.quality.frames.x_$(f)__*') \
	$(foreach f,_equation_detail _cell_detail _record _raised run _term_dims _cell_locations,'pipeline.quality.validate.x_$(f)__*')
mutate: setup
	$(BIN)/mutmut run --max-children 2 $(GATE_MUTANTS)
	$(BIN)/mutmut results --all false

lock:
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .dagster warehouse/*.duckdb warehouse/.*.duckdb
