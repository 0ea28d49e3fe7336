import { reportsGetReportRows, reportsListReports, reportsRequestReport } from "../../client/sdk.gen";
import type { ReportCreate } from "../../client/types.gen";
import { unwrap } from "../../lib/api";

export type { ReportItem, ReportPage, ReportRowsPage } from "../../client/types.gen";

/** The report types the server parses (reports/headers.py). */
export const REPORT_TYPES = [
  "GET_MERCHANT_LISTINGS_ALL_DATA",
  "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
  "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
  "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT",
] as const;

export const PENDING = new Set(["REQUESTED", "IN_QUEUE", "IN_PROGRESS"]);

export const listReports = (storeId: string, cursor?: string | null) =>
  unwrap(reportsListReports({ path: { store_id: storeId }, query: { limit: 50, cursor: cursor ?? undefined } }));

export const requestReport = (storeId: string, body: ReportCreate) =>
  unwrap(reportsRequestReport({ path: { store_id: storeId }, body }));

export const reportRows = (storeId: string, reportId: string, cursor?: string | null) =>
  unwrap(reportsGetReportRows({ path: { store_id: storeId, report_id: reportId }, query: { limit: 50, cursor: cursor ?? undefined } }));

const base = (storeId: string, reportId: string) => `/api/v1/stores/${storeId}/reports/${reportId}`;
/** Amazon's document as it was downloaded (decompressed, its own charset). */
export const documentUrl = (storeId: string, reportId: string, error = false) =>
  `${base(storeId, reportId)}/document${error ? "?error=true" : ""}`;
/** Every parsed row as CSV. */
export const rowsCsvUrl = (storeId: string, reportId: string) => `${base(storeId, reportId)}/rows?format=csv`;
