import {
  flexRender,
  getCoreRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { scrollable } from "./scrollable";

/**
 * Sortable, paginated table (TanStack Table); filtering is done by the caller on `data`.
 * With `server`, sorting and paging are the server's: the caller owns the sort state and the pager.
 */
export function DataTable<T>({
  data,
  columns,
  caption,
  pageSize = 25,
  testId,
  server,
}: {
  data: T[];
  columns: ColumnDef<T, unknown>[];
  caption: string;
  pageSize?: number;
  testId?: string;
  server?: { sorting: SortingState; onSortingChange: (sorting: SortingState) => void; pager: ReactNode };
}) {
  const { t } = useTranslation();
  const [localSorting, setLocalSorting] = useState<SortingState>([]);
  const sorting = server ? server.sorting : localSorting;
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      if (server) server.onSortingChange(next);
      else setLocalSorting(next);
    },
    manualSorting: !!server,
    manualPagination: !!server,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getPaginationRowModel: getPaginationRowModel(),
    initialState: { pagination: { pageSize: server ? Number.MAX_SAFE_INTEGER : pageSize } },
  });
  const page = table.getState().pagination.pageIndex;
  return (
    <div className="table-wrap" {...scrollable(caption)}>
      <table data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                  >
                    {header.column.getCanSort() ? (
                      <button type="button" className="link" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}</span>
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {server ? (
        server.pager
      ) : (
      <nav className="pager row" aria-label={t("table.pagination")}>
        <button type="button" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
          {t("table.previous")}
        </button>
        <span className="muted small">
          {t("table.pageOf", { page: page + 1, pages: Math.max(1, table.getPageCount()), rows: data.length })}
        </span>
        <button type="button" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
          {t("table.next")}
        </button>
      </nav>
      )}
    </div>
  );
}
