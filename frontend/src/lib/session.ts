import { queryOptions } from "@tanstack/react-query";
import { authReadMe } from "../client/sdk.gen";
import type { SessionRead } from "../client/types.gen";
import { ApiError, unwrap } from "./api";
import { queryKeys } from "./query-keys";

/** The signed-in user, or null. A session may still wait for its second factor (`next_step`). */
export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: async (): Promise<SessionRead | null> => {
    try {
      return await unwrap(authReadMe());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
});

export type NextStep = "mfa_verify" | "mfa_enroll" | null;

/** What the session still needs before store data: the backend's `next_step`. */
export function nextStep(me: SessionRead | null | undefined): NextStep {
  const step = me?.next_step;
  return step === "mfa_verify" || step === "mfa_enroll" ? step : null;
}
