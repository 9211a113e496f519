# `make build` builds example_site; `make test` runs every test.
# Each creates .venv and installs what it needs on a bare machine: building
# needs sitegen with the math and diagrams extras (the example shows both) and
# the flask extra (example_site/flask_shop is a plain Flask app, frozen);
# testing adds the test tools (the `test` extra).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamps carry the checksum of pyproject.toml: editing it installs afresh.
HASH := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
VENV_STAMP := $(VENV)/.created-$(HASH)
STAMP := $(VENV)/.installed-$(HASH)
TEST_STAMP := $(VENV)/.installed-test-$(HASH)
# Quiet, and without setuptools' note on editable installs (a box of
# asterisks about folders named like the package, which is this layout).
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install -q \
	--disable-pip-version-check

.PHONY: build test docs lint bench browser clean

build: $(STAMP)
	$(BIN)/sitegen build example_site
	$(BIN)/sitegen build example_site/flask_shop --app 'app:create_app()'

docs: $(STAMP)
	$(BIN)/sitegen build docs

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(TEST_STAMP)
	$(BIN)/ruff check sitegen tests bench

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py

$(VENV_STAMP): pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	touch $@

$(STAMP): $(VENV_STAMP)
	$(PIP) -e '.[math,diagrams,flask]'
	touch $@

$(TEST_STAMP): $(VENV_STAMP)
	$(PIP) -e '.[test]'
	touch $@ $(STAMP)

# The live-reload tests drive Debian's Chromium; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) example_site/build docs/build
