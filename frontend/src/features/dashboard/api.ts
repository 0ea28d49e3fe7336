import {
  inventoryListInventory,
  listingsListListingsAttention,
  ordersGetOrderSummary,
  replenishmentGetDecisionJournal,
  replenishmentListReplenishment,
  syncGetSync,
  syncRequestSync,
} from "../../client/sdk.gen";
import type { InventorySort, Status, StockFilter, SyncStatus } from "../../client/types.gen";
import { unwrap } from "../../lib/api";

export type {
  AttentionItem,
  DatasetStatus,
  InventoryItem,
  InventoryPage,
  LateOrder,
  OrderSalesSummary,
  ReplenishmentItem,
  ReplenishmentPage,
  SyncStatus,
} from "../../client/types.gen";

export type { StockFilter } from "../../client/types.gen";
export type InventoryQuery = { q: string; stock: StockFilter | ""; marketplace: string; sort: InventorySort; cursor?: string | null };

const inventoryParams = (query: InventoryQuery) => ({
  q: query.q.trim() || undefined,
  stock: query.stock || undefined,
  marketplace_id: query.marketplace || undefined,
  sort: query.sort,
});

/** One page of the inventory snapshot, filtered and sorted by the server; totals cover every match. */
export const fetchInventoryPage = (storeId: string, query: InventoryQuery, limit = 50) =>
  unwrap(
    inventoryListInventory({
      path: { store_id: storeId },
      query: { ...inventoryParams(query), limit, cursor: query.cursor ?? undefined },
    }),
  );

/** The server's CSV export of every matching row (same filters), downloaded from our own origin. */
export function csvUrl(path: string, params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams({ format: "csv" });
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  return `${path}?${search.toString()}`;
}

export const inventoryCsvUrl = (storeId: string, query: InventoryQuery) =>
  csvUrl(`/api/v1/stores/${storeId}/inventory`, inventoryParams(query));

export const fetchOrderSummary = (storeId: string, days: number) =>
  unwrap(ordersGetOrderSummary({ path: { store_id: storeId }, query: { days } }));

export const fetchReplenishment = (storeId: string, status: Status | "") =>
  unwrap(replenishmentListReplenishment({ path: { store_id: storeId }, query: { status: status || undefined } }));

export const fetchDecisionJournal = (storeId: string) =>
  unwrap(replenishmentGetDecisionJournal({ path: { store_id: storeId } }));

export const fetchListingsAttention = (storeId: string) =>
  unwrap(listingsListListingsAttention({ path: { store_id: storeId } }));

export const fetchSyncStatus = (storeId: string): Promise<SyncStatus> => unwrap(syncGetSync({ path: { store_id: storeId } }));

/** Queues a refresh of `datasets` (inventory and orders when omitted); owners only. */
export const requestSync = (storeId: string, datasets?: string[]): Promise<SyncStatus> =>
  unwrap(syncRequestSync({ path: { store_id: storeId }, body: datasets ? { datasets, full: false } : {} }));
