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
        key = (selling_partner_id, operation)
        bucket = self._buckets.get(key)
        if bucket is None:
            plan = PLANS[operation]
            bucket = self._buckets[key] = TokenBucket(plan, float(plan.burst), now)
        return bucket.take(now, self.time_scale)

    def reset(self) -> None:
        self._buckets.clear()
