import type { SortingState } from "@tanstack/react-table";
import type { InventoryItem, InventorySort } from "../../client/types.gen";

export type StockStatus = "in_stock" | "inbound_only" | "out_of_stock";

export function stockStatus(item: InventoryItem): StockStatus {
  if (item.fulfillable > 0) return "in_stock";
  return (item.inbound ?? item.inbound_working + item.inbound_shipped + item.inbound_receiving) > 0 ? "inbound_only" : "out_of_stock";
}

/** Columns the server can sort by, and the directions it offers (unfulfillable: most first only). */
const SORTABLE: Record<string, InventorySort[]> = {
  sku: ["sku", "-sku"],
  fulfillable: ["fulfillable", "-fulfillable"],
  inbound: ["inbound", "-inbound"],
  total: ["total", "-total"],
  unfulfillable: ["-unfulfillable"],
};
export const isServerSortable = (column: string) => column in SORTABLE;

export function toServerSort(sorting: SortingState): InventorySort {
  const first = sorting[0];
  const options = first ? SORTABLE[first.id] : undefined;
  if (!first || !options) return "sku";
  return options.find((o) => o.startsWith("-") === first.desc) ?? options[0];
}

export function fromServerSort(sort: InventorySort): SortingState {
  return [{ id: sort.replace(/^-/, ""), desc: sort.startsWith("-") }];
}
