import type { TFunction } from "i18next";
import type { ReplenishmentItem } from "../../client/types.gen";
import { formatDateTime, formatNumber } from "../../lib/format";

const num = (value: string | number | null | undefined) => (value === null || value === undefined ? "—" : formatNumber(Number(value)));

/** The reason for the status, in the reader's language, from the suggestion's own figures. */
export function whyReason(t: TFunction, item: ReplenishmentItem): string {
  const stock = item.available + item.inbound;
  switch (item.status) {
    case "out_of_stock":
      return t("why.out_of_stock");
    case "reorder_now":
      return t("why.reorder_now", { stock: num(stock), reorderPoint: num(item.reorder_point) });
    case "reorder_soon":
      return t("why.reorder_soon", { cover: num(item.days_of_cover) });
    case "overstocked":
      return item.days_of_cover === null ? t("why.overstocked_no_sales") : t("why.overstocked", { cover: num(item.days_of_cover) });
    default:
      return t("why.healthy");
  }
}

/** The numbers behind the suggestion, one sentence per step (velocity, stock, reorder, source). */
export function whyDetails(t: TFunction, item: ReplenishmentItem): string[] {
  const b = item.units_per_day_basis;
  const i = item.inputs;
  const stock = item.available + item.inbound;
  return [
    t("why.velocity", { rate: num(item.units_per_day), u7: num(b.units_7d), u30: num(b.units_30d), u90: num(b.units_90d) }),
    item.days_of_cover === null
      ? t("why.stockNoSales", { available: num(item.available), inbound: num(item.inbound), stock: num(stock) })
      : t("why.stock", {
          available: num(item.available),
          inbound: num(item.inbound),
          stock: num(stock),
          cover: num(item.days_of_cover),
          date: item.stockout_date ?? "—",
        }),
    t("why.reorder", {
      reorderPoint: num(item.reorder_point),
      rate: num(item.units_per_day),
      lead: i.lead_time_days,
      safety: i.safety_stock_days,
      target: num(item.target_stock),
      review: i.review_period_days,
      suggested: num(item.suggested_quantity),
      casePack: i.case_pack,
    }),
    ...(i.overridden ? [t("why.overridden")] : []),
    ...(item.amazon_recommendation
      ? [
          t("why.amazon", {
            quantity: num(item.amazon_recommendation.recommended_quantity),
            date: item.amazon_recommendation.recommended_ship_date ?? "—",
            time: formatDateTime(item.amazon_recommendation.synced_at),
          }),
        ]
      : []),
    t("why.source", { inventory: formatDateTime(i.inventory_synced_at), orders: formatDateTime(i.orders_synced_at), timeZone: i.time_zone }),
  ];
}
