import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { InventoryItem } from "../../client/types.gen";
import { DataTable } from "../../components/common/DataTable";
import { Panel } from "../../components/common/Panel";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { ApiError } from "../../lib/api";
import { downloadText, toCsv } from "../../lib/csv";
import { formatNumber } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { fetchAllInventory } from "./api";
import { filterInventory, inbound, INVENTORY_CSV_HEADER, inventoryCsvRows, stockStatus, type InventoryFilter } from "./inventory";

export function InventoryPanel({ storeId, region }: { storeId: string; region: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [loaded, setLoaded] = useState(0);
  const inventory = useQuery({
    queryKey: queryKeys.storeData(storeId, "inventory"),
    queryFn: async () => {
      setLoaded(0);
      try {
        return await fetchAllInventory(storeId, setLoaded);
      } catch (error) {
        // A revocation changes the store's status: refresh the header and the store list.
        if (error instanceof ApiError && error.code === "store_revoked") {
          void queryClient.invalidateQueries({ queryKey: queryKeys.stores, exact: false, refetchType: "active" });
        }
        throw error;
      }
    },
    retry: false,
    staleTime: 5 * 60_000,
  });
  const [filter, setFilter] = useState<InventoryFilter>({ search: "", status: "", marketplace: "" });
  const rows = useMemo(() => filterInventory(inventory.data ?? [], filter), [inventory.data, filter]);
  const marketplaces = useMemo(
    () => [...new Set((inventory.data ?? []).map((i) => i.marketplace_id))].sort(),
    [inventory.data],
  );
  const columns = useMemo<ColumnDef<InventoryItem, unknown>[]>(
    () => [
      { accessorKey: "sku", header: t("inventory.columns.sku") },
      { accessorKey: "asin", header: t("inventory.columns.asin") },
      { accessorKey: "product_name", header: t("inventory.columns.product") },
      { accessorKey: "marketplace_id", header: t("inventory.columns.marketplace") },
      {
        id: "status",
        accessorFn: stockStatus,
        header: t("inventory.columns.status"),
        cell: (c) => <span className={`badge ${c.getValue() === "in_stock" ? "ok" : c.getValue() === "inbound_only" ? "warn" : "bad"}`}>{t(`inventory.status.${String(c.getValue())}`)}</span>,
      },
      { accessorKey: "fulfillable", header: t("inventory.columns.fulfillable"), cell: (c) => formatNumber(Number(c.getValue())) },
      { id: "inbound", accessorFn: inbound, header: t("inventory.columns.inbound"), cell: (c) => formatNumber(Number(c.getValue())) },
      { accessorKey: "reserved", header: t("inventory.columns.reserved"), cell: (c) => formatNumber(Number(c.getValue())) },
      { accessorKey: "unfulfillable", header: t("inventory.columns.unfulfillable"), cell: (c) => formatNumber(Number(c.getValue())) },
      { accessorKey: "total", header: t("inventory.columns.total"), cell: (c) => formatNumber(Number(c.getValue())) },
    ],
    [t],
  );
  const exportCsv = () =>
    downloadText(`inventory-${storeId}-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(INVENTORY_CSV_HEADER, inventoryCsvRows(rows)));

  return (
    <Panel
      id="inventory"
      title={t("inventory.title")}
      updatedAt={inventory.dataUpdatedAt || undefined}
      fetching={inventory.isFetching}
      progress={t("inventory.progress", { count: loaded })}
      onRefresh={() => void inventory.refetch()}
      actions={
        <button type="button" onClick={exportCsv} disabled={!rows.length} data-testid="export-inventory">
          {t("inventory.export")}
        </button>
      }
    >
      <div className="filters row" role="search">
        <label>
          {t("inventory.search")}
          <input type="search" value={filter.search} onChange={(e) => setFilter({ ...filter, search: e.target.value })} />
        </label>
        <label>
          {t("inventory.filterStatus")}
          <select value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as InventoryFilter["status"] })}>
            <option value="">{t("common.all")}</option>
            {(["in_stock", "inbound_only", "out_of_stock"] as const).map((s) => (
              <option key={s} value={s}>{t(`inventory.status.${s}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("inventory.filterMarketplace")}
          <select value={filter.marketplace} onChange={(e) => setFilter({ ...filter, marketplace: e.target.value })}>
            <option value="">{t("common.all")}</option>
            {marketplaces.map((m) => (
              <option key={m} value={m}>{m}</option>
            ))}
          </select>
        </label>
      </div>
      {inventory.isPending && <Loading label={t("inventory.progress", { count: loaded })} />}
      {inventory.error && (
        <ErrorState error={inventory.error} what={t("inventory.title")} region={region} onRetry={() => void inventory.refetch()} />
      )}
      {inventory.data && inventory.data.length === 0 && <EmptyState title={t("inventory.empty")} hint={t("inventory.emptyHint")} />}
      {inventory.data && inventory.data.length > 0 && (
        <>
          <p className="muted small">{t("inventory.summary", { shown: rows.length, total: inventory.data.length })}</p>
          <DataTable data={rows} columns={columns} caption={t("inventory.title")} testId="inventory-table" />
        </>
      )}
    </Panel>
  );
}
