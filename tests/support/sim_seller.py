"""Connect a seller to the simulated Amazon without the product: consent + LWA code exchange."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from minthub_api.amazon import LwaClient
from minthub_api.simulator import SimulatorConfig

REDIRECT = "http://127.0.0.1:5173/amazon/callback"  # 127.0.0.1:* is always allowed


async def connect_seller(
    http: httpx.AsyncClient, base_url: str, config: SimulatorConfig, selling_partner_id: str
) -> str:
    """Approve the consent page as `selling_partner_id`; returns the refresh token."""
    answer = await http.post(
        f"{base_url}/apps/authorize/consent",
        data={
            "application_id": config.application_id,
            "state": "s",
            "redirect_uri": REDIRECT,
            "version": "beta",
            "selling_partner_id": selling_partner_id,
            "decision": "approve",
        },
    )
    assert answer.status_code == 302, answer.text
    code = parse_qs(urlsplit(answer.headers["location"]).query)["spapi_oauth_code"][0]
    lwa = LwaClient(
        http,
        token_url=f"{base_url}/auth/o2/token",
        client_id=config.client_id,
        client_secret=config.client_secret,
    )
    tokens = await lwa.exchange_code(code, REDIRECT)
    return tokens.refresh_token
