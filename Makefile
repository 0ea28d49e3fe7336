# The two quick-start commands: `make demo` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := python3 -m uv

.PHONY: demo test setup lint openapi frontend frontend-deps frontend-check frontend-client

setup:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet

demo: setup
	@if [ ! -f frontend/dist/index.html ]; then \
	  if command -v npm >/dev/null; then $(MAKE) --no-print-directory frontend; \
	  else echo "npm not found: serving the API without the web app (install Node.js 20+ and rerun)"; fi; \
	fi
	$(UV) run minthub-api demo

lint: setup
	$(UV) run ruff check src tests scripts bench
	$(UV) run mypy
	$(UV) run hadolint Dockerfile

test: setup lint frontend-check frontend
	MINTHUB_BROWSER_TESTS=required $(UV) run pytest

openapi: setup
	$(UV) run python scripts/export_openapi.py

# --- Web app (frontend/) ---------------------------------------------------------------------
# Installs exactly what frontend/package-lock.json records, from the npm registry.
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend-deps: frontend/node_modules/.package-lock.json

# Build the app that `minthub-api serve` serves (frontend/dist).
frontend: frontend-deps
	cd frontend && npm run build

# Generated client up to date with openapi/openapi.json, type-check, lint, component tests.
frontend-check: frontend-deps
	cd frontend && npm run check

# Regenerate the typed API client after `make openapi`.
frontend-client: frontend-deps
	cd frontend && npm run client:generate
