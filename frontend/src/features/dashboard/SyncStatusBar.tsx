import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState } from "../../components/common/states";
import { isNotAvailable } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { fetchSyncStatus, requestSync } from "./api";

const RUNNING = new Set(["queued", "running"]);

/**
 * Background sync (issue 6): each dataset's state, "Sync now", and polling while a sync runs.
 * Until the server has it, says that the panels read Amazon live instead.
 */
export function SyncStatusBar({ storeId, region }: { storeId: string; region: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({
    queryKey: queryKeys.storeData(storeId, "sync"),
    queryFn: () => fetchSyncStatus(storeId),
    retry: false,
    refetchInterval: (q) => (q.state.data?.datasets?.some((d) => RUNNING.has(d.state)) ? 2000 : false),
  });
  const sync = useMutation({
    mutationFn: () => requestSync(storeId),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.store(storeId) }),
  });
  const running = status.data?.datasets?.some((d) => RUNNING.has(d.state)) ?? false;
  const wasRunning = useRef(false);
  useEffect(() => {
    // A sync just finished: reload the store's panels from the fresh snapshots.
    if (wasRunning.current && !running) void qc.invalidateQueries({ queryKey: queryKeys.store(storeId) });
    wasRunning.current = running;
  }, [running, qc, storeId]);
  if (status.isPending) return null;
  if (status.error && isNotAvailable(status.error))
    return <p className="muted small" data-testid="sync-live">{t("sync.live")}</p>;
  if (status.error) return <ErrorState error={status.error} what={t("sync.title")} region={region} />;
  const datasets = status.data.datasets ?? [];
  return (
    <div className="row sync" aria-live="polite">
      <strong>{t("sync.title")}</strong>
      {datasets.map((d) => (
        <span key={d.dataset} className={`badge ${d.error ? "bad" : RUNNING.has(d.state) ? "warn" : "ok"}`}>
          {t("sync.dataset", {
            dataset: t(`sync.datasets.${d.dataset}`, { defaultValue: d.dataset }),
            state: t(`sync.states.${d.state}`, { defaultValue: d.state }),
            time: formatDateTime(d.last_synced_at),
          })}
        </span>
      ))}
      <button type="button" onClick={() => sync.mutate()} disabled={running || sync.isPending}>
        {running ? t("sync.running") : t("sync.now")}
      </button>
      {sync.error && <ErrorState error={sync.error} what={t("sync.title")} region={region} />}
    </div>
  );
}
