"""Minimal server-rendered pages until the React app (frontend/) takes over these paths."""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer"><title>{title} · Mint Hub Operations</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem}}
code{{background:#f3f3f3;padding:0 .25rem}}</style></head><body>{body}</body></html>"""


def page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(title=html.escape(title), body=body),
        status_code=status_code,
        headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"},
    )


@router.get("/")
async def home() -> HTMLResponse:
    return page(
        "Welcome",
        "<h1>Mint Hub Operations</h1><p>The operations workspace for Amazon sellers.</p>"
        "<p>API: <a href='/api/docs'>/api/docs</a> · OpenAPI: "
        "<a href='/api/v1/openapi.json'>/api/v1/openapi.json</a></p>",
    )


@router.get("/stores/{store_id}")
async def store_page(store_id: str) -> HTMLResponse:
    sid = html.escape(store_id)
    return page(
        "Store connected",
        f"<h1>Store connected</h1><p>Store <code>{sid}</code> is connected.</p><ul>"
        f"<li><a href='/api/v1/stores/{sid}'>Store</a></li>"
        f"<li><a href='/api/v1/stores/{sid}/inventory'>FBA inventory</a></li>"
        f"<li><a href='/api/v1/stores/{sid}/orders?days=30'>Orders, last 30 days</a></li>"
        f"<li><a href='/api/v1/stores/{sid}/audit-events'>Audit trail</a></li></ul>",
    )
