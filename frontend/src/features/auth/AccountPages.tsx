import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ErrorState } from "../../components/common/states";
import { acceptInvitation, confirmMfaEnrolment, startMfaEnrolment } from "./api";

/** TOTP enrolment: the secret, then a code to confirm, then recovery codes shown once. */
export function MfaEnrolPage() {
  const { t } = useTranslation();
  const start = useMutation({ mutationFn: startMfaEnrolment });
  const confirm = useMutation({ mutationFn: confirmMfaEnrolment });
  const [code, setCode] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(code);
  };
  return (
    <main id="main" className="narrow">
      <h1>{t("mfa.title")}</h1>
      <p>{t("mfa.intro")}</p>
      {!start.data && (
        <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending}>
          {t("mfa.start")}
        </button>
      )}
      {start.error && <ErrorState error={start.error} what={t("mfa.title")} />}
      {start.data && !confirm.data && (
        <form onSubmit={submit} className="stack">
          <p>{t("mfa.secret")}</p>
          <code className="secret">{start.data.secret}</code>
          <label>
            {t("login.mfaCode")}
            <input inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </label>
          <button type="submit" className="primary">{t("mfa.confirm")}</button>
          {confirm.error && <ErrorState error={confirm.error} what={t("mfa.title")} />}
        </form>
      )}
      {confirm.data && (
        <div className="stack">
          <p role="status">{t("mfa.recoveryCodes")}</p>
          <ul className="codes">
            {confirm.data.recovery_codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </main>
  );
}

export function InvitationPage() {
  const { t } = useTranslation();
  const { token = "" } = useParams();
  const [password, setPassword] = useState("");
  const accept = useMutation({ mutationFn: () => acceptInvitation(token, password ? { password } : {}) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate();
  };
  return (
    <main id="main" className="narrow">
      <h1>{t("invitation.title")}</h1>
      <p>{t("invitation.intro")}</p>
      {accept.data ? (
        <p role="status">
          {t("invitation.accepted")} <Link to={`/stores/${accept.data.store_id}`}>{t("invitation.openStore")}</Link>
        </p>
      ) : (
        <form onSubmit={submit} className="stack">
          <label>
            {t("invitation.password")}
            <input type="password" autoComplete="new-password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />
            <span className="muted small">{t("invitation.passwordHint")}</span>
          </label>
          <button type="submit" className="primary" disabled={accept.isPending}>
            {t("invitation.accept")}
          </button>
          {accept.error && <ErrorState error={accept.error} what={t("invitation.title")} />}
        </form>
      )}
    </main>
  );
}
