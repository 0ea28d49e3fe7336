import type { OrderSalesSummary } from "../../client/types.gen";

/** The currency with the most revenue in the range (first alphabetically on a tie), or null. */
export function mainCurrency(summary: Pick<OrderSalesSummary, "revenue">): string | null {
  const entries = Object.entries(summary.revenue).sort((a, b) => Number(b[1]) - Number(a[1]) || a[0].localeCompare(b[0]));
  return entries[0]?.[0] ?? null;
}

/** Chart rows: one per day of the range, revenue in `currency` as a number (charts only; figures stay strings). */
export function chartDays(summary: Pick<OrderSalesSummary, "days">, currency: string | null) {
  return summary.days.map((d) => ({
    date: d.date.slice(5),
    orders: d.orders,
    units: d.units,
    revenue: currency ? Number(d.revenue[currency] ?? 0) : 0,
  }));
}

export const STATUS_ORDER = ["pending", "unshipped", "partially_shipped", "shipped", "cancelled", "other"] as const;

/** The best sellers by units (then revenue order is the server's), at most `limit`. */
export function topSkus(summary: Pick<OrderSalesSummary, "skus">, limit = 10) {
  return [...summary.skus].sort((a, b) => b.units - a.units || a.sku.localeCompare(b.sku)).slice(0, limit);
}
