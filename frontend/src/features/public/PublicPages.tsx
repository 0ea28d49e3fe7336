import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { BetaRequestForm } from "./BetaRequestForm";

const STEPS = ["signIn", "choose", "consent", "return", "work"] as const;
const PRINCIPLES = ["minimum", "encrypted", "isolation", "revocable", "noResale", "audit"] as const;
// Addresses, not prose: the same in every language.
const SUPPORT = "support@minthub.example";
const SECURITY = "security@minthub.example";
const ROLES = ["owner", "viewer", "admin"] as const;

export function PublicHome() {
  const { t } = useTranslation();
  return (
    <main id="main" className="public">
      <section className="hero">
        <h1>{t("public.title")}</h1>
        <p className="lead">{t("public.tagline")}</p>
        <p>{t("public.audience")}</p>
        <div className="row">
          <Link className="button primary" to="/login">{t("nav.signIn")}</Link>
          <a className="button" href="#beta">{t("beta.title")}</a>
        </div>
      </section>
      <section aria-labelledby="steps-title">
        <h2 id="steps-title">{t("public.steps.title")}</h2>
        <ol className="steps">
          {STEPS.map((s) => (
            <li key={s}>
              <strong>{t(`public.steps.${s}.title`)}</strong> {t(`public.steps.${s}.text`)}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="security-title">
        <h2 id="security-title">{t("public.security.title")}</h2>
        <ul className="cards">
          {PRINCIPLES.map((p) => (
            <li key={p}>
              <h3>{t(`public.security.${p}.title`)}</h3>
              <p>{t(`public.security.${p}.text`)}</p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="roles-title">
        <h2 id="roles-title">{t("public.roles.title")}</h2>
        <dl>
          {ROLES.map((r) => (
            <div key={r}>
              <dt>{t(`roles.${r}`)}</dt>
              <dd>{t(`public.roles.${r}`)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section id="beta" aria-labelledby="beta-title" className="beta">
        <h2 id="beta-title">{t("beta.title")}</h2>
        <p>{t("beta.notice")}</p>
        <BetaRequestForm />
      </section>
    </main>
  );
}

export function PrivacyPage() {
  const { t } = useTranslation();
  const sections = ["collect", "notCollect", "use", "storage", "retention", "rights"] as const;
  return (
    <main id="main" className="narrow">
      <h1>{t("privacy.title")}</h1>
      {sections.map((s) => (
        <section key={s}>
          <h2>{t(`privacy.${s}.title`)}</h2>
          <p>{t(`privacy.${s}.text`)}</p>
        </section>
      ))}
    </main>
  );
}

export function ContactPage() {
  const { t } = useTranslation();
  return (
    <main id="main" className="narrow">
      <h1>{t("contact.title")}</h1>
      <p>{t("contact.text")}</p>
      <dl>
        <dt>{t("contact.support")}</dt>
        <dd><a href={`mailto:${SUPPORT}`}>{SUPPORT}</a></dd>
        <dt>{t("contact.security")}</dt>
        <dd><a href={`mailto:${SECURITY}`}>{SECURITY}</a></dd>
      </dl>
      <p className="muted">{t("contact.selfHosted")}</p>
    </main>
  );
}
