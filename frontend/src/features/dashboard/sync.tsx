import { useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState } from "../../components/common/states";
import { formatDateTime, formatNumber } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { fetchSyncStatus, requestSync, type DatasetStatus, type SyncStatus } from "./api";

export const SYNC_POLL_MS = 1500;
const RUNNING = new Set(["queued", "running"]);
export const isRunning = (d: Pick<DatasetStatus, "state">) => RUNNING.has(d.state);

/** The store's sync document, polled while any dataset is queued or running. */
export function useSyncStatus(storeId: string) {
  return useQuery({
    queryKey: queryKeys.storeData(storeId, "sync"),
    queryFn: () => fetchSyncStatus(storeId),
    retry: false,
    refetchInterval: (q) => (q.state.data?.datasets.some(isRunning) ? SYNC_POLL_MS : false),
  });
}

/** Starts a sync (owners only); its answer (datasets queued) starts the polling at once. */
export function useRequestSync(storeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: ["sync", storeId],
    mutationFn: (datasets?: string[]) => requestSync(storeId, datasets),
    onSuccess: (status: SyncStatus) => qc.setQueryData(queryKeys.storeData(storeId, "sync"), status),
  });
}

/** Reloads `dataKey` when one of `datasets` finishes syncing (running → not running). */
export function useReloadAfterSync(storeId: string, datasets: string[], dataKey: QueryKey) {
  const qc = useQueryClient();
  const status = useSyncStatus(storeId);
  const running = status.data?.datasets.some((d) => datasets.includes(d.dataset) && isRunning(d)) ?? false;
  const was = useRef(false);
  const key = JSON.stringify(dataKey);
  useEffect(() => {
    if (was.current && !running) void qc.invalidateQueries({ queryKey: JSON.parse(key) as QueryKey });
    was.current = running;
  }, [running, qc, key]);
}

/**
 * A panel's freshness: when its datasets were last synced, whether that is stale, progress while
 * a sync runs, the last error, and a refresh button (owners; viewers are told why it is disabled).
 */
export function Freshness({
  storeId,
  datasets,
  stale,
  role,
  region,
  syncDatasets,
}: {
  storeId: string;
  datasets: string[];
  stale?: boolean;
  role: string;
  region: string;
  /** What the refresh button asks the server to sync (default: inventory and orders). */
  syncDatasets?: string[];
}) {
  const { t } = useTranslation();
  const hintId = useId();
  const status = useSyncStatus(storeId);
  const sync = useRequestSync(storeId);
  const mine = (status.data?.datasets ?? []).filter((d) => datasets.includes(d.dataset));
  const running = mine.filter(isRunning);
  const failed = mine.filter((d) => d.state === "failed" || d.state === "stopped");
  const successes = mine.map((d) => d.last_success_at).filter((v): v is string => !!v).sort();
  const owner = role === "owner";
  const label = (d: DatasetStatus) => t(`sync.datasets.${d.dataset}`, { defaultValue: d.dataset });
  return (
    <div className="freshness" data-testid="freshness">
      <span className="muted small" aria-live="polite" role="status">
        {running.length > 0
          ? running
              .map((d) =>
                d.state === "queued"
                  ? t("sync.queued", { dataset: label(d) })
                  : t("sync.progress", { dataset: label(d), rows: formatNumber(d.rows_seen ?? 0), count: d.pages ?? 0 }),
              )
              .join(" · ")
          : successes.length
            ? t("sync.syncedAt", { time: formatDateTime(successes[0]) })
            : status.data
              ? t("sync.never")
              : null}
      </span>
      {stale && running.length === 0 && (
        <span className="badge warn" title={t("sync.staleHint")}>{t("sync.stale")}</span>
      )}
      {failed.length > 0 && running.length === 0 && (
        <span className="badge bad" title={failed.map((d) => d.last_error ?? "").join(" ")}>
          {t("sync.failed", { time: formatDateTime(failed[0].last_error_at) })}
        </span>
      )}
      <button
        type="button"
        onClick={() => sync.mutate(syncDatasets)}
        disabled={!owner || running.length > 0 || sync.isPending}
        aria-describedby={owner ? undefined : hintId}
        data-testid="sync-refresh"
      >
        {running.length > 0 || sync.isPending ? t("sync.running") : t("common.refresh")}
      </button>
      {!owner && (
        <span id={hintId} className="muted small" title={t("sync.ownersOnly")}>{t("sync.ownersOnlyShort")}</span>
      )}
      {sync.error && <ErrorState error={sync.error} what={t("sync.title")} region={region} />}
    </div>
  );
}
