"""Settings, read from the environment with the `MINTHUB_` prefix (see `.env.example`).

The variable names are a contract with operators and scripts: add new ones, never rename.
`get_settings()` is cached and called from `create_app()` and the CLI, never at import time.
"""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_MARKERS = ("changethis", "change-me", "changeme", "placeholder", "example")

DEFAULT_LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"  # noqa: S105 - a URL


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class LogFormat(StrEnum):
    auto = "auto"  # console in development, JSON otherwise
    console = "console"
    json = "json"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MINTHUB_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.development

    # Database. Unset: `minthub-api demo` starts an embedded PostgreSQL in `data_dir`.
    database_url: str | None = None
    migration_database_url: str | None = None
    data_dir: Path = Path(".minthub-data")
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    # Seconds a request waits for a pooled connection before failing (503-class error).
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0, le=300)

    # Where the product is reachable by the seller's browser; base of the OAuth redirect URI.
    public_url: str = "http://127.0.0.1:8000"

    # Login with Amazon / SP-API application (SPAPI-NOTES.md §1).
    lwa_client_id: str = ""
    lwa_client_secret: SecretStr = SecretStr("")
    # During an LWA secret rotation (SPAPI-NOTES §3.4): the new secret, tried when the current
    # one answers invalid_client; the working one is used from then on and shown in /ready.
    lwa_client_secret_next: SecretStr = SecretStr("")
    lwa_token_url: str = DEFAULT_LWA_TOKEN_URL
    spapi_application_id: str = ""
    spapi_app_draft: bool = False  # adds version=beta to consent URLs while the app is a draft
    seller_central_url: str | None = None  # overrides the per-region Seller Central host
    spapi_endpoint: str | None = None  # overrides the per-region SP-API host
    spapi_sandbox: bool = False
    http_timeout_seconds: float = Field(default=30.0, gt=0)
    http_connect_timeout_seconds: float = Field(default=10.0, gt=0)
    # Outbound HTTP pool per process (Amazon, LWA): open connections, and idle ones kept.
    http_max_connections: int = Field(default=100, ge=1, le=10000)
    http_max_keepalive_connections: int = Field(default=20, ge=0, le=10000)

    # Key-encryption key for refresh tokens: base64 of 32 random bytes.
    token_kek: SecretStr = SecretStr("")
    token_kek_id: str = "local-1"  # noqa: S105 - a key id, not a key
    # Retired KEKs still needed to unwrap data keys until `minthub-api keys rotate` re-wrapped
    # them: comma-separated `id=base64` pairs.
    token_kek_previous: SecretStr = SecretStr("")
    # Where key-encryption keys live: `local` (the keys above) or `aws-kms` (a KMS symmetric key,
    # the `kms` extra). With aws-kms the local keys still unwrap data keys they wrapped (so
    # `keys rotate` moves them into KMS) and MINTHUB_TOKEN_KEK still signs audit checkpoints.
    key_provider: Literal["local", "aws-kms"] = "local"
    kms_key_id: str = ""  # key id, ARN, alias name or alias ARN
    kms_region: str | None = None  # default: the AWS SDK's (AWS_REGION)
    kms_endpoint_url: str | None = None  # e.g. a VPC endpoint

    # Sessions.
    session_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)

    # Prometheus /metrics: bearer token required when set; loopback-only when empty.
    metrics_token: SecretStr = SecretStr("")
    # Audit trail: events older than this many months are removed by `minthub-api audit
    # retention` (up to a signed checkpoint). Amazon requires at least 12 months.
    audit_retention_months: int = Field(default=13, ge=12, le=1200)
    # Accounts and access (issue 3). Idle expiry of a session (absolute: session_ttl_hours).
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # TOTP multi-factor authentication before store data; false only for demo and local use.
    require_mfa: bool = True
    # Beta access gate for connecting stores while the app is in Amazon's review.
    beta_gate: bool = True
    # Login throttling: failures per account / per client address within the window -> 429.
    login_max_failures_per_account: int = Field(default=5, ge=1, le=1000)
    login_max_failures_per_address: int = Field(default=30, ge=1, le=100000)
    login_throttle_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Public beta-request form: requests per client address per hour.
    beta_requests_per_address_per_hour: int = Field(default=5, ge=1, le=10000)
    # Invitation links (teammates, approved beta requests): lifetime in hours.
    invitation_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    # Personal API tokens: longest allowed lifetime in days.
    api_token_max_days: int = Field(default=365, ge=1, le=3650)
    # Outgoing mail. Unset: messages go to an outbox (process memory, and .eml files in
    # mail_outbox_dir when set). smtp://user:pass@host:587 (STARTTLS) or smtps://...:465.
    smtp_url: SecretStr = SecretStr("")
    mail_from: str = "Mint Hub Operations <no-reply@minthub.invalid>"
    mail_outbox_dir: Path | None = None

    # Logging.
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.auto

    # Store data sync (issue 6): snapshots, freshness windows, the job queue.
    sync_on_connect: bool = True  # connecting a store enqueues its first sync
    inventory_freshness_minutes: int = Field(default=60, ge=1)
    orders_freshness_minutes: int = Field(default=30, ge=1)
    listings_freshness_minutes: int = Field(default=360, ge=1)
    reports_freshness_minutes: int = Field(default=1440, ge=1)
    # Amazon's restock recommendations: a DONE GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT this
    # recent is reused, and the `restock` dataset is stale after it (Amazon refreshes daily).
    restock_freshness_minutes: int = Field(default=720, ge=1)
    sync_schedule_minutes: int = Field(default=60, ge=5)  # scheduled sync per used store
    sync_active_days: int = Field(default=14, ge=1)  # "used": somebody read it this recently
    sync_orders_initial_days: int = Field(default=90, ge=1, le=730)  # first/--full pull
    worker_concurrency: int = Field(default=4, ge=1, le=64)
    # Reports (README "Reports"): which sync path (auto = the one costing fewer requests),
    # how often a pending report is polled, how long a DONE one is reused, how long a report
    # type rests after FATAL/CANCELLED.
    sync_path: Literal["auto", "paging", "report"] = "auto"
    report_poll_seconds: float = Field(default=30.0, gt=0, le=3600)
    report_max_wait_minutes: int = Field(default=60, ge=1)
    report_reuse_minutes: int = Field(default=30, ge=0)
    report_cooldown_minutes: int = Field(default=60, ge=0)

    # Authorization lifecycle (issue 5). Every connected store gets one LWA refresh this often
    # (spread over the interval), so a seller's revocation is found even if nobody looks.
    auth_health_check_hours: int = Field(default=12, ge=1, le=24 * 30)
    # A revoked store's synced data (snapshots, reports, replenishment, sync state) is deleted
    # this many days after the revocation; owners can delete it at once. Audit events stay.
    revoked_data_retention_days: int = Field(default=30, ge=0, le=3650)
    # On SIGTERM a worker stops fetching jobs and waits this long for running ones to finish
    # before aborting them (they are retried later).
    worker_shutdown_timeout_seconds: float = Field(default=60.0, ge=0)
    # `minthub-api worker` serves /metrics on this port when set (same token/loopback rule).
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    # On SIGTERM `minthub-api serve` stops accepting connections and waits this long for the
    # requests in flight.
    serve_shutdown_timeout_seconds: float = Field(default=20.0, ge=0)

    # Store these as a list of roles; parsed from a comma-separated value.
    spapi_roles: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "product_listing",
            "inventory_and_order_tracking",
            "amazon_fulfillment",
        ]
    )

    # The built web app (`npm run build` in frontend/). Unset: frontend/dist of this checkout.
    frontend_dist: Path | None = None

    @field_validator("spapi_roles", mode="before")
    @classmethod
    def _split_roles(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("frontend_dist", "worker_metrics_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("public_url", "lwa_token_url", "seller_central_url", "spapi_endpoint")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if isinstance(value, str) else value

    def freshness_minutes(self, dataset: str) -> int:
        return int(getattr(self, f"{dataset}_freshness_minutes"))

    @property
    def is_production(self) -> bool:
        return self.environment == Environment.production

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/api/v1/oauth/amazon/callback"

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry `Secure` everywhere but local development over plain http."""
        return self.environment != Environment.development

    @property
    def effective_migration_database_url(self) -> str | None:
        return self.migration_database_url or self.database_url

    def kek_bytes(self) -> bytes:
        """Decode MINTHUB_TOKEN_KEK; raise ValueError naming the variable when it is unusable."""
        raw = self.token_kek.get_secret_value()
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("MINTHUB_TOKEN_KEK is not valid base64") from exc
        if len(key) != 32:
            raise ValueError("MINTHUB_TOKEN_KEK must decode to exactly 32 bytes")
        return key

    def keyring(self) -> dict[str, bytes]:
        """Every KEK by id: the current one and the retired ones (MINTHUB_TOKEN_KEK_PREVIOUS)."""
        keys = {self.token_kek_id: self.kek_bytes()}
        for pair in filter(None, self.token_kek_previous.get_secret_value().split(",")):
            key_id, _, value = pair.strip().partition("=")
            try:
                key = base64.b64decode(value.strip(), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(
                    f"MINTHUB_TOKEN_KEK_PREVIOUS: key {key_id!r} is not base64"
                ) from exc
            if not key_id or len(key) != 32:
                raise ValueError(
                    "MINTHUB_TOKEN_KEK_PREVIOUS entries must be id=<base64 of 32 bytes>"
                )
            keys.setdefault(key_id.strip(), key)
        return keys

    def configuration_problems(self) -> list[str]:
        """Settings that make the service unsafe or unable to run, each naming its variable."""
        problems: list[str] = []
        secrets = {
            "MINTHUB_LWA_CLIENT_ID": self.lwa_client_id,
            "MINTHUB_LWA_CLIENT_SECRET": self.lwa_client_secret.get_secret_value(),
            "MINTHUB_SPAPI_APPLICATION_ID": self.spapi_application_id,
            "MINTHUB_TOKEN_KEK": self.token_kek.get_secret_value(),
        }
        for name, value in secrets.items():
            if not value:
                problems.append(f"{name} is not set")
            elif any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
                problems.append(f"{name} still holds a placeholder value")
        if self.token_kek.get_secret_value():
            try:
                self.kek_bytes()
            except ValueError as exc:
                problems.append(str(exc))
        if self.key_provider == "aws-kms" and not self.kms_key_id:
            problems.append("MINTHUB_KMS_KEY_ID is not set (MINTHUB_KEY_PROVIDER=aws-kms)")
        if not self.database_url:
            problems.append("MINTHUB_DATABASE_URL is not set")
        if self.is_production and not self.public_url.startswith("https://"):
            problems.append("MINTHUB_PUBLIC_URL must be https:// in production")
        return problems


class ConfigurationError(RuntimeError):
    """Raised at start-up when settings are missing or unsafe."""


def check_settings(settings: Settings) -> None:
    """Refuse to start in production with missing or placeholder secrets."""
    if not settings.is_production:
        return
    problems = settings.configuration_problems()
    if problems:
        raise ConfigurationError(
            "Refusing to start in production: " + "; ".join(problems) + " (see .env.example)"
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
