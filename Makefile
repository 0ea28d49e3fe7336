# The two quick-start commands: `make demo` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := python3 -m uv

.PHONY: demo test setup lint openapi

setup:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet

demo: setup
	$(UV) run minthub-api demo

lint: setup
	$(UV) run ruff check src tests scripts bench
	$(UV) run mypy
	$(UV) run hadolint Dockerfile

test: setup lint
	$(UV) run pytest

openapi: setup
	$(UV) run python scripts/export_openapi.py
