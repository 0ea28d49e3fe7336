"""Serves the built React app (frontend/dist) from the API's origin, under a strict CSP.

One origin keeps the session cookie and CSRF simple. Every path that is not under /api and not a
built file answers with index.html, so client-side routes such as /stores/{id} (where the OAuth
callback lands) work on reload. Hashed assets are cached for a year; index.html never.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from starlette.convertors import Convertor, register_url_convertor

from minthub_api.core.errors import NotFound

# No third-party origin anywhere: scripts, styles, fonts, images and API calls are same-origin
# (the seed promises no data leaves the workspace). No 'unsafe-inline': Vite emits no inline
# script, and React sets style properties through the CSSOM, which CSP allows.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_HASHED = re.compile(r"-[A-Za-z0-9_-]{8}\.(?:js|css)$")


class _ClientPath(Convertor[str]):
    """Any path except the API's: /api/... keeps its problem-document 404s and 405s."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("spa", _ClientPath())


def default_dist() -> Path:
    return Path(__file__).resolve().parents[3] / "frontend" / "dist"


def resolve_dist(configured: Path | None) -> Path | None:
    dist = configured or default_dist()
    return dist if (dist / "index.html").is_file() else None


def build_router(dist: Path) -> APIRouter:
    root = dist.resolve()
    router = APIRouter(include_in_schema=False)

    def file_response(path: Path, **headers: str) -> FileResponse:
        return FileResponse(path, headers={**SECURITY_HEADERS, **headers})

    @router.api_route("/{path:spa}", methods=["GET", "HEAD"])
    async def spa(path: str) -> Response:
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            cache = (
                "public, max-age=31536000, immutable"
                if _HASHED.search(candidate.name)
                else "public, max-age=3600"
            )
            return file_response(candidate, **{"Cache-Control": cache})
        if path.startswith("assets/"):
            raise NotFound("No such file.")
        return file_response(root / "index.html", **{"Cache-Control": "no-cache"})

    return router


def mount(app: FastAPI, configured: Path | None) -> bool:
    """Adds the SPA routes when a build exists; returns whether it did."""
    dist = resolve_dist(configured)
    if dist is None:
        return False
    app.include_router(build_router(dist))
    app.state.frontend_dist = dist
    return True
