import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, isNotAvailable } from "../../lib/api";
import { connectUrl } from "../../lib/stores";

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t("common.loading")}
    </p>
  );
}

export function EmptyState({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {hint && <p className="muted">{hint}</p>}
      {action}
    </div>
  );
}

export function NotAvailable({ what }: { what: string }) {
  const { t } = useTranslation();
  return (
    <div className="empty not-available" data-testid="not-available">
      <p className="empty-title">{t("common.notAvailableTitle", { what })}</p>
      <p className="muted">{t("common.notAvailableHint")}</p>
    </div>
  );
}

/** Says what went wrong and what to do, driven by the problem document's stable `code`. */
export function ErrorState({
  error,
  what,
  region,
  onRetry,
}: {
  error: unknown;
  what: string;
  region?: string;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  if (isNotAvailable(error)) return <NotAvailable what={what} />;
  const code = error instanceof ApiError ? error.code : "network_error";
  const revoked = code === "store_revoked" || code === "store_reauthorization_required";
  const known = t(`errors.${code}`, { defaultValue: "" });
  return (
    <div className="error-box" role="alert">
      <p className="empty-title">{known || t("errors.generic", { what })}</p>
      {error instanceof ApiError && error.problem.detail && !revoked && (
        <p className="muted">{error.problem.detail}</p>
      )}
      <div className="row">
        {revoked && region && (
          <a className="button primary" href={connectUrl(region)}>
            {t("stores.reconnect")}
          </a>
        )}
        {onRetry && !revoked && (
          <button type="button" onClick={onRetry}>
            {t("common.retry")}
          </button>
        )}
      </div>
    </div>
  );
}
