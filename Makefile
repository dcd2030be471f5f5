# PainPath: the two quick-start commands are `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MEDIAPIPE := mediapipe==0.10.14
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export PAINPATH_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test check venv chromium pose-heavy serve lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[pose,test]'
	@# mediapipe's declared deps pull jax and pin old numpy; pose needs neither (see VERIFIED-FACTS)
	$(BIN)/pip install -q --no-deps $(MEDIAPIPE)
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

## make pose-heavy: optional BlazePose heavy landmark model for `--backend litert-heavy`, from the
## npm registry package @mediapipe/pose (npm pack, SHA-256 checked) into the venv's
## share/painpath/models; analysis never downloads it. Not part of `venv` (about 4 times the
## landmark CPU, a little closer on the cross-view benchmark: docs/validation/cross-view.md);
## `make test` installs it so the tests of that backend run rather than skip.
pose-heavy: $(STAMP)
	$(BIN)/painpath models install

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## make run: set up, migrate the SQLite database under ./var, seed the demo clinic, serve :8000
run: $(STAMP)
	$(BIN)/painpath db upgrade
	$(BIN)/painpath demo --if-empty
	$(BIN)/painpath serve

## make test: set up (incl. Debian chromium for browser tests) and run the whole suite, with the
## coverage floors (domain >= 95 % of branches, whole project >= 85 %)
## TEST_WORKERS: pytest-xdist processes (2 on the 2-core machines; tests that seed the demo, and the
## real-video tests, each stay on one worker: see tests/conftest.py)
TEST_WORKERS ?= 2
test: $(STAMP) chromium pose-heavy
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup \
	  --cov=painpath --cov-branch --cov-report=
	$(BIN)/coverage report --include='src/painpath/domain/*' --fail-under=$${DOMAIN_COVERAGE_FLOOR:-95} | tail -1
	$(BIN)/coverage report --fail-under=$${PROJECT_COVERAGE_FLOOR:-85} | tail -1

## make check: the static gate (format, lint, types, import contracts); `make test` runs the tests
check: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/motion.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
