import type { StoreRead } from "../client/types.gen";

export const AUTHORIZATION_DAYS = 365;
export const RENEWAL_WARNING_DAYS = 30;

export type StoreHealth =
  | { kind: "connected"; daysLeft: number }
  | { kind: "renewal"; daysLeft: number }
  | { kind: "revoked" };

/**
 * Amazon authorizations last 365 days; owners renew in the last 30. The server's countdown
 * (`days_until_renewal`, `renewal_due`) wins; the grant date is the fallback.
 */
export function storeHealth(
  store: Pick<StoreRead, "status" | "authorized_at" | "days_until_renewal" | "renewal_due">,
  now = new Date(),
): StoreHealth {
  if (store.status === "revoked") return { kind: "revoked" };
  if (typeof store.days_until_renewal === "number") {
    const daysLeft = Math.max(0, store.days_until_renewal);
    const due = store.renewal_due ?? daysLeft <= RENEWAL_WARNING_DAYS;
    return due ? { kind: "renewal", daysLeft } : { kind: "connected", daysLeft };
  }
  const granted = new Date(store.authorized_at).getTime();
  const daysLeft = Math.max(0, Math.ceil((granted + AUTHORIZATION_DAYS * 86_400_000 - now.getTime()) / 86_400_000));
  return daysLeft <= RENEWAL_WARNING_DAYS ? { kind: "renewal", daysLeft } : { kind: "connected", daysLeft };
}

/** Starts the website authorization flow: the API redirects to Amazon's consent page. */
export function connectUrl(region: string): string {
  return `/api/v1/stores/connect?region=${encodeURIComponent(region)}`;
}

export const REGIONS = ["na", "eu", "fe"] as const;
