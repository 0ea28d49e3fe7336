import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { problemMessage } from "../../lib/problem";
import { startMfaEnrolment, useConfirmMfa } from "./api";

/**
 * TOTP enrolment, as the API defines it: POST /auth/mfa/totp/setup gives a secret and an otpauth
 * URI (shown once), POST /auth/mfa/totp/confirm with a first code turns MFA on, verifies this
 * session and answers ten recovery codes (shown once). `onFinished` runs when the user has saved
 * them.
 */
export function MfaEnrolment({ onFinished }: { onFinished: () => void }) {
  const { t } = useTranslation();
  const start = useMutation({ mutationFn: startMfaEnrolment });
  const confirm = useConfirmMfa();
  const [code, setCode] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(code.trim());
  };

  if (confirm.data) {
    return (
      <div className="stack" data-testid="recovery-codes">
        <p role="status">{t("mfa.enabled")}</p>
        <p>{t("mfa.recoveryCodes")}</p>
        <ul className="codes">
          {confirm.data.recovery_codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" className="primary" onClick={onFinished}>
          {t("mfa.savedContinue")}
        </button>
      </div>
    );
  }

  if (!start.data) {
    return (
      <div className="stack">
        <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending}>
          {t("mfa.start")}
        </button>
        {start.error && (
          <p role="alert" className="error-text">
            {problemMessage(t, start.error, t("mfa.title"))}
          </p>
        )}
      </div>
    );
  }

  return (
    <form onSubmit={submit} className="stack" noValidate>
      <p>{t("mfa.secret")}</p>
      <code className="secret" data-testid="totp-secret" aria-label={t("mfa.secretLabel")}>
        {start.data.secret}
      </code>
      <p className="muted small">
        {t("mfa.uriHint")} <a href={start.data.otpauth_uri}>{t("mfa.openInApp")}</a>
      </p>
      <details>
        <summary>{t("mfa.showUri")}</summary>
        <code className="secret" data-testid="totp-uri">
          {start.data.otpauth_uri}
        </code>
      </details>
      <label>
        {t("mfa.code")}
        <input
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={confirm.isPending || !code.trim()}>
        {t("mfa.confirm")}
      </button>
      {confirm.error && (
        <p role="alert" className="error-text">
          {problemMessage(t, confirm.error, t("mfa.title"))}
        </p>
      )}
    </form>
  );
}
