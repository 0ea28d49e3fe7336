import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../lib/format";

/** A dashboard panel that is honest about freshness: when its data was read, and a refresh. */
export function Panel({
  id,
  title,
  updatedAt,
  fetching,
  progress,
  onRefresh,
  actions,
  freshness,
  children,
}: {
  id: string;
  title: string;
  updatedAt?: number;
  fetching?: boolean;
  progress?: string;
  onRefresh?: () => void;
  actions?: ReactNode;
  /** Replaces "updated at" with the data's own freshness (synced at, stale, sync progress). */
  freshness?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid={`panel-${id}`}>
      <header className="panel-header">
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="row">
          {freshness ?? (
          <span className="muted small" aria-live="polite">
            {fetching
              ? progress ?? t("common.refreshing")
              : updatedAt
                ? t("common.updatedAt", { time: formatDateTime(updatedAt) })
                : null}
          </span>
          )}
          {actions}
          {onRefresh && (
            <button type="button" onClick={onRefresh} disabled={fetching} aria-label={t("common.refreshPanel", { panel: title })}>
              {t("common.refresh")}
            </button>
          )}
        </div>
      </header>
      {children}
    </section>
  );
}
