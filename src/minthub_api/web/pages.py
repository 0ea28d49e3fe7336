"""Minimal server-rendered pages until the React app (frontend/) takes over these paths."""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
# The e-mailed link without a built web app (which otherwise serves /invitations/accept itself).
invitation_router = APIRouter(include_in_schema=False)

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


# The invitation link's token is in the fragment (#token=...): browsers never send it to a server,
# so it stays out of access logs and Referer headers. This page reads it in the browser and posts
# it to the API; signed in (cookie) it echoes the CSRF cookie as the API requires.
_ACCEPT_SCRIPT = """
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const csrf = (document.cookie.match(/(?:^|; )minthub_csrf=([^;]*)/) || [])[1];
document.getElementById("accept").addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = document.getElementById("password").value;
  const headers = {"content-type": "application/json"};
  if (csrf) headers["X-CSRF-Token"] = decodeURIComponent(csrf);
  const r = await fetch("/api/v1/invitations/accept", {
    method: "POST", headers, credentials: "same-origin",
    body: JSON.stringify(password ? {token, password} : {token}),
  });
  const body = await r.json();
  document.getElementById("result").textContent = r.ok
    ? (body.account_created ? "Your account is ready: sign in as " + body.email + "."
                            : "Done: the invitation was added to your account.")
    : body.detail || body.title;
});
</script>"""


@invitation_router.get("/invitations/accept")
async def accept_invitation_page() -> HTMLResponse:
    return page(
        "Accept your invitation",
        "<h1>Accept your invitation</h1>"
        "<p>New here? Choose a password (at least 12 characters, not a common one) to create"
        " your account. Already have an account with this email? Sign in first and leave the"
        " password empty.</p>"
        "<form id='accept'><label>Password <input id='password' type='password'"
        " autocomplete='new-password' minlength='12'></label> <button>Accept</button></form>"
        "<p id='result' role='status'></p>" + _ACCEPT_SCRIPT,
    )
