import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  authConfirmTotp,
  authLogin,
  authLogout,
  authSetupTotp,
  authVerifyMfa,
  invitationsAcceptInvitation,
} from "../../client/sdk.gen";
import { unwrap } from "../../lib/api";
import { queryKeys } from "../../lib/query-keys";

export { meQuery, nextStep, type NextStep } from "../../lib/session";

export type LoginInput = { email: string; password: string };

/** Step one: email and password. The answer says whether a second factor is still needed. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginInput) => unwrap(authLogin({ body: input })),
    onSuccess: async (session) => {
      // Anything cached belonged to whoever was signed in before.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.me[0] });
      queryClient.setQueryData(queryKeys.me, session);
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

/** Step two: a TOTP code or an unused recovery code for this session. */
export function useVerifyMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => unwrap(authVerifyMfa({ body: { code } })),
    onSuccess: (session) => queryClient.setQueryData(queryKeys.me, session),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(authLogout()),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, null);
    },
  });
}

/** TOTP enrolment: a new secret (shown once), then a first code turns MFA on. */
export const startMfaEnrolment = () => unwrap(authSetupTotp());

export function useConfirmMfa() {
  return useMutation({
    mutationFn: (code: string) => unwrap(authConfirmTotp({ body: { code } })),
  });
}

/** After the recovery codes were shown: MFA is on and this session is verified (/me says so). */
export function useRefreshMe() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.me });
}

export const acceptInvitation = (token: string, password: string | null) =>
  unwrap(invitationsAcceptInvitation({ body: password ? { token, password } : { token } }));
