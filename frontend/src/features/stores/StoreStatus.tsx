import { useTranslation } from "react-i18next";
import type { StoreRead } from "../../client/types.gen";
import { connectUrl, storeHealth } from "../../lib/stores";

export function StoreStatus({ store }: { store: Pick<StoreRead, "status" | "authorized_at" | "days_until_renewal" | "renewal_due"> }) {
  const { t } = useTranslation();
  const health = storeHealth(store);
  if (health.kind === "revoked") return <span className="badge bad">{t("stores.status.revoked")}</span>;
  if (health.kind === "renewal")
    return <span className="badge warn">{t("stores.status.renewal", { count: health.daysLeft })}</span>;
  return <span className="badge ok">{t("stores.status.connected")}</span>;
}

/** Reconnect (revoked) or renew (expiring) both run the consent flow again for the same region. */
export function StoreAction({ store }: { store: Pick<StoreRead, "status" | "authorized_at" | "days_until_renewal" | "renewal_due" | "region" | "name"> }) {
  const { t } = useTranslation();
  const health = storeHealth(store);
  if (health.kind === "connected") return null;
  const label = health.kind === "revoked" ? t("stores.reconnect") : t("stores.renew");
  return (
    <a className="button primary" href={connectUrl(store.region)} aria-label={`${label}: ${store.name}`}>
      {label}
    </a>
  );
}
