# The README documents `make demo`, `make test` and `make test-fast`.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BIN := .venv/bin
step = @printf '\n==> %s\n' "$(1)"

# Compiled bytecode is kept outside the tree, shared with the servers the tests start
# (tests/support/live_server.py) and `make serve`; scripts/bootstrap compiles app/ into it:
# where PYTHONDONTWRITEBYTECODE is set, every run would compile every import again, some 8 s
# of CPU before the first test.
WITH_PYCACHE := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="$${TMPDIR:-/tmp}/peer-rounds-pycache"
PYTEST := $(WITH_PYCACHE) $(BIN)/pytest
# pytest exits 5 when it collected no tests: that is a failure here.
pytest = @rc=0; $(PYTEST) $(1) || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "make $@: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc
# The fast lane: engine, store on SQLite, API and pages in-process, templates (the markers are
# given in tests/conftest.py).
FAST_TESTS := not e2e and not services and not slow

.PHONY: help bootstrap chromium nginx demo serve test test-fast check fmt messages

help:
	@echo "make demo      - set up, then run the demo"
	@echo "make test      - set up, then format check, lint, type check and all tests (incl. e2e)"
	@echo "make test-fast - set up, then the tests without browser, services or processes (< 60 s)"
	@echo "make check     - format check, lint, type check, import contracts only"
	@echo "make serve     - set up, then run the server"
	@echo "make fmt       - reformat and apply lint autofixes"
	@echo "make messages  - gather the words to translate into app/locales (docs/translating.md)"

bootstrap:
	@scripts/bootstrap

chromium:
	@scripts/ensure-chromium

# The reverse-proxy test runs deploy/nginx.conf in Debian's nginx.
nginx:
	@scripts/ensure-nginx

demo: bootstrap
	$(WITH_PYCACHE) $(BIN)/peer-rounds demo

serve: bootstrap
	$(WITH_PYCACHE) $(BIN)/peer-rounds serve

# Steps run strictly in order and stop at the first failure.
check: bootstrap
	$(call step,ruff format --check)
	$(BIN)/ruff format --check
	$(call step,ruff check)
	$(BIN)/ruff check
	$(call step,mypy (strict))
	$(BIN)/mypy
	$(call step,import contracts (lint-imports))
	$(BIN)/lint-imports

test: check chromium nginx
	$(call step,pytest)
	$(call pytest)

test-fast: bootstrap
	$(call step,pytest -m "$(FAST_TESTS)")
	$(call pytest,-m "$(FAST_TESTS)")

fmt: bootstrap
	$(BIN)/ruff format
	$(BIN)/ruff check --fix

# The words to translate, gathered from the code and templates into the catalog template, and
# every language's catalog brought up to date with it (new words empty, for its translator).
messages: bootstrap
	$(BIN)/pybabel extract -F babel.cfg -k translatable -k Words --no-location --sort-output \
		--project "Peer Rounds" --copyright-holder "Peer Rounds" -o app/locales/messages.pot .
	$(BIN)/pybabel update -i app/locales/messages.pot -d app/locales --no-fuzzy-matching --ignore-obsolete
