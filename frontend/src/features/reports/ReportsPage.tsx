import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { scrollable } from "../../components/common/scrollable";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { formatDateTime, formatNumber } from "../../lib/format";
import { problemMessage } from "../../lib/problem";
import { queryKeys } from "../../lib/query-keys";
import { documentUrl, listReports, PENDING, REPORT_TYPES, reportRows, requestReport, rowsCsvUrl, type ReportItem } from "./api";

export const REPORT_POLL_MS = 3000;
const TONE: Record<string, string> = { DONE: "ok", FATAL: "bad", CANCELLED: "warn" };

/** The first page of a DONE report's parsed rows, with "more" by the server's cursor. */
function ReportRows({ storeId, report }: { storeId: string; report: ReportItem }) {
  const { t } = useTranslation();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const rows = useQuery({
    queryKey: queryKeys.storeData(storeId, "report-rows", report.id, cursor),
    queryFn: () => reportRows(storeId, report.id, cursor),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const label = t("reports.rowsOf", { type: t(`reports.types.${report.report_type}`, { defaultValue: report.report_type }) });
  if (rows.isPending) return <Loading />;
  if (rows.error) return <ErrorState error={rows.error} what={label} onRetry={() => void rows.refetch()} />;
  const columns = Object.keys(rows.data.columns);
  return (
    <div className="stack" data-testid="report-rows">
      {rows.data.items.length === 0 ? (
        <EmptyState title={t("reports.noRows")} />
      ) : (
        <div className="table-wrap" {...scrollable(label)}>
          <table className="compact">
            <caption className="sr-only">{label}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.line")}</th>
                {columns.map((c) => (
                  <th scope="col" key={c} title={rows.data.columns[c]}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.data.items.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  {columns.map((c) => (
                    <td key={c}>{r.data[c] === null || r.data[c] === undefined ? "—" : String(r.data[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager row" aria-label={t("table.pagination")}>
        <button type="button" onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length < 2}>
          {t("table.previous")}
        </button>
        <button
          type="button"
          onClick={() => rows.data.next_cursor && setCursors([...cursors, rows.data.next_cursor])}
          disabled={!rows.data.next_cursor || rows.isPlaceholderData}
        >
          {t("table.next")}
        </button>
      </nav>
    </div>
  );
}

function RequestReport({ storeId, onRequested }: { storeId: string; onRequested: (r: ReportItem) => void }) {
  const { t } = useTranslation();
  const [type, setType] = useState<string>(REPORT_TYPES[0]);
  const request = useMutation({
    mutationFn: () => requestReport(storeId, { report_type: type }),
    onSuccess: onRequested,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate();
  };
  return (
    <form className="row filters" onSubmit={submit} aria-labelledby="report-request-title" data-testid="report-request">
      <h3 id="report-request-title" className="h3">{t("reports.request")}</h3>
      <label>
        {t("reports.type")}
        <select value={type} onChange={(e) => setType(e.target.value)}>
          {REPORT_TYPES.map((r) => (
            <option key={r} value={r}>{t(`reports.types.${r}`)}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={request.isPending}>{t("reports.requestButton")}</button>
      {request.data && !request.error && (
        <p role="status">{request.data.reused ? t("reports.reused") : t("reports.requested")}</p>
      )}
      {request.error && <p role="alert" className="error-text">{problemMessage(t, request.error, t("reports.title"))}</p>}
    </form>
  );
}

/** Amazon reports of the store: what was asked, when, its state, the original document and parsed rows. */
export function ReportsPage({ storeId, role, region }: { storeId: string; role: string; region: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const key = queryKeys.storeData(storeId, "reports");
  const reports = useQuery({
    queryKey: [...key, cursor],
    queryFn: () => listReports(storeId, cursor),
    placeholderData: keepPreviousData,
    retry: false,
    refetchInterval: (q) => (q.state.data?.items.some((r) => PENDING.has(r.processing_status)) ? REPORT_POLL_MS : false),
  });
  const owner = role === "owner";
  return (
    <section className="panel stack" aria-labelledby="reports-title" data-testid="reports">
      <h2 id="reports-title">{t("reports.title")}</h2>
      <p className="muted">{t("reports.intro")}</p>
      {owner ? (
        <RequestReport storeId={storeId} onRequested={() => void qc.invalidateQueries({ queryKey: key })} />
      ) : (
        <p className="muted small">{t("reports.ownersOnly")}</p>
      )}
      {reports.isPending && <Loading />}
      {reports.error && <ErrorState error={reports.error} what={t("reports.title")} region={region} onRetry={() => void reports.refetch()} />}
      {reports.data && reports.data.items.length === 0 && <EmptyState title={t("reports.empty")} hint={t("reports.emptyHint")} />}
      {reports.data && reports.data.items.length > 0 && (
        <div className="table-wrap" {...scrollable(t("reports.title"))}>
          <table data-testid="reports-table">
            <caption className="sr-only">{t("reports.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.type")}</th>
                <th scope="col">{t("reports.status")}</th>
                <th scope="col">{t("reports.requestedAt")}</th>
                <th scope="col">{t("reports.doneAt")}</th>
                <th scope="col">{t("reports.rows")}</th>
                <th scope="col"><span className="sr-only">{t("reports.actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {reports.data.items.map((r) => {
                const name = t(`reports.types.${r.report_type}`, { defaultValue: r.report_type });
                return (
                  <tr key={r.id} data-testid={`report-${r.id}`}>
                    <td>
                      <strong>{name}</strong>
                      <div className="muted small">
                        {r.marketplace_ids.join(", ")} · {t(`reports.purposes.${r.purpose}`, { defaultValue: r.purpose })}
                      </div>
                    </td>
                    <td>
                      <span className={`badge ${TONE[r.processing_status] ?? "warn"}`}>
                        {t(`reports.statuses.${r.processing_status}`, { defaultValue: r.processing_status })}
                      </span>
                      {r.error && <div className="muted small" lang="en">{r.error}</div>}
                    </td>
                    <td>{formatDateTime(r.requested_at)}</td>
                    <td>{formatDateTime(r.done_at)}</td>
                    <td>{r.row_count === null ? "—" : formatNumber(r.row_count)}</td>
                    <td>
                      <div className="row">
                        {r.processing_status === "DONE" && r.report_document_id && (
                          <>
                            <a className="button" href={documentUrl(storeId, r.id)} download aria-label={t("reports.downloadOriginalOf", { name })}>
                              {t("reports.downloadOriginal")}
                            </a>
                            <a className="button" href={rowsCsvUrl(storeId, r.id)} download aria-label={t("reports.downloadRowsOf", { name })}>
                              {t("reports.downloadRows")}
                            </a>
                            <button
                              type="button"
                              aria-expanded={open === r.id}
                              aria-label={t(open === r.id ? "reports.hideRowsOf" : "reports.showRowsOf", { name })}
                              onClick={() => setOpen(open === r.id ? null : r.id)}
                            >
                              {open === r.id ? t("reports.hideRows") : t("reports.showRows")}
                            </button>
                          </>
                        )}
                        {r.processing_status === "FATAL" && r.error_content_type && (
                          <a className="button" href={documentUrl(storeId, r.id, true)} download aria-label={t("reports.downloadErrorOf", { name })}>
                            {t("reports.downloadError")}
                          </a>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {reports.data && (cursors.length > 1 || reports.data.next_cursor) && (
        <nav className="pager row" aria-label={t("table.pagination")}>
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length < 2}>
            {t("table.previous")}
          </button>
          <button
            type="button"
            onClick={() => reports.data.next_cursor && setCursors([...cursors, reports.data.next_cursor])}
            disabled={!reports.data.next_cursor}
          >
            {t("table.next")}
          </button>
        </nav>
      )}
      {open && reports.data?.items.some((r) => r.id === open) && (
        <ReportRows storeId={storeId} report={reports.data.items.find((r) => r.id === open)!} />
      )}
    </section>
  );
}
