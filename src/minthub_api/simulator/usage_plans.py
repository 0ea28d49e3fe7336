"""Usage plans: Amazon's token-bucket throttling per (selling partner, operation).

Defaults from ../shared/SPAPI-NOTES.md §5.0 (the models' "Usage Plan" tables). Amazon applies
limits per application + selling partner pair, so a bucket is keyed by both (we have one app).
Add an operation here when the simulator learns it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UsagePlan:
    rate: float  # requests per second refilled
    burst: int  # bucket size

    @property
    def header_value(self) -> str:
        """The value of ``x-amzn-RateLimit-Limit`` (Amazon prints the decimal rate)."""
        return f"{self.rate:g}"


PLANS: dict[str, UsagePlan] = {
    "getInventorySummaries": UsagePlan(rate=2.0, burst=2),
    "searchOrders": UsagePlan(rate=0.0056, burst=20),
    "getOrder": UsagePlan(rate=0.5, burst=30),
    "getMarketplaceParticipations": UsagePlan(rate=0.016, burst=15),
    "getOrderMetrics": UsagePlan(rate=0.5, burst=15),
    "getListingsItem": UsagePlan(rate=5.0, burst=10),
    "searchListingsItems": UsagePlan(rate=5.0, burst=5),
    "createReport": UsagePlan(rate=0.0167, burst=15),
    "getReports": UsagePlan(rate=0.0222, burst=10),
    "getReport": UsagePlan(rate=2.0, burst=15),
    "cancelReport": UsagePlan(rate=0.0222, burst=10),
    "getReportDocument": UsagePlan(rate=0.0167, burst=15),
}
# Application-wide plans (all sellers of the one simulated app together), where Amazon documents
# one: getListingsItem 100 rps per application ("Listings Items API Rate Limits").
APP_PLANS: dict[str, UsagePlan] = {
    "getListingsItem": UsagePlan(rate=100.0, burst=100),
}


@dataclass
class TokenBucket:
    plan: UsagePlan
    tokens: float
    updated_at: float

    def take(self, now: float, time_scale: float) -> bool:
        """Refill for the time elapsed, then take one token; False means throttled (429)."""
        elapsed = max(0.0, now - self.updated_at)
        refill = elapsed * self.plan.rate * time_scale
        self.tokens = min(float(self.plan.burst), self.tokens + refill)
        self.updated_at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class UsagePlans:
    """All buckets of one simulator instance."""

    def __init__(self, time_scale: float = 1.0, enforce: bool = True) -> None:
        self.time_scale = time_scale
        self.enforce = enforce
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def allow(self, selling_partner_id: str, operation: str, now: float) -> bool:
        if not self.enforce:
            return True
        if operation in APP_PLANS and not self._take(
            ("_app", operation), APP_PLANS[operation], now
        ):
            return False
        return self._take((selling_partner_id, operation), PLANS[operation], now)

    def _take(self, key: tuple[str, str], plan: UsagePlan, now: float) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(plan, float(plan.burst), now)
        return bucket.take(now, self.time_scale)

    def reset(self) -> None:
        self._buckets.clear()
