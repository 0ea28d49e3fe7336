import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { ErrorState, Loading } from "../../components/common/states";
import { problemMessage } from "../../lib/problem";
import { meQuery, nextStep, useLogin, useLogout, useRefreshMe, useVerifyMfa } from "./api";
import { MfaEnrolment } from "./MfaEnrolment";

/** Where to go once signed in: a same-origin path from ?next=, else the stores. */
function useTarget(): string {
  const location = useLocation();
  const next = new URLSearchParams(location.search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/stores";
}

/**
 * Sign-in as the API defines it: POST /auth/login (email, password) opens a session whose
 * `next_step` says what is still needed: `mfa_verify` (POST /auth/mfa/verify with a code) or
 * `mfa_enroll` (this installation requires MFA and the account has none yet). The step shown is
 * derived from /me, so a reload in the middle resumes where the session is.
 */
export function LoginPage() {
  const { t } = useTranslation();
  const me = useQuery(meQuery);
  const target = useTarget();
  // API paths (Amazon's Appstore login URI kept across sign-in) need a full page load.
  const serverPath = target.startsWith("/api/");
  const step = me.data ? (nextStep(me.data) ?? "done") : "password";

  useEffect(() => {
    if (step === "done" && serverPath) window.location.assign(target);
  }, [step, serverPath, target]);

  if (me.isPending) return <main id="main" className="narrow"><Loading /></main>;
  if (step === "done") return serverPath ? null : <Navigate to={target} replace />;

  return (
    <main id="main" className="narrow">
      <h1>{t(step === "password" ? "login.title" : step === "mfa_verify" ? "login.mfaTitle" : "login.enrolTitle")}</h1>
      {me.error && step === "password" && <ErrorState error={me.error} what={t("login.title")} onRetry={() => void me.refetch()} />}
      {step === "password" && <PasswordStep />}
      {step === "mfa_verify" && <CodeStep email={me.data?.email ?? ""} />}
      {step === "mfa_enroll" && <EnrolStep email={me.data?.email ?? ""} />}
    </main>
  );
}

function PasswordStep() {
  const { t } = useTranslation();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };
  return (
    <>
      <form onSubmit={submit} className="stack" noValidate>
        <label>
          {t("login.email")}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t("login.password")}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {login.error && (
          <p role="alert" className="error-text">
            {problemMessage(t, login.error, t("login.title"))}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending || !email || !password}>
          {login.isPending ? t("login.signingIn") : t("login.submit")}
        </button>
      </form>
      <p className="muted small">{t("login.noAccount")}</p>
    </>
  );
}

/** Someone else's account, or no authenticator at hand: end this half-open session. */
function SwitchAccount() {
  const { t } = useTranslation();
  const logout = useLogout();
  return (
    <button type="button" className="textlink" onClick={() => logout.mutate()} disabled={logout.isPending}>
      {t("login.otherAccount")}
    </button>
  );
}

function CodeStep({ email }: { email: string }) {
  const { t } = useTranslation();
  const verify = useVerifyMfa();
  const [code, setCode] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate(code.trim());
  };
  return (
    <>
      <p>{t("login.mfaIntro", { email })}</p>
      <form onSubmit={submit} className="stack" noValidate>
        <label>
          {t("login.mfaCode")}
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <span className="muted small">{t("login.mfaHint")}</span>
        </label>
        {verify.error && (
          <p role="alert" className="error-text">
            {problemMessage(t, verify.error, t("login.title"))}
          </p>
        )}
        <button type="submit" className="primary" disabled={verify.isPending || !code.trim()}>
          {verify.isPending ? t("login.verifying") : t("login.verify")}
        </button>
      </form>
      <p className="muted small">
        {t("login.lostDevice")} <SwitchAccount />
      </p>
    </>
  );
}

function EnrolStep({ email }: { email: string }) {
  const { t } = useTranslation();
  const refreshMe = useRefreshMe();
  return (
    <>
      <p>{t("login.enrolIntro", { email })}</p>
      <MfaEnrolment onFinished={() => void refreshMe()} />
      <p className="muted small">
        <SwitchAccount />
      </p>
    </>
  );
}
