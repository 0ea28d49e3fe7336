import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Status } from "../../client/types.gen";
import { Panel } from "../../components/common/Panel";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import type { TFunction } from "i18next";
import type { AttentionReason } from "../../client/types.gen";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { csvUrl, fetchDecisionJournal, fetchListingsAttention, fetchReplenishment, type ReplenishmentItem } from "./api";
import { Freshness, useReloadAfterSync } from "./sync";
import { whyDetails, whyReason } from "./why";
import { scrollable } from "../../components/common/scrollable";
import { retryServerError } from "../../lib/api";

/** Suggestions come most urgent first; a page keeps the dashboard light with hundreds of SKUs. */
const REPLENISHMENT_PAGE = 25;
const STATUSES: Status[] = ["out_of_stock", "reorder_now", "reorder_soon", "healthy", "overstocked"];
const TONE: Record<string, string> = { out_of_stock: "bad", reorder_now: "bad", reorder_soon: "warn", healthy: "ok", overstocked: "warn", high: "bad", medium: "warn", low: "ok" };
const num = (v: string | number | null | undefined) => (v === null || v === undefined ? "—" : formatNumber(Number(v)));

function Why({ item }: { item: ReplenishmentItem }) {
  const { t } = useTranslation();
  return (
    <div className="why">
      <p>{whyReason(t, item)}</p>
      <details>
        <summary>{t("replenishment.showNumbers")}</summary>
        <ul>
          {whyDetails(t, item).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

function Journal({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const journal = useQuery({
    queryKey: queryKeys.storeData(storeId, "replenishment-journal"),
    queryFn: () => fetchDecisionJournal(storeId),
    enabled: open,
    retry: retryServerError,
  });
  const scored = journal.data?.skus.filter((s) => s.accuracy !== null) ?? [];
  const accuracy = scored.length ? scored.reduce((sum, s) => sum + Number(s.accuracy), 0) / scored.length : null;
  return (
    <details className="journal" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="replenishment-journal">
      <summary>{t("journal.title")}</summary>
      <p className="muted small">{t("journal.explain")}</p>
      {journal.isFetching && !journal.data && <Loading />}
      {journal.error && <ErrorState error={journal.error} what={t("journal.title")} onRetry={() => void journal.refetch()} />}
      {journal.data && journal.data.decisions.length === 0 && <EmptyState title={t("journal.empty")} hint={t("journal.emptyHint")} />}
      {journal.data && journal.data.decisions.length > 0 && (
        <>
          <p>
            {t("journal.summary", { count: journal.data.decisions.length, skus: journal.data.skus.length })}{" "}
            {accuracy !== null && t("journal.accuracy", { percent: formatNumber(Math.round(accuracy * 100)) })}
          </p>
          <div className="table-wrap" {...scrollable(t("journal.calibration"))}>
            <table className="compact">
              <caption className="sr-only">{t("journal.calibration")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("replenishment.status")}</th>
                  <th scope="col">{t("journal.decisions")}</th>
                  <th scope="col">{t("journal.suggestedReorder")}</th>
                  <th scope="col">{t("journal.followed")}</th>
                  <th scope="col">{t("journal.stockoutDays")}</th>
                  <th scope="col">{t("journal.overstockDays")}</th>
                </tr>
              </thead>
              <tbody>
                {journal.data.calibration.map((c) => (
                  <tr key={c.status}>
                    <td>{t(`replenishment.statuses.${c.status}`, { defaultValue: c.status })}</td>
                    <td>{formatNumber(c.decisions)}</td>
                    <td>{formatNumber(c.suggested_reorder)}</td>
                    <td>{formatNumber(c.followed)}</td>
                    <td>{num(c.stockout_days_avg)}</td>
                    <td>{num(c.overstock_days_avg)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </details>
  );
}

export function ReplenishmentPanel({ storeId, region, role }: { storeId: string; region: string; role: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | "">("");
  const [page, setPage] = useState(0);
  const q = useQuery({
    queryKey: queryKeys.storeData(storeId, "replenishment", status),
    queryFn: () => fetchReplenishment(storeId, status),
    placeholderData: keepPreviousData,
    retry: retryServerError,
  });
  useReloadAfterSync(storeId, ["inventory", "orders"], queryKeys.storeData(storeId, "replenishment"));
  const counts = q.data?.status_counts ?? {};
  return (
    <Panel
      id="replenishment"
      title={t("replenishment.title")}
      freshness={<Freshness storeId={storeId} datasets={["inventory", "orders"]} stale={q.data?.stale} role={role} region={region} />}
      actions={
        <>
          <label className="row">
            <span className="sr-only">{t("replenishment.filterStatus")}</span>
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as Status | "");
                setPage(0);
              }}
              data-testid="replenishment-status"
            >
              <option value="">{t("common.all")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t("replenishment.statusCount", { status: t(`replenishment.statuses.${s}`), count: counts[s] ?? 0 })}
                </option>
              ))}
            </select>
          </label>
          <a className="button" href={csvUrl(`/api/v1/stores/${storeId}/replenishment`, { status })} download data-testid="export-replenishment">
            {t("replenishment.export")}
          </a>
        </>
      }
    >
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("replenishment.title")} region={region} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && (
        <EmptyState title={status ? t("replenishment.noneWithStatus") : t("replenishment.empty")} hint={t("replenishment.emptyHint")} />
      )}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap" {...scrollable(t("replenishment.title"))}>
          <table data-testid="replenishment-table">
            <caption className="sr-only">{t("replenishment.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("inventory.columns.sku")}</th>
                <th scope="col">{t("replenishment.status")}</th>
                <th scope="col">{t("replenishment.unitsPerDay")}</th>
                <th scope="col">{t("replenishment.stock")}</th>
                <th scope="col">{t("replenishment.daysOfCover")}</th>
                <th scope="col">{t("replenishment.suggested")}</th>
                <th scope="col">{t("replenishment.why")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.slice(page * REPLENISHMENT_PAGE, (page + 1) * REPLENISHMENT_PAGE).map((r) => (
                <tr key={`${r.sku}-${r.marketplace_id}`}>
                  <td>
                    <strong>{r.sku}</strong>
                    <div className="muted small">{r.marketplace_id}{r.product_name ? ` · ${r.product_name}` : ""}</div>
                  </td>
                  <td><span className={`badge ${TONE[r.status] ?? ""}`}>{t(`replenishment.statuses.${r.status}`, { defaultValue: r.status })}</span></td>
                  <td>{num(r.units_per_day)}</td>
                  <td>{t("replenishment.stockLine", { available: num(r.available), inbound: num(r.inbound) })}</td>
                  <td>
                    {num(r.days_of_cover)}
                    {r.stockout_date && <div className="muted small">{t("replenishment.stockoutOn", { date: r.stockout_date })}</div>}
                  </td>
                  <td><strong>{num(r.suggested_quantity)}</strong></td>
                  <td><Why item={r} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          {q.data.items.length > REPLENISHMENT_PAGE && (
            <nav className="pager row" aria-label={t("table.pagination")}>
              <button type="button" onClick={() => setPage(page - 1)} disabled={page === 0}>
                {t("table.previous")}
              </button>
              <span className="muted small">
                {t("table.pageOf", { page: page + 1, pages: Math.ceil(q.data.items.length / REPLENISHMENT_PAGE), rows: q.data.items.length })}
              </span>
              <button type="button" onClick={() => setPage(page + 1)} disabled={(page + 1) * REPLENISHMENT_PAGE >= q.data.items.length}>
                {t("table.next")}
              </button>
            </nav>
          )}
        </div>
      )}
      <Journal storeId={storeId} />
    </Panel>
  );
}

/** Where a reason comes from and when: each dataset behind it with its own last sync. */
export function reasonSource(t: TFunction, r: AttentionReason): string {
  const byDataset = Object.entries(r.synced_at_by_dataset ?? {});
  if (byDataset.length === 0)
    return t("listings.source", { source: t(`listings.sources.${r.source}`, { defaultValue: r.source }), time: formatDateTime(r.synced_at) });
  return t("listings.sourceBy", {
    list: byDataset
      .map(([dataset, time]) => t("listings.datasetSynced", { dataset: t(`sync.datasets.${dataset}`, { defaultValue: dataset }), time: formatDateTime(time) }))
      .join(t("listings.separator")),
  });
}

export function ListingsPanel({ storeId, region, role }: { storeId: string; region: string; role: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: queryKeys.storeData(storeId, "listings-attention"),
    queryFn: () => fetchListingsAttention(storeId),
    retry: retryServerError,
  });
  useReloadAfterSync(storeId, ["inventory", "orders", "listings"], queryKeys.storeData(storeId, "listings-attention"));
  const [page, setPage] = useState(0);
  const items = q.data?.items ?? [];
  return (
    <Panel
      id="listings"
      title={t("listings.title")}
      freshness={<Freshness storeId={storeId} datasets={["inventory", "orders", "listings"]} stale={q.data?.stale} role={role} region={region} />}
      actions={
        <a className="button" href={csvUrl(`/api/v1/stores/${storeId}/listings/attention`, {})} download data-testid="export-listings">
          {t("listings.export")}
        </a>
      }
    >
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("listings.title")} region={region} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <EmptyState title={t("listings.empty")} hint={t("listings.emptyHint")} />}
      {q.data && q.data.items.length > 0 && (
        <ul className="attention" data-testid="listings-attention">
          {items.slice(page * REPLENISHMENT_PAGE, (page + 1) * REPLENISHMENT_PAGE).map((l) => (
            <li key={`${l.sku}-${l.marketplace_id}`}>
              <div className="row">
                <span className={`badge ${TONE[l.severity] ?? ""}`}>{t(`listings.severity.${l.severity}`, { defaultValue: l.severity })}</span>
                <strong>{l.sku}</strong>
                <span className="muted small">{[l.asin, l.marketplace_id, l.product_name].filter(Boolean).join(" · ")}</span>
              </div>
              <ul>
                {l.reasons.map((r, i) => (
                  <li key={`${r.kind}-${i}`}>
                    <strong>{t(`listings.kinds.${r.kind}`, { defaultValue: r.kind })}</strong>{" "}
                    {r.price != null && r.previous_price != null && (
                      <span data-testid="price-change">
                        {t("listings.priceChange", {
                          from: formatMoney(Number(r.previous_price), r.currency ?? l.currency ?? "USD"),
                          to: formatMoney(Number(r.price), r.currency ?? l.currency ?? "USD"),
                        })}{" "}
                      </span>
                    )}
                    <span className="muted small">{reasonSource(t, r)}</span>
                    <details>
                      <summary>{t("listings.details")}</summary>
                      <p lang="en">{r.detail}</p>
                    </details>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {items.length > REPLENISHMENT_PAGE && (
        <nav className="pager row" aria-label={t("table.pagination")}>
          <button type="button" onClick={() => setPage(page - 1)} disabled={page === 0}>
            {t("table.previous")}
          </button>
          <span className="muted small">
            {t("table.pageOf", { page: page + 1, pages: Math.ceil(items.length / REPLENISHMENT_PAGE), rows: items.length })}
          </span>
          <button type="button" onClick={() => setPage(page + 1)} disabled={(page + 1) * REPLENISHMENT_PAGE >= items.length}>
            {t("table.next")}
          </button>
        </nav>
      )}
    </Panel>
  );
}
