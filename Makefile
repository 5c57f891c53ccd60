# cityweave: `make run` serves the demo city, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := cityweave/static/vendor
export CITYWEAVE_DATA ?= $(CURDIR)/var
# `make run PORT=8080` serves elsewhere; so does CITYWEAVE_PORT in the environment.
PORT ?= $(or $(CITYWEAVE_PORT),8000)

.PHONY: run test lint format static install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --progress-bar on --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing cityweave and its dependencies into $(VENV) (a minute or two the first time)…"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $@

install: $(VENV)/.installed $(VENDOR)/.built

# Tom Select (the search-as-you-type pickers) comes with the source maps its minified files name.
$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js* node_modules/tom-select/dist/css/tom-select.min.css* $(VENDOR)/
	touch $@

static: $(VENDOR)/.built

# The server, with a background worker beside it (the network analysis runs there); both stop together.
# Links in emails and the survey links to copy name this server (CITYWEAVE_URL, unless set already).
run: install
	$(BIN)/cityweave migrate --noinput
	$(BIN)/cityweave demo --if-empty
	export CITYWEAVE_URL="$${CITYWEAVE_URL:-http://127.0.0.1:$(PORT)}"; $(BIN)/cityweave worker --verbosity 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(BIN)/cityweave serve --port $(PORT)

test: install
	$(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cityweave
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
