import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState } from "../../components/common/states";
import { formatDateTime } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import { isRunning, useSyncStatus } from "./sync";

/** Every dataset of the store: state, last success, next scheduled sync, last error. */
export function SyncStatusBar({ storeId, region, role }: { storeId: string; region: string; role: string }) {
  const { t } = useTranslation();
  const status = useSyncStatus(storeId);
  const qc = useQueryClient();
  // A sync that stops means Amazon revoked the store: read the store again (status, banner).
  const stopped = status.data?.datasets.some((d) => d.state === "stopped") ?? false;
  useEffect(() => {
    if (stopped) void qc.invalidateQueries({ queryKey: queryKeys.store(storeId), exact: true });
  }, [stopped, qc, storeId]);
  if (status.isPending) return null;
  if (status.error) return <ErrorState error={status.error} what={t("sync.title")} region={region} onRetry={() => void status.refetch()} />;
  return (
    <section className="sync" aria-labelledby="sync-title" data-testid="sync-status">
      <div className="row">
        <h2 id="sync-title" className="small-heading">{t("sync.title")}</h2>
        {status.data.datasets.map((d) => (
          <span
            key={d.dataset}
            className={`badge ${d.state === "failed" || d.state === "stopped" ? "bad" : isRunning(d) || d.stale ? "warn" : "ok"}`}
            title={d.last_error ?? undefined}
          >
            {t("sync.dataset", {
              dataset: t(`sync.datasets.${d.dataset}`, { defaultValue: d.dataset }),
              state: t(`sync.states.${d.state}`, { defaultValue: d.state }),
              time: formatDateTime(d.last_success_at),
            })}
          </span>
        ))}
      </div>
      <p className="muted small">
        {t("sync.explain")} {role !== "owner" && t("sync.ownersOnly")}
      </p>
    </section>
  );
}
