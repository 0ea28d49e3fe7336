"""In-memory state of one simulator instance: codes, tokens, page tokens, buckets, counters.

Everything time-dependent reads ``SimState.clock`` (epoch seconds) so tests can move time by
assigning a new callable (``app.state.sim.clock = lambda: t``) instead of patching.

Refresh grants are keyed by the SHA-256 of the token. With ``config.state_file`` set (the demo
sets it), they are also kept in that JSON file, so a restarted simulator still honours the
refresh tokens it issued, as Amazon does; the file never holds a token itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .catalogue import Sku, build_catalogue, build_inventory
from .config import SimulatorConfig
from .orders_data import OrderSeed, build_orders
from .reports_data import SimDocument, SimReport, is_supported_locale
from .usage_plans import UsagePlans

AUTH_CODE_TTL = 300.0  # 5 minutes (../shared/SPAPI-NOTES.md §1.2)
ACCESS_TOKEN_TTL = 3600  # expires_in (§1.3); real seconds, independent of time_scale
AMAZON_STATE_TTL = 600.0


@dataclass
class AuthCode:
    selling_partner_id: str
    redirect_uri: str
    client_id: str
    expires_at: float
    used: bool = False


@dataclass
class RefreshGrant:
    selling_partner_id: str | None  # None for client_credentials (grantless) tokens
    revoked: bool = False


@dataclass
class AccessGrant:
    selling_partner_id: str | None
    expires_at: float
    refresh_token: str | None
    scope: str | None = None
    expired: bool = False  # forced by the expired_token fault


@dataclass
class PageToken:
    selling_partner_id: str
    operation: str
    offset: int
    expires_at: float
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    # "status" | "timeout" | "malformed_json" | "expired_token" | "truncated_gzip"
    # (getReportDocument: the next download of that document is cut in half) | "fatal_report"
    # (createReport: the report ends FATAL)
    kind: str
    status: int = 500
    seconds: float = 0.0
    selling_partner_id: str | None = None  # None: applies to whichever seller calls next


@dataclass
class CallCount:
    calls: int = 0
    throttled: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


class SimState:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.clock: Callable[[], float] = time.time
        self.codes: dict[str, AuthCode] = {}
        self.refresh_tokens: dict[str, RefreshGrant] = {}
        # Every refresh token issued by this process, for the secret-scan test hook only
        # (memory only, never persisted).
        self.issued_refresh_tokens: list[str] = []
        self.access_tokens: dict[str, AccessGrant] = {}
        self.amazon_states: dict[str, tuple[str, float]] = {}
        self.page_tokens: dict[str, PageToken] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.usage_plans = UsagePlans(config.time_scale, config.enforce_usage_plans)
        self.spapi_calls: dict[str, dict[str, CallCount]] = defaultdict(dict)
        self.lwa_grants: dict[str, int] = defaultdict(int)
        self.lwa_errors: dict[str, int] = defaultdict(int)
        self._catalogues: dict[str, list[Sku]] = {}
        self._inventories: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._orders: dict[str, list[OrderSeed]] = {}
        self._load_grants()
        self.reports: dict[str, SimReport] = {}
        self.documents: dict[str, SimDocument] = {}
        self.languages: dict[str, str] = {}  # Seller Central language by seller
        # Sellers who fulfil everything themselves (no FBA): no FBA inventory, so FBA reports
        # (inventory, restock) have no data and end CANCELLED.
        self.mfn_only: set[str] = set(config.mfn_only_sellers)
        # Listing price revision by seller (test hook `reprice`): listings_data.listing_price.
        self.price_revisions: dict[str, int] = defaultdict(int)
        for entry in config.seller_languages:
            seller, _, language = entry.partition("=")
            self.set_language(seller.strip(), language.strip())

    def now(self) -> float:
        return self.clock()

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # --- seller data (deterministic, generated lazily, cached) --------------------------------
    def catalogue(self, selling_partner_id: str) -> list[Sku]:
        if selling_partner_id not in self._catalogues:
            self._catalogues[selling_partner_id] = build_catalogue(
                self.config.seed, selling_partner_id, self.config.skus_per_seller
            )
        return self._catalogues[selling_partner_id]

    def inventory(self, selling_partner_id: str, marketplace_id: str) -> list[dict[str, Any]]:
        if selling_partner_id in self.mfn_only:
            return []  # not enrolled in FBA: no Amazon-held stock anywhere
        key = (selling_partner_id, marketplace_id)
        if key not in self._inventories:
            self._inventories[key] = build_inventory(
                self.config.seed,
                selling_partner_id,
                marketplace_id,
                self.catalogue(selling_partner_id),
            )
        return self._inventories[key]

    def orders(self, selling_partner_id: str) -> list[OrderSeed]:
        if selling_partner_id not in self._orders:
            self._orders[selling_partner_id] = build_orders(
                self.config.seed,
                selling_partner_id,
                self.config.orders_per_seller,
                self.catalogue(selling_partner_id),
            )
        return self._orders[selling_partner_id]

    def set_language(self, selling_partner_id: str, language: str) -> None:
        """Set a seller's Seller Central language (ValueError unless e.g. ``de_DE``)."""
        if not selling_partner_id or not is_supported_locale(language):
            raise ValueError(f"unsupported Seller Central language {language!r}")
        self.languages[selling_partner_id] = language

    def language(self, selling_partner_id: str) -> str:
        return self.languages.get(selling_partner_id, "en_US")

    # --- LWA ---------------------------------------------------------------------------------
    def issue_code(self, selling_partner_id: str, redirect_uri: str) -> str:
        # Amazon's codes are short opaque strings (e.g. "ANdNAVhyhqirUelHGEHA").
        code = "".join(
            secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            for _ in range(20)
        )
        self.codes[code] = AuthCode(
            selling_partner_id, redirect_uri, self.config.client_id, self.now() + AUTH_CODE_TTL
        )
        return code

    def issue_tokens(
        self,
        selling_partner_id: str | None,
        refresh_token: str | None = None,
        scope: str | None = None,
    ) -> tuple[str, str | None]:
        if refresh_token is None and selling_partner_id is not None:
            refresh_token = "Atzr|" + secrets.token_urlsafe(96)
            self.refresh_tokens[_digest(refresh_token)] = RefreshGrant(selling_partner_id)
            self.issued_refresh_tokens.append(refresh_token)
            self._save_grants()
        access = "Atza|" + secrets.token_urlsafe(96)
        self.access_tokens[access] = AccessGrant(
            selling_partner_id, self.now() + ACCESS_TOKEN_TTL, refresh_token, scope
        )
        return access, refresh_token

    def access_grant(self, token: str) -> AccessGrant | None:
        """The live grant behind an access token, or None if unknown/expired/revoked."""
        grant = self.access_tokens.get(token)
        if grant is None or grant.expired or grant.expires_at <= self.now():
            return None
        if grant.refresh_token is not None:
            parent = self.refresh_grant(grant.refresh_token)
            if parent is None or parent.revoked:
                return None
        return grant

    def revoke_seller(self, selling_partner_id: str) -> int:
        """Invalidate every refresh and access token of a seller (seller removed the app)."""
        count = 0
        for grant in self.refresh_tokens.values():
            if grant.selling_partner_id == selling_partner_id and not grant.revoked:
                grant.revoked = True
                count += 1
        for access in self.access_tokens.values():
            if access.selling_partner_id == selling_partner_id:
                access.expired = True
        self._save_grants()
        return count

    def refresh_grant(self, refresh_token: str) -> RefreshGrant | None:
        return self.refresh_tokens.get(_digest(refresh_token))

    def _load_grants(self) -> None:
        path = self.config.state_file
        if not path or not Path(path).exists():
            return
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        for digest, grant in saved.get("refresh_grants", {}).items():
            self.refresh_tokens[digest] = RefreshGrant(
                grant["selling_partner_id"], grant["revoked"]
            )

    def _save_grants(self) -> None:
        path = self.config.state_file
        if not path:
            return
        data = {
            "refresh_grants": {
                digest: {"selling_partner_id": g.selling_partner_id, "revoked": g.revoked}
                for digest, g in self.refresh_tokens.items()
                if g.selling_partner_id is not None
            }
        }
        tmp = Path(f"{path}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)  # atomic: a crash never leaves half a file

    def new_amazon_state(self, selling_partner_id: str) -> str:
        value = secrets.token_urlsafe(24)
        self.amazon_states[value] = (selling_partner_id, self.now() + AMAZON_STATE_TTL)
        return value

    def take_amazon_state(self, value: str) -> str | None:
        entry = self.amazon_states.pop(value, None)
        if entry is None or entry[1] <= self.now():
            return None
        return entry[0]

    # --- pagination --------------------------------------------------------------------------
    def issue_page_token(
        self,
        selling_partner_id: str,
        operation: str,
        offset: int,
        ttl: float,
        context: dict[str, Any] | None = None,
    ) -> str:
        now = self.now()
        for key in [k for k, v in self.page_tokens.items() if v.expires_at <= now]:
            del self.page_tokens[key]
        # Real tokens are standard base64 with '+', '/' and '=' (SPAPI-NOTES §9.2); ours always
        # contain all three so a client that forgets (or doubles) URL-encoding fails here too.
        raw = secrets.token_bytes(18) + b"\xfb\xef\xbe\xff\xff\xff" + secrets.token_bytes(1)
        token = base64.b64encode(raw).decode("ascii")
        self.page_tokens[token] = PageToken(
            selling_partner_id, operation, offset, now + ttl, dict(context or {})
        )
        return token

    # --- counters ----------------------------------------------------------------------------
    def count_call(self, selling_partner_id: str, operation: str, status: int) -> None:
        entry = self.spapi_calls[selling_partner_id].setdefault(operation, CallCount())
        entry.calls += 1
        if status == 429:
            entry.throttled += 1
        entry.statuses[str(status)] = entry.statuses.get(str(status), 0) + 1

    def calls_snapshot(self) -> dict[str, Any]:
        return {
            "spapi": {
                spid: {
                    op: {"calls": c.calls, "throttled": c.throttled, "statuses": dict(c.statuses)}
                    for op, c in ops.items()
                }
                for spid, ops in self.spapi_calls.items()
            },
            "lwa": dict(self.lwa_grants),
            "lwa_errors": dict(self.lwa_errors),
        }

    def reset_calls(self) -> None:
        self.spapi_calls.clear()
        self.lwa_grants.clear()
        self.lwa_errors.clear()

    def take_fault(self, operation: str, selling_partner_id: str) -> Fault | None:
        queue = self.faults.get(operation)
        if not queue:
            return None
        for fault in queue:
            if fault.selling_partner_id in (None, selling_partner_id):
                queue.remove(fault)
                return fault
        return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
