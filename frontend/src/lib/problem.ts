import type { TFunction } from "i18next";
import { ApiError } from "./api";

/**
 * The message for a failed call, in the user's language: chosen by the problem document's stable
 * `code` (the server's English `detail` is not shown as is). A 429 says how long the pause lasts.
 */
export function problemMessage(t: TFunction, error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return t("errors.network_error");
  if (error.code === "too_many_requests" && error.retryAfter) {
    return t("errors.lockedOut", { count: Math.max(1, Math.ceil(error.retryAfter / 60)) });
  }
  return t(`errors.${error.code}`, { defaultValue: "" }) || t("errors.generic", { what });
}
