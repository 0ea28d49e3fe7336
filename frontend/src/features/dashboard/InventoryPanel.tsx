import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { DataTable } from "../../components/common/DataTable";
import { Panel } from "../../components/common/Panel";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { formatNumber } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { fetchInventoryPage, inventoryCsvUrl, type InventoryItem, type InventoryQuery, type StockFilter } from "./api";
import { fromServerSort, isServerSortable, stockStatus, toServerSort } from "./inventory";
import { Freshness, isRunning, useReloadAfterSync, useSyncStatus } from "./sync";
import { retryServerError } from "../../lib/api";

const STOCK_FILTERS: StockFilter[] = ["in_stock", "out_of_stock", "inbound", "unfulfillable"];
const PAGE_SIZE = 50;

function useDebounced<T>(value: T, ms = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function InventoryPanel({
  storeId,
  region,
  role,
  marketplaces,
}: {
  storeId: string;
  region: string;
  role: string;
  marketplaces: string[];
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<Omit<InventoryQuery, "q" | "cursor">>({ stock: "", marketplace: "", sort: "sku" });
  // Cursors of the pages before the current one: "Previous" pops, "Next" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const q = useDebounced(search);
  const query: InventoryQuery = { ...filter, q, cursor: cursors[cursors.length - 1] };
  useEffect(() => setCursors([null]), [q, filter]);
  const inventory = useQuery({
    queryKey: queryKeys.storeData(storeId, "inventory", query),
    queryFn: () => fetchInventoryPage(storeId, query, PAGE_SIZE),
    placeholderData: keepPreviousData,
    retry: retryServerError,
  });
  useReloadAfterSync(storeId, ["inventory"], queryKeys.storeData(storeId, "inventory"));
  const sync = useSyncStatus(storeId);
  const firstSync = sync.data?.datasets.some((d) => d.dataset === "inventory" && !d.last_success_at && (isRunning(d) || d.state === "never"));
  const columns = useMemo<ColumnDef<InventoryItem, unknown>[]>(() => {
    const count = (c: { getValue: () => unknown }) => formatNumber(Number(c.getValue()));
    const defs: (ColumnDef<InventoryItem, unknown> & { accessorKey?: string })[] = [
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
      { accessorKey: "fulfillable", header: t("inventory.columns.fulfillable"), cell: count },
      { id: "inbound", accessorFn: (i: InventoryItem) => i.inbound ?? 0, header: t("inventory.columns.inbound"), cell: count },
      { accessorKey: "reserved", header: t("inventory.columns.reserved"), cell: count },
      { accessorKey: "unfulfillable", header: t("inventory.columns.unfulfillable"), cell: count },
      { accessorKey: "total", header: t("inventory.columns.total"), cell: count },
    ];
    return defs.map((c) => ({ ...c, enableSorting: isServerSortable(c.id ?? String(c.accessorKey)) })) as ColumnDef<InventoryItem, unknown>[];
  }, [t]);
  const page = inventory.data;
  const filtered = !!(q.trim() || filter.stock || filter.marketplace);
  const first = (cursors.length - 1) * PAGE_SIZE;

  return (
    <Panel
      id="inventory"
      title={t("inventory.title")}
      freshness={<Freshness storeId={storeId} datasets={["inventory"]} stale={page?.stale} role={role} region={region} syncDatasets={["inventory"]} />}
      actions={
        page && page.totals.skus > 0 ? (
          <a className="button" href={inventoryCsvUrl(storeId, query)} download data-testid="export-inventory">
            {t("inventory.export")}
          </a>
        ) : (
          <button type="button" disabled data-testid="export-inventory">{t("inventory.export")}</button>
        )
      }
    >
      <div className="filters row" role="search">
        <label>
          {t("inventory.search")}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label>
          {t("inventory.filterStatus")}
          <select value={filter.stock} onChange={(e) => setFilter({ ...filter, stock: e.target.value as StockFilter | "" })}>
            <option value="">{t("common.all")}</option>
            {STOCK_FILTERS.map((s) => (
              <option key={s} value={s}>{t(`inventory.stock.${s}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("inventory.filterMarketplace")}
          <select value={filter.marketplace} onChange={(e) => setFilter({ ...filter, marketplace: e.target.value })}>
            <option value="">{t("common.all")}</option>
            {marketplaces.map((m) => (
              <option key={m} value={m}>{t(`marketplaces.${m}`, { defaultValue: m })}</option>
            ))}
          </select>
        </label>
      </div>
      {inventory.isPending && <Loading />}
      {inventory.error && (
        <ErrorState error={inventory.error} what={t("inventory.title")} region={region} onRetry={() => void inventory.refetch()} />
      )}
      {page && page.totals.skus === 0 && (
        filtered ? (
          <EmptyState title={t("inventory.noMatch")} hint={t("inventory.noMatchHint")} />
        ) : firstSync ? (
          <EmptyState title={t("inventory.firstSync")} hint={t("inventory.firstSyncHint")} />
        ) : (
          <EmptyState title={t("inventory.empty")} hint={t("inventory.emptyHint")} />
        )
      )}
      {page && page.totals.skus > 0 && (
        <>
          <p className="muted small" data-testid="inventory-totals">
            {t("inventory.totals", {
              count: page.totals.skus,
              fulfillable: formatNumber(page.totals.fulfillable),
              inbound: formatNumber(page.totals.inbound),
              unfulfillable: formatNumber(page.totals.unfulfillable),
            })}
          </p>
          <DataTable
            data={page.items}
            columns={columns}
            caption={t("inventory.title")}
            testId="inventory-table"
            server={{
              sorting: fromServerSort(filter.sort),
              onSortingChange: (s) => setFilter({ ...filter, sort: toServerSort(s) }),
              pager: (
                <nav className="pager row" aria-label={t("table.pagination")}>
                  <button type="button" onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length < 2}>
                    {t("table.previous")}
                  </button>
                  <span className="muted small">
                    {t("inventory.range", { from: first + 1, to: first + page.items.length, total: page.totals.skus })}
                  </span>
                  <button
                    type="button"
                    onClick={() => page.next_cursor && setCursors([...cursors, page.next_cursor])}
                    disabled={!page.next_cursor || inventory.isPlaceholderData}
                  >
                    {t("table.next")}
                  </button>
                </nav>
              ),
            }}
          />
        </>
      )}
    </Panel>
  );
}
