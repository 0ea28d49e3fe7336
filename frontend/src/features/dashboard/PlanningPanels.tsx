import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Panel } from "../../components/common/Panel";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { queryKeys } from "../../lib/query-keys";
import { fetchListingsAttention, fetchReplenishment } from "./api";

export function ReplenishmentPanel({ storeId, region }: { storeId: string; region: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: queryKeys.storeData(storeId, "replenishment"),
    queryFn: () => fetchReplenishment(storeId),
    retry: false,
  });
  return (
    <Panel id="replenishment" title={t("replenishment.title")} updatedAt={q.dataUpdatedAt || undefined} fetching={q.isFetching} onRefresh={() => void q.refetch()}>
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("replenishment.title")} region={region} onRetry={() => void q.refetch()} />}
      {q.data && q.data.length === 0 && <EmptyState title={t("replenishment.empty")} />}
      {q.data && q.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{t("replenishment.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("inventory.columns.sku")}</th>
                <th scope="col">{t("replenishment.status")}</th>
                <th scope="col">{t("replenishment.unitsPerDay")}</th>
                <th scope="col">{t("replenishment.daysOfCover")}</th>
                <th scope="col">{t("replenishment.suggested")}</th>
                <th scope="col">{t("replenishment.why")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((r) => (
                <tr key={`${r.sku}-${r.marketplace_id ?? ""}`}>
                  <td>{r.sku}</td>
                  <td>{t(`replenishment.statuses.${r.status}`, { defaultValue: r.status })}</td>
                  <td>{String(r.units_per_day)}</td>
                  <td>{r.days_of_cover === null ? "—" : String(r.days_of_cover)}</td>
                  <td>{r.suggested_quantity ?? "—"}</td>
                  <td>{r.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

export function ListingsPanel({ storeId, region }: { storeId: string; region: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: queryKeys.storeData(storeId, "listings-attention"),
    queryFn: () => fetchListingsAttention(storeId),
    retry: false,
  });
  return (
    <Panel id="listings" title={t("listings.title")} updatedAt={q.dataUpdatedAt || undefined} fetching={q.isFetching} onRefresh={() => void q.refetch()}>
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("listings.title")} region={region} onRetry={() => void q.refetch()} />}
      {q.data && q.data.length === 0 && <EmptyState title={t("listings.empty")} />}
      {q.data && q.data.length > 0 && (
        <ul className="attention">
          {q.data.map((l, i) => (
            <li key={`${l.asin}-${i}`}>
              <strong>{l.asin}</strong> {l.sku && <span className="muted">{l.sku}</span>} — {l.reason}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
