# Two commands set up everything on a fresh machine (Python 3.11+, Node 20+):
#   make serve   install, then build and serve the site on http://127.0.0.1:8000/
#   make test    install (Chromium too), then run the whole test suite, strict build included
# Both install the CJK font of the Chinese plots (fonts-noto-cjk, with apt-get) when it is missing.
# The inner loop: `make test-fast`, every test but the full build and the browser (pytest -m "not site").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install fonts browser serve site test test-fast bench bench-pages bench-suite clean

# Re-install only when a pin changes.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

fonts:
	bash scripts/install-fonts.sh

browser: fonts
	bash scripts/install-browser.sh

serve: install fonts
	$(BIN)/mkdocs serve

site: install fonts
	$(BIN)/mkdocs build --strict

test: install browser
	$(BIN)/python -m pytest

# No site build, no Chromium: the snippets, the hooks, the page sources, the workflows (about a minute).
test-fast: install
	$(BIN)/python -m pytest -m "not site"

bench: install
	$(BIN)/python benchmarks/bench_reinforce_cartpole.py

# Lighthouse's mobile run on every page of both languages, served with gzip (SITE=dir: a built site).
bench-pages: install browser
	$(BIN)/python benchmarks/lighthouse_pages.py $(if $(SITE),$(SITE),--build)

# The suite at an earlier revision and now, in turns (BEFORE=commit; ROUNDS=2 by default).
bench-suite: install browser
	$(BIN)/python benchmarks/suite_time.py --before $(or $(BEFORE),$(error set BEFORE=<commit>)) --rounds $(or $(ROUNDS),2)

clean:
	rm -rf site .cache test-results
