import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorState, Loading } from "../../components/common/states";
import { meQuery, nextStep } from "./api";

/** Signed in and past the second factor; otherwise to sign-in, which resumes the pending step. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const location = useLocation();
  const me = useQuery(meQuery);
  if (me.isPending) return <Loading />;
  if (me.error) return <ErrorState error={me.error} what="" onRetry={() => void me.refetch()} />;
  if (!me.data || nextStep(me.data) !== null) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}
