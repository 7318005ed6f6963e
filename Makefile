# evenhand — everything from a fresh machine with only Python 3.11:
#   make run    create .venv from requirements.lock and analyse the bundled example article
#   make test   create/update .venv, then ruff, mypy and the whole pytest suite
#
# Overrides: make PYTHON=python3.11 ..., VENV=path, SHARED=../shared, PYTEST_ARGS="-m 'not slow'",
#            BENCH_ARGS="--n 200 --json out/bench.json"

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.evenhand-installed
SHARED ?= ../shared
EXAMPLE ?= examples/example_article.txt
PYTEST_ARGS ?=
BENCH_ARGS ?=
LOAD_ARGS ?=
PIP_INSTALL := $(BIN)/python -m pip install --quiet --progress-bar off

LOCK_CMD := uv pip compile pyproject.toml --extra model --extra postgres --extra ray --extra dev --generate-hashes \
	--python-version 3.11 --only-binary :all: -o requirements.lock

.PHONY: all venv run test lint bench load eval train-cues train-events lock clean

all: test

venv: $(STAMP)

# Re-runs only when the lock or pyproject.toml changes (or the venv is gone). setuptools comes
# from the lock, so the editable install needs no unpinned download (--no-build-isolation).
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || { echo "creating $(VENV) with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv $(VENV); }
	$(PIP_INSTALL) --require-hashes --only-binary :all: -r requirements.lock  # wheels, sha256-checked
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	@touch $@

run: venv
	$(BIN)/evenhand analyze $(EXAMPLE)

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: lint
	@echo "$(BIN)/pytest $(PYTEST_ARGS)"; $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	exit $$rc

# Loopback load test of the newsroom app's report submissions (locust, bounded; docs/web.md).
load: venv
	$(BIN)/python benchmarks/load_reports.py $(LOAD_ARGS)

bench: venv
	$(BIN)/python benchmarks/bench_analyze.py $(BENCH_ARGS)

eval: venv
	$(BIN)/evenhand eval quotes --gold $(SHARED)/data/quotes/polnear/dev.jsonl
	$(BIN)/evenhand eval bias --gold $(SHARED)/data/bias/babe/babe_dev.jsonl --part held-out
	$(BIN)/evenhand eval tone --gold $(SHARED)/data/bias/basil/basil_articles.jsonl
	$(BIN)/evenhand eval stories --gold $(SHARED)/data/corpus/basil_articles.jsonl
	for f in plover_gsr_cameo_manual conflibert_cameo_class petrarch2_unittest_records \
		petrarch_validate_records_140226; do \
		$(BIN)/evenhand eval events --gold $(SHARED)/data/events/$$f.jsonl || exit 1; done

# Retrains the attribution-cue scorer on PolNeAR train (see docs/model-card-quote-cues.md).
train-cues: venv
	$(BIN)/python -m evenhand.evaluation.train_cues $(SHARED)/data/quotes/polnear/train.jsonl \
		--output src/evenhand/pipeline/quote_cues.json

# Retrains the events penta-class fallback on ConfliBERT train rows (docs/model-card-events.md).
train-events: venv
	$(BIN)/python -m evenhand.events.train_penta $(SHARED)/data/events/conflibert_cameo_class.jsonl \
		--output src/evenhand/events/penta_fallback.json

# Regenerates requirements.lock (runtime deps + extras "model" and "dev", all hash-pinned).
# Uses uv from the venv, installing it there first if missing (uv itself is not locked).
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(PIP_INSTALL) uv
	$(BIN)/$(LOCK_CMD) --quiet --custom-compile-command "make lock  (= $(LOCK_CMD))"

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
