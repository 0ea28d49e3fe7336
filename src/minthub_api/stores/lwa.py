"""This installation's LWA client: counts refreshes and survives client-secret rotation.

Amazon makes apps rotate the LWA client secret every 180 days; the old secret keeps working
for 7 days after a new one is generated (../shared/SPAPI-NOTES.md §3.4). With
MINTHUB_LWA_CLIENT_SECRET_NEXT set, an `invalid_client` answer to the current secret is retried
once with the next one, which is used from then on (and reported by /api/v1/ready).
`invalid_client` never says anything about a store: it is never treated as a revocation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog

from minthub_api.amazon.errors import LwaError, LwaInvalidClient
from minthub_api.amazon.lwa import AccessToken, LwaClient, LwaTokens
from minthub_api.health.metrics import Metrics

log = structlog.get_logger("minthub.amazon.lwa")
T = TypeVar("T")


class AppLwaClient(LwaClient):
    def __init__(self, *args: Any, next_client_secret: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_client_secret = next_client_secret
        self.credential_slot = "current"
        self.metrics: Metrics | None = None

    async def exchange_code(self, code: str, redirect_uri: str) -> LwaTokens:
        return await self._with_rotation(
            lambda: super(AppLwaClient, self).exchange_code(code, redirect_uri)
        )

    async def refresh(self, refresh_token: str) -> AccessToken:
        try:
            token = await self._with_rotation(
                lambda: super(AppLwaClient, self).refresh(refresh_token)
            )
        except LwaError as exc:
            self._count(exc.error or type(exc).__name__)
            raise
        self._count("ok")
        return token

    async def _with_rotation(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await call()
        except LwaInvalidClient:
            if not self._next_client_secret or self.credential_slot == "next":
                self._credentials_valid(False)
                log.error("amazon.lwa.invalid_client", slot=self.credential_slot)
                raise
            # The current secret expired or was rotated away: switch to the next one for good.
            self._client_secret = self._next_client_secret
            self.credential_slot = "next"
            log.warning("amazon.lwa.switched_to_next_secret")
            try:
                result = await call()
            except LwaInvalidClient:
                self._credentials_valid(False)
                log.error("amazon.lwa.invalid_client", slot=self.credential_slot)
                raise
        self._credentials_valid(True)
        return result

    def _credentials_valid(self, valid: bool) -> None:
        if self.metrics:
            self.metrics.lwa_credentials_valid.set(1 if valid else 0)

    def _count(self, outcome: str) -> None:
        if self.metrics:
            self.metrics.token_refreshes.labels(outcome=outcome).inc()

    def client_secret_for_checks(self) -> str:
        """The secret in use now, for the readiness probe's grantless request."""
        return self._client_secret
