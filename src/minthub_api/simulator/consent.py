"""Simulated Seller Central consent: website flow and the Appstore callback (SPAPI-NOTES §1-2).

``GET /apps/authorize/consent`` shows a plain HTML page (no JavaScript; drivable with curl/httpx)
whose form posts to ``POST /apps/authorize/consent``. Approval redirects (302) to the redirect URI
with ``state``, ``selling_partner_id`` and ``spapi_oauth_code``; denial with
``error=access_denied``. ``GET /apps/authorize/confirm/{application_id}`` is the
``amazon_callback_uri`` of the Appstore flow (see ``/_sim/appstore/start`` in hooks.py).
Browser errors use Amazon's codes: MD1000 (draft app without version=beta), MD5101 (redirect URI
not registered), MD5100 (no redirect URI configured).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .spapi import sim_state
from .state import SimState

router = APIRouter()

SELLER_ID = re.compile(r"^A[0-9A-Z]{9,15}$")
DATA_ACCESS = ["Inventory and Order Tracking", "Product Listing",
               "Amazon Fulfillment (FBA inventory)", "No buyer personal information (PII)"]


class ConsentError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def demo_seller_id(seed: int) -> str:
    """The pre-filled selling partner id: 14 upper-case alphanumerics starting with A."""
    return f"A1MINTHUB{seed % 100000:05d}"


def add_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def redirect_allowed(state: SimState, uri: str) -> bool:
    if uri in state.config.redirect_uris:
        return True
    parts = urlsplit(uri)
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")


def check_request(state: SimState, application_id: str, version: str | None,
                  redirect_uri: str | None, oauth_state: str | None) -> str:
    """Validate a consent request as Seller Central does; returns the redirect URI to use."""
    if application_id != state.config.application_id:
        raise ConsentError(f"The application ID '{application_id}' is not valid.")
    if state.config.draft_app and version != "beta":
        raise ConsentError("This application is in Draft status: add version=beta to the "
                           "authorization URI to test it.", "MD1000")
    if not oauth_state:
        raise ConsentError("The state parameter is missing.")
    if redirect_uri:
        if not redirect_allowed(state, redirect_uri):
            raise ConsentError(f"The redirect URI '{redirect_uri}' is not registered for this "
                               "application.", "MD5101")
        return redirect_uri
    if state.config.redirect_uris:
        return state.config.redirect_uris[0]
    raise ConsentError("No OAuth redirect URI is configured for this application.", "MD5100")


def error_page(err: ConsentError) -> HTMLResponse:
    code = f"<p>Error code: <strong>{err.code}</strong></p>" if err.code else ""
    return HTMLResponse(_page("Authorization error",
                              f"<p>{html.escape(err.message)}</p>{code}"), status_code=400)


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            "</head><body style='font-family:sans-serif;max-width:40em;margin:2em auto'>"
            "<p><em>Simulated Amazon Seller Central (Mint Hub test double), not Amazon.</em></p>"
            f"<h1>{title}</h1>{body}</body></html>")


def consent_page(state: SimState, fields: dict[str, str], error: str = "") -> str:
    hidden = "".join(
        f"<input type=hidden name={k} value='{html.escape(fields.get(k, ''), quote=True)}'>"
        for k in ("application_id", "state", "redirect_uri", "version"))
    seller = fields.get("selling_partner_id") or demo_seller_id(state.config.seed)
    access = "".join(f"<li>{html.escape(item)}</li>" for item in DATA_ACCESS)
    problem = f"<p style='color:#b00'>{html.escape(error)}</p>" if error else ""
    return _page("Authorize application", (
        f"<p>Application <code>{html.escape(fields['application_id'])}</code> requests access "
        f"to your selling account.</p><p>Data access requested:</p><ul>{access}</ul>{problem}"
        f"<form method=post action='/apps/authorize/consent'>{hidden}"
        "<label>Selling partner ID: <input name=selling_partner_id "
        f"value='{html.escape(seller, quote=True)}'></label><p>"
        "<button name=decision value=approve>Confirm</button> "
        "<button name=decision value=deny>Cancel</button></p></form>"))


@router.get("/apps/authorize/consent", response_model=None)
async def show_consent(request: Request) -> HTMLResponse:
    state = sim_state(request)
    q = request.query_params
    try:
        redirect_uri = check_request(state, q.get("application_id", ""), q.get("version"),
                                     q.get("redirect_uri"), q.get("state"))
    except ConsentError as err:
        return error_page(err)
    fields = {"application_id": q["application_id"], "state": q["state"],
              "redirect_uri": redirect_uri, "version": q.get("version", "")}
    return HTMLResponse(consent_page(state, fields))


@router.post("/apps/authorize/consent", response_model=None)
async def submit_consent(request: Request) -> Response:
    state = sim_state(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        redirect_uri = check_request(state, form.get("application_id", ""), form.get("version"),
                                     form.get("redirect_uri"), form.get("state"))
    except ConsentError as err:
        return error_page(err)
    decision = form.get("decision")
    if decision == "deny":
        return RedirectResponse(add_query(redirect_uri, {
            "state": form["state"], "error": "access_denied",
            "error_description": "The selling partner denied the authorization request."}),
            status_code=302)
    seller = form.get("selling_partner_id", "").strip()
    if decision != "approve" or not SELLER_ID.match(seller):
        message = ("Choose Confirm or Cancel." if decision != "approve" else
                   "The selling partner ID must be 10-16 upper-case letters/digits starting "
                   "with A.")
        return HTMLResponse(consent_page(state, form, message), status_code=400)
    code = state.issue_code(seller, redirect_uri)
    return RedirectResponse(add_query(redirect_uri, {
        "state": form["state"], "selling_partner_id": seller, "spapi_oauth_code": code}),
        status_code=302)


@router.get("/apps/authorize/confirm/{application_id}", response_model=None)
async def confirm_appstore(request: Request, application_id: str) -> Response:
    """``amazon_callback_uri`` of the Appstore flow: behaves like approving the consent."""
    state = sim_state(request)
    q = request.query_params
    try:
        redirect_uri = check_request(state, application_id, q.get("version"),
                                     q.get("redirect_uri"), q.get("state"))
        seller = state.take_amazon_state(q.get("amazon_state", ""))
        if seller is None:
            raise ConsentError("The amazon_state is missing, unknown, used or expired.")
    except ConsentError as err:
        return error_page(err)
    code = state.issue_code(seller, redirect_uri)
    return RedirectResponse(add_query(redirect_uri, {
        "state": q["state"], "selling_partner_id": seller, "spapi_oauth_code": code}),
        status_code=302)
