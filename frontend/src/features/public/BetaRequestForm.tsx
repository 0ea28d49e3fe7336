import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState } from "../../components/common/states";
import { apiFetch } from "../../lib/api";

export type BetaRequest = {
  company_name: string;
  contact_email: string;
  marketplaces: string[];
  monthly_order_volume: string;
  message: string;
};

const MARKETPLACES = ["US", "CA", "MX", "BR", "UK", "DE", "FR", "IT", "ES", "JP", "AU"];
const VOLUMES = ["lt_1k", "1k_10k", "10k_100k", "gt_100k"];

/** Issue 3's public beta request: acknowledged the same way whether or not the email applied before. */
export function BetaRequestForm() {
  const { t } = useTranslation();
  const [form, setForm] = useState<BetaRequest>({ company_name: "", contact_email: "", marketplaces: [], monthly_order_volume: "lt_1k", message: "" });
  const send = useMutation({
    mutationFn: (body: BetaRequest) => apiFetch<unknown>("/api/v1/beta-requests", { method: "POST", body: JSON.stringify(body) }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate(form);
  };
  const toggle = (m: string) =>
    setForm({ ...form, marketplaces: form.marketplaces.includes(m) ? form.marketplaces.filter((x) => x !== m) : [...form.marketplaces, m] });
  if (send.isSuccess) return <p role="status" className="ack">{t("beta.thanks")}</p>;
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="beta-title">
      <label>
        {t("beta.company")}
        <input required value={form.company_name} onChange={(e) => setForm({ ...form, company_name: e.target.value })} />
      </label>
      <label>
        {t("beta.email")}
        <input type="email" required value={form.contact_email} onChange={(e) => setForm({ ...form, contact_email: e.target.value })} />
      </label>
      <fieldset>
        <legend>{t("beta.marketplaces")}</legend>
        <div className="row wrap">
          {MARKETPLACES.map((m) => (
            <label key={m} className="check">
              <input type="checkbox" checked={form.marketplaces.includes(m)} onChange={() => toggle(m)} /> {m}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        {t("beta.volume")}
        <select value={form.monthly_order_volume} onChange={(e) => setForm({ ...form, monthly_order_volume: e.target.value })}>
          {VOLUMES.map((v) => (
            <option key={v} value={v}>{t(`beta.volumes.${v}`)}</option>
          ))}
        </select>
      </label>
      <label>
        {t("beta.message")}
        <textarea rows={3} value={form.message} onChange={(e) => setForm({ ...form, message: e.target.value })} />
      </label>
      <button type="submit" className="primary" disabled={send.isPending}>{t("beta.submit")}</button>
      {send.error && <ErrorState error={send.error} what={t("beta.title")} />}
    </form>
  );
}
