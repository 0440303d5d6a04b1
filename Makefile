# The README documents two commands: `make demo` and `make test`.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BIN := .venv/bin
step = @printf '\n==> %s\n' "$(1)"

.PHONY: help bootstrap chromium demo serve test check fmt

help:
	@echo "make demo   - set up, then run the demo"
	@echo "make test   - set up, then format check, lint, type check and all tests (incl. e2e)"
	@echo "make check  - format check, lint, type check, import contracts only"
	@echo "make serve  - set up, then run the server"
	@echo "make fmt    - reformat and apply lint autofixes"

bootstrap:
	@scripts/bootstrap

chromium:
	@scripts/ensure-chromium

demo: bootstrap
	$(BIN)/peer-rounds demo

serve: bootstrap
	$(BIN)/peer-rounds serve

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

test: check chromium
	$(call step,pytest)
	@# pytest exits 5 when it collected no tests: that is a failure here.
	@rc=0; $(BIN)/pytest || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

fmt: bootstrap
	$(BIN)/ruff format
	$(BIN)/ruff check --fix
