import { queryOptions } from "@tanstack/react-query";
import { storesGetStore, storesListStores } from "../../client/sdk.gen";
import { apiFetch, unwrap } from "../../lib/api";
import { queryKeys } from "../../lib/query-keys";

export const storesQuery = queryOptions({
  queryKey: queryKeys.stores,
  queryFn: () => unwrap(storesListStores()),
});

export const storeQuery = (storeId: string) =>
  queryOptions({
    queryKey: queryKeys.store(storeId),
    queryFn: () => unwrap(storesGetStore({ path: { store_id: storeId } })),
  });

export const syncQuery = (storeId: string) =>
  queryOptions({
    queryKey: queryKeys.storeData(storeId, "sync"),
    queryFn: () =>
      apiFetch<{ datasets?: { dataset: string; last_synced_at?: string | null }[] }>(`/api/v1/stores/${storeId}/sync`),
    retry: false,
  });
