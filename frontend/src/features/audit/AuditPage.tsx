import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { AuditEventRead, PageAuditEventRead } from "../../client/types.gen";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { apiFetch } from "../../lib/api";
import { downloadText, toCsv } from "../../lib/csv";
import { formatDateTime } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { scrollable } from "../../components/common/scrollable";

export type AuditFilter = { from: string; to: string; action: string; reason: string; operation: string; actor: string };
const EMPTY: AuditFilter = { from: "", to: "", action: "", reason: "", operation: "", actor: "" };
const PAGE_SIZE = 50;

/** Applied in the browser too, so a server without the issue-7 filters never shows unfiltered rows. */
export function matchesFilter(event: AuditEventRead, f: AuditFilter): boolean {
  const at = event.occurred_at.slice(0, 10);
  return (
    (!f.from || at >= f.from) &&
    (!f.to || at <= f.to) &&
    (!f.action || event.action.includes(f.action)) &&
    (!f.reason || event.reason.includes(f.reason)) &&
    (!f.operation || (event.operation ?? "").includes(f.operation)) &&
    (!f.actor || (event.actor_id ?? event.actor_type).includes(f.actor))
  );
}

const CSV_HEADER = ["id", "occurred_at", "store_id", "actor_type", "actor_id", "action", "reason", "operation", "status_code", "amazon_request_id", "request_id"];

export function AuditPage({ storeId }: { storeId?: string }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const base = storeId ? `/api/v1/stores/${storeId}/audit-events` : "/api/v1/audit-events";
  const q = useQuery({
    queryKey: storeId ? queryKeys.storeData(storeId, "audit", filter, cursor) : queryKeys.myAudit(filter, cursor),
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) params.set("cursor", cursor);
      for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
      return apiFetch<PageAuditEventRead>(`${base}?${params}`);
    },
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => (q.data?.items ?? []).filter((e) => matchesFilter(e, filter)), [q.data, filter]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setCursors([null]);
  };
  const stamp = new Date().toISOString().slice(0, 10);
  const exportCsv = () =>
    downloadText(
      `audit-${storeId ?? "all"}-${stamp}.csv`,
      toCsv(CSV_HEADER, rows.map((e) => CSV_HEADER.map((k) => e[k as keyof AuditEventRead] as string | number | null))),
    );
  const exportJsonl = () =>
    downloadText(`audit-${storeId ?? "all"}-${stamp}.jsonl`, rows.map((e) => JSON.stringify(e)).join("\n") + "\n", "application/x-ndjson");
  const field = (key: keyof AuditFilter, type = "text") => (
    <label>
      {t(`audit.filters.${key}`)}
      <input type={type} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </label>
  );

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t("audit.title")}</h2>
      <p className="muted">{t("audit.intro")}</p>
      <form className="filters row" onSubmit={apply} role="search">
        {field("from", "date")}
        {field("to", "date")}
        {field("action")}
        {field("reason")}
        {field("operation")}
        {field("actor")}
        <button type="submit">{t("audit.apply")}</button>
      </form>
      <div className="row">
        <button type="button" onClick={exportCsv} disabled={!rows.length}>{t("audit.exportCsv")}</button>
        <button type="button" onClick={exportJsonl} disabled={!rows.length}>{t("audit.exportJsonl")}</button>
        <span className="muted small">{t("audit.exportNote")}</span>
      </div>
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("audit.title")} onRetry={() => void q.refetch()} />}
      {q.data && rows.length === 0 && <EmptyState title={t("audit.empty")} />}
      {rows.length > 0 && (
        <div className="table-wrap" {...scrollable(t("audit.title"))}>
          <table data-testid="audit-table">
            <caption className="sr-only">{t("audit.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("audit.columns.time")}</th>
                <th scope="col">{t("audit.columns.actor")}</th>
                <th scope="col">{t("audit.columns.action")}</th>
                <th scope="col">{t("audit.columns.reason")}</th>
                <th scope="col">{t("audit.columns.operation")}</th>
                <th scope="col">{t("audit.columns.status")}</th>
                <th scope="col">{t("audit.columns.requestId")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.occurred_at)}</td>
                  <td>{t(`audit.actors.${e.actor_type}`, { defaultValue: e.actor_type })}</td>
                  <td><code>{e.action}</code></td>
                  <td>{t(`audit.reasons.${e.reason}`, { defaultValue: e.reason })}</td>
                  <td>{e.operation ?? "—"}</td>
                  <td>{e.status_code ?? "—"}</td>
                  <td className="small">{e.amazon_request_id ?? e.request_id ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager row" aria-label={t("table.pagination")}>
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t("table.previous")}
        </button>
        <span className="muted small">{t("audit.page", { page: cursors.length })}</span>
        <button type="button" disabled={!q.data?.next_cursor} onClick={() => setCursors([...cursors, q.data?.next_cursor ?? null])}>
          {t("table.next")}
        </button>
      </nav>
    </section>
  );
}
