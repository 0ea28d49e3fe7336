import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, NavLink, useParams } from "react-router";
import { ErrorState, Loading } from "../components/common/states";
import { formatDateTime } from "../lib/format";
import { storeHealth } from "../lib/stores";
import { AuditPage } from "../features/audit/AuditPage";
import { StoreDashboard } from "../features/dashboard/StoreDashboard";
import { ReportsPage } from "../features/reports/ReportsPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { storeQuery } from "../features/stores/api";
import { StoreAction, StoreStatus } from "../features/stores/StoreStatus";

export type StoreTab = "dashboard" | "reports" | "audit" | "settings";

export default function StoreLayout({ tab }: { tab: StoreTab }) {
  const { t } = useTranslation();
  const { storeId = "" } = useParams();
  const store = useQuery(storeQuery(storeId));
  if (store.isPending) return <main id="main"><Loading /></main>;
  if (store.error)
    return (
      <main id="main">
        <h1>{t("store.notFoundTitle")}</h1>
        <ErrorState error={store.error} what={t("store.title")} />
        <Link to="/stores">{t("store.back")}</Link>
      </main>
    );
  const s = store.data;
  const health = storeHealth(s);
  return (
    <main id="main">
      <div className="store-head row">
        <div>
          <h1>{s.name}</h1>
          <p className="muted small">
            {t(`regions.${s.region}`, { defaultValue: s.region })} · {s.marketplace_ids.join(", ")} · {s.selling_partner_id}
          </p>
        </div>
        <div className="row">
          <StoreStatus store={s} />
          <StoreAction store={s} />
        </div>
      </div>
      {health.kind === "revoked" && (
        <div className="error-box" role="alert" data-testid="revoked-banner">
          <p className="empty-title">{t("store.revokedTitle")}</p>
          <p>{t("store.revokedText", { date: formatDateTime(s.revoked_at), cause: s.revoke_cause ? t(`store.revokeCauses.${s.revoke_cause}`, { defaultValue: s.revoke_cause }) : "—" })}</p>
        </div>
      )}
      <nav className="tabs row" aria-label={t("store.sections")}>
        <NavLink end to={`/stores/${storeId}`}>{t("store.tabs.dashboard")}</NavLink>
        <NavLink to={`/stores/${storeId}/reports`}>{t("store.tabs.reports")}</NavLink>
        <NavLink to={`/stores/${storeId}/audit`}>{t("store.tabs.audit")}</NavLink>
        <NavLink to={`/stores/${storeId}/settings`}>{t("store.tabs.settings")}</NavLink>
      </nav>
      {tab === "dashboard" && <StoreDashboard storeId={storeId} region={s.region} role={s.role} marketplaces={s.marketplace_ids} />}
      {tab === "reports" && <ReportsPage storeId={storeId} role={s.role} region={s.region} />}
      {tab === "audit" && <AuditPage storeId={storeId} />}
      {tab === "settings" && <SettingsPage storeId={storeId} storeName={s.name} role={s.role} />}
    </main>
  );
}
