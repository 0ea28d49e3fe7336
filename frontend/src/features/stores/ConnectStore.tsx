import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { connectUrl, REGIONS } from "../../lib/stores";

/** "Connect a store": Amazon authorizes per region, so the seller picks one first. */
export function ConnectStore() {
  const { t } = useTranslation();
  const [region, setRegion] = useState<string>("na");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A full navigation: the API answers with a redirect to Amazon's consent page.
    window.location.assign(connectUrl(region));
  };
  return (
    <form onSubmit={submit} className="connect row" aria-labelledby="connect-title">
      <h2 id="connect-title" className="h3">{t("stores.connect.title")}</h2>
      <label>
        {t("stores.connect.region")}
        <select value={region} onChange={(e) => setRegion(e.target.value)} data-testid="region-select">
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {t(`regions.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary">{t("stores.connect.submit")}</button>
      <p className="muted small">{t("stores.connect.hint")}</p>
    </form>
  );
}
