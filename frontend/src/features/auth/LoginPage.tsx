import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError } from "../../lib/api";
import { meQuery, useLogin } from "./api";

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery(meQuery);
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [mfaCode, setMfaCode] = useState("");
  const needsMfa =
    login.error instanceof ApiError && ["mfa_required", "invalid_mfa_code"].includes(login.error.code);
  const next = new URLSearchParams(location.search).get("next");
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/stores";

  // API paths (Amazon's Appstore login URI kept across sign-in) need a full page load.
  const serverPath = target.startsWith("/api/");
  if (me.data) {
    if (serverPath) {
      window.location.assign(target);
      return null;
    }
    return <Navigate to={target} replace />;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password, ...(mfaCode ? { mfa_code: mfaCode } : {}) },
      {
        onSuccess: () =>
          serverPath ? window.location.assign(target) : navigate(target, { replace: true }),
      },
    );
  };
  const code = login.error instanceof ApiError ? login.error.code : login.error ? "network_error" : null;

  return (
    <main id="main" className="narrow">
      <h1>{t("login.title")}</h1>
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
        {(needsMfa || mfaCode) && (
          <label>
            {t("login.mfaCode")}
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              value={mfaCode}
              onChange={(e) => setMfaCode(e.target.value)}
            />
            <span className="muted small">{t("login.mfaHint")}</span>
          </label>
        )}
        {code && !(code === "mfa_required" && !mfaCode) && (
          <p role="alert" className="error-text">
            {t(`errors.${code}`, { defaultValue: t("errors.generic", { what: t("login.title") }) })}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? t("login.signingIn") : t("login.submit")}
        </button>
      </form>
      <p className="muted small">{t("login.noAccount")}</p>
    </main>
  );
}
