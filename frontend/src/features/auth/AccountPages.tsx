import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { Loading } from "../../components/common/states";
import { ApiError } from "../../lib/api";
import { problemMessage } from "../../lib/problem";
import { queryKeys } from "../../lib/query-keys";
import { acceptInvitation, meQuery, nextStep, useLogout, useRefreshMe } from "./api";
import { MfaEnrolment } from "./MfaEnrolment";

/** Security: the account's two-factor status, and TOTP enrolment when it is off. */
export function MfaEnrolPage() {
  const { t } = useTranslation();
  const me = useQuery(meQuery);
  const refreshMe = useRefreshMe();
  // Decided once: an enrolment in progress stays on screen until its recovery codes are saved.
  const [enrolling] = useState(() => !me.data?.mfa_enabled);
  const [finished, setFinished] = useState(false);
  const on = me.data?.mfa_enabled && (!enrolling || finished);
  return (
    <main id="main" className="narrow">
      <h1>{t("mfa.title")}</h1>
      {on ? (
        <div className="stack" data-testid="mfa-on">
          <p role="status">
            <span className="badge ok">{t("mfa.onBadge")}</span> {t("mfa.onText")}
          </p>
          <p className="muted">{t("mfa.resetHint")}</p>
        </div>
      ) : (
        <>
          <p>{t("mfa.intro")}</p>
          {me.data && !me.data.mfa_required && <p className="muted small">{t("mfa.optional")}</p>}
          <MfaEnrolment
            onFinished={() => {
              setFinished(true);
              void refreshMe();
            }}
          />
        </>
      )}
    </main>
  );
}

const INVITATION_KEY = "minthub.invitation";

/**
 * The token travels in the link's fragment (#token=...), which browsers never send to a server.
 * It is kept for this tab so that signing in first (an existing account) comes back to it.
 */
function useInvitationToken(): string {
  const location = useLocation();
  const [token] = useState(() => {
    const fromLink = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
    if (fromLink) {
      sessionStorage.setItem(INVITATION_KEY, fromLink);
      return fromLink;
    }
    return sessionStorage.getItem(INVITATION_KEY) ?? "";
  });
  return token;
}

const HERE = "/invitations/accept";

/**
 * The e-mailed link (/invitations/accept#token=...), as the API defines acceptance: signed in as
 * the invitee, POST /invitations/accept with the token adds the store; not signed in, the token
 * and a new password create the account (then sign in). An account that exists signs in first.
 */
export function InvitationPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const token = useInvitationToken();
  const me = useQuery(meQuery);
  const logout = useLogout();
  const [password, setPassword] = useState("");
  const signedIn = me.data && nextStep(me.data) === null ? me.data : null;
  const accept = useMutation({
    mutationFn: () => acceptInvitation(token, signedIn ? null : password),
    onSuccess: () => {
      sessionStorage.removeItem(INVITATION_KEY);
      return queryClient.invalidateQueries({ queryKey: queryKeys.stores });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate();
  };
  const signInLink = `/login?next=${encodeURIComponent(HERE)}`;
  const errorCode = accept.error instanceof ApiError ? accept.error.code : null;

  let body;
  if (!token) {
    body = <p role="alert" className="error-text">{t("invitation.noToken")}</p>;
  } else if (me.isPending) {
    body = <Loading />;
  } else if (accept.data) {
    const done = accept.data;
    body = done.account_created ? (
      <div className="stack" role="status">
        <p>{t("invitation.accountCreated", { email: done.email })}</p>
        <p>
          <Link className="button primary" to={`/login?next=${encodeURIComponent(done.store_id ? `/stores/${done.store_id}` : "/stores")}`}>
            {t("invitation.signInNow")}
          </Link>
        </p>
      </div>
    ) : (
      <p role="status">
        {t("invitation.accepted")}{" "}
        <Link to={done.store_id ? `/stores/${done.store_id}` : "/stores"}>{t("invitation.openStore")}</Link>
      </p>
    );
  } else if (me.data && !signedIn) {
    body = (
      <p>
        {t("invitation.finishSignIn")} <Link to={signInLink}>{t("invitation.continueSignIn")}</Link>
      </p>
    );
  } else {
    body = (
      <form onSubmit={submit} className="stack" noValidate>
        {signedIn ? (
          <p>
            {t("invitation.signedInAs", { email: signedIn.email })}{" "}
            <button type="button" className="textlink" onClick={() => logout.mutate()}>
              {t("invitation.notYou")}
            </button>
          </p>
        ) : (
          <>
            <p>{t("invitation.newAccount")}</p>
            <label>
              {t("invitation.password")}
              <input
                type="password"
                autoComplete="new-password"
                minLength={12}
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <span className="muted small">{t("invitation.passwordHint")}</span>
            </label>
          </>
        )}
        <button type="submit" className="primary" disabled={accept.isPending || (!signedIn && !password)}>
          {t("invitation.accept")}
        </button>
        {!signedIn && (
          <p className="muted small">
            {t("invitation.haveAccount")} <Link to={signInLink}>{t("invitation.signInFirst")}</Link>
          </p>
        )}
        {accept.error && (
          <div role="alert" className="error-text">
            <p>{problemMessage(t, accept.error, t("invitation.title"))}</p>
            {errorCode === "account_exists" && <Link to={signInLink}>{t("invitation.signInFirst")}</Link>}
          </div>
        )}
      </form>
    );
  }

  return (
    <main id="main" className="narrow">
      <h1>{t("invitation.title")}</h1>
      <p>{t("invitation.intro")}</p>
      {body}
    </main>
  );
}
