import type { OrderSummary } from "../../client/types.gen";
import type { DayFigure } from "./api";

/**
 * Orders, units and revenue per day (UTC) from the raw order list, used while the server-side
 * summary (issue 6) is not deployed. Cancelled orders count in the status counts only.
 */
export function summarizeOrders(orders: OrderSummary[], days: number, now = new Date()) {
  const byDay = new Map<string, DayFigure & { revenue: number }>();
  for (let i = days - 1; i >= 0; i--) {
    const date = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    byDay.set(date, { date, orders: 0, units: 0, revenue: 0 });
  }
  const statusCounts: Record<string, number> = {};
  const currencies = new Set<string>();
  for (const order of orders) {
    statusCounts[order.status] = (statusCounts[order.status] ?? 0) + 1;
    if (order.status.toLowerCase() === "canceled" || order.status.toLowerCase() === "cancelled") continue;
    const day = byDay.get(order.purchase_date.slice(0, 10));
    if (!day) continue;
    day.orders += 1;
    day.units += order.item_count;
    day.revenue += order.order_total ? Number(order.order_total) : 0;
    if (order.currency) currencies.add(order.currency);
  }
  return { days: [...byDay.values()], statusCounts, currencies: [...currencies] };
}
