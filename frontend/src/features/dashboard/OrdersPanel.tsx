import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Panel } from "../../components/common/Panel";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { csvUrl, fetchOrderSummary } from "./api";
import { chartDays, mainCurrency, STATUS_ORDER, topSkus } from "./orders";
import { Freshness, useReloadAfterSync } from "./sync";
import { scrollable } from "../../components/common/scrollable";
import { retryServerError } from "../../lib/api";

const PERIODS = [7, 30, 90] as const;

const money = (amounts: Record<string, string>) =>
  Object.entries(amounts)
    .map(([currency, value]) => formatMoney(Number(value), currency))
    .join(" + ") || "—";

/** Order summary from the synced orders: charts by day, status counts, late orders, SKU velocity. */
export default function OrdersPanel({ storeId, region, role }: { storeId: string; region: string; role: string }) {
  const { t } = useTranslation();
  const [days, setDays] = useState<number>(30);
  const summary = useQuery({
    queryKey: queryKeys.storeData(storeId, "orders-summary", days),
    queryFn: () => fetchOrderSummary(storeId, days),
    placeholderData: keepPreviousData,
    retry: retryServerError,
  });
  useReloadAfterSync(storeId, ["orders"], queryKeys.storeData(storeId, "orders-summary"));
  const data = summary.data;
  const currency = data ? mainCurrency(data) : null;
  const others = data ? Object.keys(data.revenue).filter((c) => c !== currency) : [];
  const rows = data ? chartDays(data, currency) : [];
  const statusRows = data ? STATUS_ORDER.map((s) => ({ status: t(`orders.statuses.${s}`), count: data.status_counts[s] ?? 0 })) : [];

  return (
    <Panel
      id="orders"
      title={t("orders.title")}
      freshness={<Freshness storeId={storeId} datasets={["orders"]} stale={data?.stale} role={role} region={region} syncDatasets={["orders"]} />}
      actions={
        <>
          <label className="row">
            <span className="sr-only">{t("orders.period")}</span>
            <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="orders-period">
              {PERIODS.map((p) => (
                <option key={p} value={p}>{t("orders.lastDays", { count: p })}</option>
              ))}
            </select>
          </label>
          <a className="button" href={csvUrl(`/api/v1/stores/${storeId}/orders/summary`, { days })} download data-testid="export-orders">
            {t("orders.export")}
          </a>
        </>
      }
    >
      {summary.isPending && <Loading />}
      {summary.error && <ErrorState error={summary.error} what={t("orders.title")} region={region} onRetry={() => void summary.refetch()} />}
      {data && (
        <p className="muted small" data-testid="orders-totals">
          {t("orders.totals", {
            count: data.orders,
            units: formatNumber(data.units),
            revenue: money(data.revenue),
            from: data.from,
            to: data.to,
            timeZone: data.time_zone,
          })}
        </p>
      )}
      {data && data.orders === 0 && data.late_unshipped.length === 0 && (
        <EmptyState title={t("orders.empty")} hint={data.synced_at ? t("orders.emptyHint") : t("orders.firstSyncHint")} />
      )}
      {data && (data.orders > 0 || data.late_unshipped.length > 0) && (
        <div className="charts">
          <figure>
            <figcaption>{t("orders.chartOrders")}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={rows}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="date" tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} />
                <Tooltip formatter={(v) => formatNumber(Number(v))} />
                <Legend />
                <Bar dataKey="orders" name={t("orders.orders")} fill="#0f766e" isAnimationActive={false} />
                <Bar dataKey="units" name={t("orders.units")} fill="#92400e" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <figure>
            <figcaption>{currency ? t("orders.chartRevenue", { currency }) : t("orders.revenue")}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={rows}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="date" tick={{ fontSize: 11 }} />
                <YAxis />
                <Tooltip formatter={(v) => (currency ? formatMoney(Number(v), currency) : formatNumber(Number(v)))} />
                <Line type="monotone" dataKey="revenue" name={t("orders.revenue")} stroke="#1d4ed8" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
            {others.length > 0 && (
              <p className="muted small">{t("orders.otherCurrencies", { currency, others: others.map((c) => money({ [c]: data.revenue[c] })).join(", ") })}</p>
            )}
          </figure>
          <figure>
            <figcaption>{t("orders.statusCounts")}</figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <BarChart data={statusRows} layout="vertical" margin={{ left: 24 }}>
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="status" width={110} tick={{ fontSize: 11 }} />
                <Tooltip formatter={(v) => formatNumber(Number(v))} />
                <Bar dataKey="count" name={t("orders.count")} fill="#0f766e" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
            <table data-testid="order-status-counts" className="compact">
              <caption className="sr-only">{t("orders.statusCounts")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("orders.status")}</th>
                  <th scope="col">{t("orders.count")}</th>
                </tr>
              </thead>
              <tbody>
                {statusRows.map((r) => (
                  <tr key={r.status}>
                    <td>{r.status}</td>
                    <td>{formatNumber(r.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </figure>
          <div data-testid="late-unshipped">
            <h3>{t("orders.lateUnshipped")}</h3>
            {data.late_unshipped.length === 0 ? (
              <p className="muted">{t("orders.noneLate")}</p>
            ) : (
              <div className="table-wrap" {...scrollable(t("orders.lateUnshipped"))}>
                <table className="compact">
                  <caption className="sr-only">{t("orders.lateUnshipped")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("orders.orderId")}</th>
                      <th scope="col">{t("orders.status")}</th>
                      <th scope="col">{t("orders.latestShipDate")}</th>
                      <th scope="col">{t("orders.hoursLate")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.late_unshipped.map((o) => (
                      <tr key={o.order_id}>
                        <td>{o.order_id}</td>
                        <td>{t(`orderStatus.${o.status}`, { defaultValue: o.status })}</td>
                        <td>{formatDateTime(o.latest_ship_date)}</td>
                        <td>{formatNumber(Number(o.hours_late))}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
          <div data-testid="sku-velocity">
            <h3>{t("orders.velocity")}</h3>
            <div className="table-wrap" {...scrollable(t("orders.velocity"))}>
              <table className="compact">
                <caption className="sr-only">{t("orders.velocity")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("inventory.columns.sku")}</th>
                    <th scope="col">{t("inventory.columns.marketplace")}</th>
                    <th scope="col">{t("orders.units")}</th>
                    <th scope="col">{t("orders.orders")}</th>
                    <th scope="col">{t("replenishment.unitsPerDay")}</th>
                    <th scope="col">{t("orders.revenue")}</th>
                  </tr>
                </thead>
                <tbody>
                  {topSkus(data).map((s) => (
                    <tr key={`${s.sku}-${s.marketplace_id ?? ""}`}>
                      <td>{s.sku}</td>
                      <td>{s.marketplace_id ?? "—"}</td>
                      <td>{formatNumber(s.units)}</td>
                      <td>{formatNumber(s.orders)}</td>
                      <td>{formatNumber(Number(s.units_per_day))}</td>
                      <td>{money(s.revenue)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      )}
    </Panel>
  );
}
