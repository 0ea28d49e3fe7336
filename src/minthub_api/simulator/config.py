"""Configuration of the simulated Amazon (LWA + Seller Central consent + SP-API)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ENV_PREFIX = "MINTHUB_SIM_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass
class SimulatorConfig:
    """Knobs of the simulator; every field can be set from ``MINTHUB_SIM_<FIELD>``."""

    client_id: str = "amzn1.application-oa2-client.minthubdemo"
    client_secret: str = "minthub-demo-secret"  # noqa: S105 - the demo secret it accepts
    application_id: str = "amzn1.sp.solution.minthub-demo"
    base_url: str = "http://127.0.0.1:8001"  # its own public URL
    draft_app: bool = True  # consent URL without version=beta -> error page MD1000
    skus_per_seller: int = 120  # deterministic catalogue size
    orders_per_seller: int = 300  # orders spread over the last 90 days
    seed: int = 7
    time_scale: float = 1.0  # usage plans refill N times faster
    enforce_usage_plans: bool = True
    # Registered OAuth redirect URIs besides the always-allowed http://127.0.0.1:* and
    # http://localhost:*; the first one is used when the consent URL omits redirect_uri.
    redirect_uris: list[str] = field(default_factory=list)
    # Seller Central language per seller, "SPID=ja_JP" (env: comma-separated). Report documents
    # then have localized headers, number/date formats and the marketplace charset unless the
    # request asks for preferredReportDocumentLocale. Unlisted sellers use en_US.
    seller_languages: list[str] = field(default_factory=list)
    # Sellers not enrolled in FBA (env: comma-separated ids): no FBA inventory; their FBA
    # reports (inventory, restock) end CANCELLED. Hook: /_sim/sellers/{spid}/fulfillment.
    mfn_only_sellers: list[str] = field(default_factory=list)
    # JSON file keeping issued refresh grants (token hashes) across restarts; "" = memory only.
    state_file: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SimulatorConfig:
        """Build a config from ``MINTHUB_SIM_<FIELD>`` variables (lists comma-separated).

        Raises ValueError for values that don't parse (e.g. ``MINTHUB_SIM_SEED=abc``).
        """
        env = os.environ if environ is None else environ
        defaults = cls()
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _convert(f.name, raw, getattr(defaults, f.name))
        return cls(**values)


def _convert(name: str, raw: str, default: object) -> object:
    # Convert by the type of the default value: the dataclass annotations are strings here.
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{ENV_PREFIX}{name.upper()}: expected a boolean, got {raw!r}")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw
