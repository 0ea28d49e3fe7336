import { inventoryListInventory, ordersListOrders } from "../../client/sdk.gen";
import type { InventoryItem, OrderSummary } from "../../client/types.gen";
import { apiFetch, unwrap } from "../../lib/api";

const MAX_PAGES = 40;

/** Follows next_cursor promptly (Amazon's inventory page tokens expire after 30 s). */
export async function fetchAllInventory(storeId: string, onPage?: (rows: number) => void): Promise<InventoryItem[]> {
  const items: InventoryItem[] = [];
  let cursor: string | null | undefined = undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result: { items: InventoryItem[]; next_cursor?: string | null } = await unwrap(inventoryListInventory({ path: { store_id: storeId }, query: { cursor } }));
    items.push(...result.items);
    onPage?.(items.length);
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  return items;
}

export async function fetchRecentOrders(storeId: string, days: number, onPage?: (rows: number) => void): Promise<OrderSummary[]> {
  const items: OrderSummary[] = [];
  let cursor: string | null | undefined = undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result: { items: OrderSummary[]; next_cursor?: string | null } = await unwrap(
      ordersListOrders({ path: { store_id: storeId }, query: { days, limit: 100, cursor } }),
    );
    items.push(...result.items);
    onPage?.(items.length);
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  return items;
}

// Issue 6 contracts (synced datasets). Until the server has them the panels say "not available yet".
export type DayFigure = { date: string; orders: number; units: number; revenue: string | number };
export type OrderSummaryReport = {
  days: DayFigure[];
  time_zone?: string;
  currency?: string;
  status_counts?: Record<string, number>;
  late_unshipped?: { order_id: string; latest_ship_date: string; status: string }[];
};
export type ReplenishmentItem = {
  sku: string;
  asin?: string | null;
  marketplace_id?: string;
  status: string;
  units_per_day: number | string;
  basis?: string;
  days_of_cover: number | string | null;
  stockout_date?: string | null;
  reorder_point?: number;
  suggested_quantity?: number;
  why: string;
};
export type ListingAttention = { asin: string; sku?: string | null; marketplace_id?: string; reason: string; severity?: string };
export type SyncStatus = { datasets?: { dataset: string; state: string; last_synced_at?: string | null; error?: string | null }[] };

type Items<T> = { items: T[] } | T[];
const items = <T,>(body: Items<T>): T[] => (Array.isArray(body) ? body : body.items);

export const fetchOrderSummary = (storeId: string, days: number) =>
  apiFetch<OrderSummaryReport>(`/api/v1/stores/${storeId}/orders/summary?days=${days}`);
export const fetchReplenishment = async (storeId: string) =>
  items(await apiFetch<Items<ReplenishmentItem>>(`/api/v1/stores/${storeId}/replenishment`));
export const fetchListingsAttention = async (storeId: string) =>
  items(await apiFetch<Items<ListingAttention>>(`/api/v1/stores/${storeId}/listings/attention`));
export const fetchSyncStatus = (storeId: string) => apiFetch<SyncStatus>(`/api/v1/stores/${storeId}/sync`);
export const requestSync = (storeId: string) => apiFetch<unknown>(`/api/v1/stores/${storeId}/sync`, { method: "POST" });
