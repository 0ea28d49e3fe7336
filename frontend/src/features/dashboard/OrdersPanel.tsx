import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Panel } from "../../components/common/Panel";
import { EmptyState, ErrorState, Loading, NotAvailable } from "../../components/common/states";
import { isNotAvailable } from "../../lib/api";
import { formatMoney, formatNumber } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { fetchOrderSummary, fetchRecentOrders } from "./api";
import { summarizeOrders } from "./orders";

const PERIODS = [7, 30, 90] as const;

/** Order summary charts. Uses the synced summary when the server has it, else live orders. */
export default function OrdersPanel({ storeId, region }: { storeId: string; region: string }) {
  const { t } = useTranslation();
  const [days, setDays] = useState<number>(30);
  const [loaded, setLoaded] = useState(0);
  const summary = useQuery({
    queryKey: queryKeys.storeData(storeId, "orders-summary", days),
    queryFn: () => fetchOrderSummary(storeId, days),
    retry: false,
  });
  const fallback = summary.isError && isNotAvailable(summary.error);
  const orders = useQuery({
    queryKey: queryKeys.storeData(storeId, "orders", days),
    queryFn: () => {
      setLoaded(0);
      return fetchRecentOrders(storeId, days, setLoaded);
    },
    enabled: fallback,
    retry: false,
    staleTime: 5 * 60_000,
  });
  const computed = useMemo(() => (orders.data ? summarizeOrders(orders.data, days) : null), [orders.data, days]);
  const data = summary.data
    ? {
        days: summary.data.days.map((d) => ({ ...d, revenue: Number(d.revenue) })),
        statusCounts: summary.data.status_counts ?? {},
        currencies: summary.data.currency ? [summary.data.currency] : [],
      }
    : computed;
  const active = fallback ? orders : summary;
  const currency = data?.currencies[0] ?? "USD";

  return (
    <Panel
      id="orders"
      title={t("orders.title")}
      updatedAt={active.dataUpdatedAt || undefined}
      fetching={active.isFetching}
      progress={t("orders.progress", { count: loaded })}
      onRefresh={() => void active.refetch()}
      actions={
        <label className="row">
          <span className="sr-only">{t("orders.period")}</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>{t("orders.lastDays", { count: p })}</option>
            ))}
          </select>
        </label>
      }
    >
      {(summary.isPending || (fallback && orders.isPending)) && <Loading label={t("orders.progress", { count: loaded })} />}
      {summary.error && !fallback && <ErrorState error={summary.error} what={t("orders.title")} region={region} onRetry={() => void summary.refetch()} />}
      {orders.error && <ErrorState error={orders.error} what={t("orders.title")} region={region} onRetry={() => void orders.refetch()} />}
      {fallback && orders.data && <p className="muted small">{t("orders.liveNote", { count: orders.data.length })}</p>}
      {data && data.currencies.length > 1 && (
        <p className="muted small">{t("orders.otherCurrencies", { currency, others: data.currencies.slice(1).join(", ") })}</p>
      )}
      {data && data.days.every((d) => d.orders === 0) && <EmptyState title={t("orders.empty")} hint={t("orders.emptyHint")} />}
      {data && data.days.some((d) => d.orders > 0) && (
        <div className="charts">
          <figure>
            <figcaption>{t("orders.chartOrders")}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={data.days}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="date" tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} />
                <Tooltip formatter={(v) => formatNumber(Number(v))} />
                <Legend />
                <Bar dataKey="orders" name={t("orders.orders")} fill="#0f766e" />
                <Bar dataKey="units" name={t("orders.units")} fill="#92400e" />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <figure>
            <figcaption>{t("orders.chartRevenue", { currency })}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={data.days}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="date" tick={{ fontSize: 11 }} />
                <YAxis />
                <Tooltip formatter={(v) => formatMoney(Number(v), currency)} />
                <Line type="monotone" dataKey="revenue" name={t("orders.revenue")} stroke="#1d4ed8" dot={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
          <div>
            <h3>{t("orders.statusCounts")}</h3>
            <table data-testid="order-status-counts">
              <caption className="sr-only">{t("orders.statusCounts")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("orders.status")}</th>
                  <th scope="col">{t("orders.count")}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(data.statusCounts).map(([status, count]) => (
                  <tr key={status}>
                    <td>{t(`orderStatus.${status}`, { defaultValue: status })}</td>
                    <td>{formatNumber(count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <h3>{t("orders.lateUnshipped")}</h3>
            {summary.data?.late_unshipped ? (
              summary.data.late_unshipped.length ? (
                <ul>
                  {summary.data.late_unshipped.map((o) => (
                    <li key={o.order_id}>{t("orders.lateLine", { id: o.order_id, date: o.latest_ship_date })}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t("orders.noneLate")}</p>
              )
            ) : (
              <NotAvailable what={t("orders.lateUnshipped")} />
            )}
          </div>
        </div>
      )}
    </Panel>
  );
}
