import { queryOptions } from "@tanstack/react-query";
import { storesGetStore, storesListStores, syncGetSync } from "../../client/sdk.gen";
import { unwrap } from "../../lib/api";
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
    queryFn: () => unwrap(syncGetSync({ path: { store_id: storeId } })),
    retry: false,
  });
