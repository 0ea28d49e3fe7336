import type { OrderSummary } from "../../client/types.gen";
import type { DayFigure } from "./api";

const isCancelled = (status: string) => ["canceled", "cancelled"].includes(status.toLowerCase());

/**
 * Orders, units and revenue per day (UTC) from the raw order list, used while the server-side
 * summary (issue 6) is not deployed. Cancelled orders count in the status counts only. Revenue is
 * never summed across currencies: it is charted in the currency with the most orders, and the
 * other currencies are listed.
 */
export function summarizeOrders(orders: OrderSummary[], days: number, now = new Date()) {
  const byDay = new Map<string, DayFigure & { revenue: number }>();
  for (let i = days - 1; i >= 0; i--) {
    const date = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    byDay.set(date, { date, orders: 0, units: 0, revenue: 0 });
  }
  const statusCounts: Record<string, number> = {};
  const perCurrency = new Map<string, number>();
  for (const order of orders) {
    if (!isCancelled(order.status) && order.currency && byDay.has(order.purchase_date.slice(0, 10)))
      perCurrency.set(order.currency, (perCurrency.get(order.currency) ?? 0) + 1);
  }
  const currencies = [...perCurrency.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const main = currencies[0];
  for (const order of orders) {
    statusCounts[order.status] = (statusCounts[order.status] ?? 0) + 1;
    if (isCancelled(order.status)) continue;
    const day = byDay.get(order.purchase_date.slice(0, 10));
    if (!day) continue;
    day.orders += 1;
    day.units += order.item_count;
    if (order.currency === main && order.order_total) day.revenue += Number(order.order_total);
  }
  return { days: [...byDay.values()], statusCounts, currencies };
}
