// Every store query key starts with ["stores", storeId]: one invalidation refreshes a store, and
// switching stores never shows another store's cache.
export const queryKeys = {
  me: ["me"] as const,
  stores: ["stores"] as const,
  store: (storeId: string) => ["stores", storeId] as const,
  storeData: (storeId: string, dataset: string, ...rest: unknown[]) =>
    ["stores", storeId, dataset, ...rest] as const,
  myAudit: (...rest: unknown[]) => ["audit", ...rest] as const,
  account: (what: string) => ["account", what] as const,
};
