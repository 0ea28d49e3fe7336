import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { LanguageSwitch } from "../components/common/LanguageSwitch";
import { meQuery, nextStep, useLogout } from "../features/auth/api";

export function Layout() {
  const { t } = useTranslation();
  const me = useQuery(meQuery);
  const logout = useLogout();
  const navigate = useNavigate();
  // A session still waiting for its second factor may not see the workspace yet.
  const verified = me.data && nextStep(me.data) === null;
  return (
    <>
      <a className="skip" href="#main">{t("nav.skip")}</a>
      <header className="topbar">
        <Link to="/" className="brand">{t("app.name")}</Link>
        <nav aria-label={t("nav.main")} className="row">
          {verified ? (
            <>
              <NavLink to="/stores">{t("nav.stores")}</NavLink>
              <NavLink to="/audit">{t("nav.audit")}</NavLink>
              <NavLink to="/mfa">{t("nav.security")}</NavLink>
            </>
          ) : (
            !me.data && <NavLink to="/login">{t("nav.signIn")}</NavLink>
          )}
        </nav>
        <div className="row">
          <LanguageSwitch />
          {me.data && (
            <>
              <span className="muted small">{me.data.email}</span>
              <button type="button" onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login") })}>
                {t("nav.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      <Outlet />
      <footer className="footer row">
        <Link to="/privacy">{t("nav.privacy")}</Link>
        <Link to="/contact">{t("nav.contact")}</Link>
        <span className="muted small">{t("app.footer")}</span>
      </footer>
    </>
  );
}
