# One image for `serve`, `worker` and `migrate`:
#   docker run IMAGE                       -> minthub-api serve --host 0.0.0.0
#   docker run IMAGE minthub-api migrate   -> run as a release step, not inside CMD
# The web app, built from frontend/package-lock.json (served by `minthub-api serve`).
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./
COPY openapi /openapi
RUN npm run build

FROM python:3.11-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir "uv==0.13.8"
WORKDIR /app
# Dependencies first (cached layer), from the lock file only.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra kms --no-install-project
COPY src ./src
COPY migrations ./migrations
COPY alembic.ini ./
RUN uv sync --frozen --no-dev --extra kms --no-editable

FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 minthub \
    && useradd --system --uid 10001 --gid minthub --home-dir /app --shell /usr/sbin/nologin minthub
WORKDIR /app
COPY --from=build --chown=minthub:minthub /app/.venv /app/.venv
COPY --from=build --chown=minthub:minthub /app/migrations /app/migrations
COPY --from=web --chown=minthub:minthub /web/dist /app/frontend/dist
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    MINTHUB_ENVIRONMENT=production \
    MINTHUB_MIGRATIONS_DIR=/app/migrations \
    MINTHUB_FRONTEND_DIST=/app/frontend/dist
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4).status == 200 else 1)"]
CMD ["minthub-api", "serve", "--host", "0.0.0.0", "--port", "8000"]
