import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { formatDateTime } from "../../lib/format";
import { storeHealth } from "../../lib/stores";
import { storesQuery, syncQuery } from "./api";
import { ConnectStore } from "./ConnectStore";
import { StoreAction, StoreStatus } from "./StoreStatus";
import { scrollable } from "../../components/common/scrollable";

/** Latest successful dataset sync. */
function LastSync({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const sync = useQuery(syncQuery(storeId));
  if (sync.isPending) return <span className="muted">…</span>;
  if (sync.error) return <span className="muted small">—</span>;
  const times = sync.data.datasets.map((d) => d.last_success_at).filter((v): v is string => !!v).sort();
  return <>{times.length ? formatDateTime(times[times.length - 1]) : t("stores.neverSynced")}</>;
}

export function StoresPage() {
  const { t } = useTranslation();
  const stores = useQuery(storesQuery);
  return (
    <main id="main">
      <h1>{t("stores.title")}</h1>
      <ConnectStore />
      {stores.isPending && <Loading />}
      {stores.error && <ErrorState error={stores.error} what={t("stores.title")} onRetry={() => void stores.refetch()} />}
      {stores.data && stores.data.length === 0 && (
        <EmptyState title={t("stores.empty")} hint={t("stores.emptyHint")} />
      )}
      {stores.data && stores.data.length > 0 && (
        <div className="table-wrap" {...scrollable(t("stores.title"))}>
          <table data-testid="stores-table">
            <caption className="sr-only">{t("stores.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("stores.columns.name")}</th>
                <th scope="col">{t("stores.columns.status")}</th>
                <th scope="col">{t("stores.columns.region")}</th>
                <th scope="col">{t("stores.columns.marketplaces")}</th>
                <th scope="col">{t("stores.columns.authorized")}</th>
                <th scope="col">{t("stores.columns.lastSync")}</th>
                <th scope="col">{t("stores.columns.role")}</th>
                <th scope="col">
                  <span className="sr-only">{t("stores.columns.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stores.data.map((store) => {
                const health = storeHealth(store);
                return (
                  <tr key={store.id}>
                    <td>
                      <Link to={`/stores/${store.id}`}>{store.name}</Link>
                    </td>
                    <td>
                      <StoreStatus store={store} />
                      {health.kind === "revoked" && store.revoked_at && (
                        <div className="muted small">{formatDateTime(store.revoked_at)}</div>
                      )}
                    </td>
                    <td>{t(`regions.${store.region}`, { defaultValue: store.region })}</td>
                    <td>{store.marketplace_ids.join(", ") || "—"}</td>
                    <td>
                      {formatDateTime(store.authorized_at)}
                      {health.kind !== "revoked" && (
                        <div className="muted small">{t("stores.daysLeft", { count: health.daysLeft })}</div>
                      )}
                    </td>
                    <td>
                      <LastSync storeId={store.id} />
                    </td>
                    <td>{t(`roles.${store.role}`, { defaultValue: store.role })}</td>
                    <td>
                      <StoreAction store={store} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
