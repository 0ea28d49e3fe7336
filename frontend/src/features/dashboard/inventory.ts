import type { InventoryItem } from "../../client/types.gen";

export type StockStatus = "in_stock" | "inbound_only" | "out_of_stock";

export function inbound(item: InventoryItem): number {
  return item.inbound_working + item.inbound_shipped + item.inbound_receiving;
}

export function stockStatus(item: InventoryItem): StockStatus {
  if (item.fulfillable > 0) return "in_stock";
  return inbound(item) > 0 ? "inbound_only" : "out_of_stock";
}

export type InventoryFilter = { search: string; status: StockStatus | ""; marketplace: string };

export function filterInventory(items: InventoryItem[], filter: InventoryFilter): InventoryItem[] {
  const needle = filter.search.trim().toLowerCase();
  return items.filter(
    (item) =>
      (!filter.status || stockStatus(item) === filter.status) &&
      (!filter.marketplace || item.marketplace_id === filter.marketplace) &&
      (!needle ||
        [item.sku, item.asin, item.fnsku, item.product_name].some((v) => v?.toLowerCase().includes(needle))),
  );
}

export const INVENTORY_CSV_HEADER = [
  "sku", "asin", "fnsku", "product_name", "marketplace_id", "status", "fulfillable", "inbound_working",
  "inbound_shipped", "inbound_receiving", "reserved", "unfulfillable", "researching", "total", "last_updated",
];

export function inventoryCsvRows(items: InventoryItem[]) {
  return items.map((i) => [
    i.sku, i.asin, i.fnsku, i.product_name, i.marketplace_id, stockStatus(i), i.fulfillable, i.inbound_working,
    i.inbound_shipped, i.inbound_receiving, i.reserved, i.unfulfillable, i.researching, i.total, i.last_updated,
  ]);
}
