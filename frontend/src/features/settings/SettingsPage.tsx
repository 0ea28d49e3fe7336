import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { formatDateTime } from "../../lib/format";
import { queryKeys } from "../../lib/query-keys";
import * as api from "./api";

function Members({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const members = useQuery({ queryKey: queryKeys.storeData(storeId, "members"), queryFn: () => api.listMembers(storeId), retry: false });
  const invitations = useQuery({ queryKey: queryKeys.storeData(storeId, "invitations"), queryFn: () => api.listInvitations(storeId), retry: false });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("viewer");
  const invite = useMutation({
    mutationFn: () => api.createInvitation(storeId, { email, role }),
    onSuccess: () => {
      setEmail("");
      return qc.invalidateQueries({ queryKey: queryKeys.storeData(storeId, "invitations") });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  return (
    <section className="panel" aria-labelledby="members-title">
      <h2 id="members-title">{t("settings.members.title")}</h2>
      <p className="muted">{t("settings.members.roles")}</p>
      {members.isPending && <Loading />}
      {members.error && <ErrorState error={members.error} what={t("settings.members.title")} />}
      {members.data && (
        <ul>
          {members.data.map((m) => (
            <li key={m.user_id}>{m.email} — {t(`roles.${m.role}`, { defaultValue: m.role })}</li>
          ))}
        </ul>
      )}
      {!members.error && (
        <>
          <h3>{t("settings.invitations.title")}</h3>
          {invitations.data && invitations.data.length === 0 && <EmptyState title={t("settings.invitations.empty")} />}
          {invitations.data && invitations.data.length > 0 && (
            <ul>
              {invitations.data.map((i) => (
                <li key={i.id}>{t("settings.invitations.line", { email: i.email, role: t(`roles.${i.role}`), date: formatDateTime(i.expires_at) })}</li>
              ))}
            </ul>
          )}
          <form className="row" onSubmit={submit}>
            <label>
              {t("settings.invitations.email")}
              <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
            <label>
              {t("settings.invitations.role")}
              <select value={role} onChange={(e) => setRole(e.target.value)}>
                <option value="viewer">{t("roles.viewer")}</option>
                <option value="owner">{t("roles.owner")}</option>
              </select>
            </label>
            <button type="submit" disabled={invite.isPending}>{t("settings.invitations.send")}</button>
          </form>
          {invite.error && <ErrorState error={invite.error} what={t("settings.invitations.title")} />}
        </>
      )}
    </section>
  );
}

function Tokens({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: queryKeys.account("tokens"), queryFn: api.listTokens, retry: false });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api.createToken({ name, store_ids: [storeId], expires_in_days: 90 }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.account("tokens") }),
  });
  const revoke = useMutation({
    mutationFn: api.revokeToken,
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.account("tokens") }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t("settings.tokens.title")}</h2>
      <p className="muted">{t("settings.tokens.intro")}</p>
      {tokens.isPending && <Loading />}
      {tokens.error && <ErrorState error={tokens.error} what={t("settings.tokens.title")} />}
      {tokens.data && (
        <>
          <ul>
            {tokens.data.map((tk) => (
              <li key={tk.id}>
                {t("settings.tokens.line", { name: tk.name, used: formatDateTime(tk.last_used_at), expires: formatDateTime(tk.expires_at) })}{" "}
                <button type="button" onClick={() => revoke.mutate(tk.id)}>{t("settings.tokens.revoke")}</button>
              </li>
            ))}
          </ul>
          <form className="row" onSubmit={submit}>
            <label>
              {t("settings.tokens.name")}
              <input required value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <button type="submit">{t("settings.tokens.create")}</button>
          </form>
          {create.data && (
            <div role="status" className="once">
              <p>{t("settings.tokens.showOnce")}</p>
              <code className="secret">{create.data.token}</code>
            </div>
          )}
          {create.error && <ErrorState error={create.error} what={t("settings.tokens.title")} />}
        </>
      )}
    </section>
  );
}

function Replenishment({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: queryKeys.storeData(storeId, "replenishment-settings"), queryFn: () => api.getReplenishmentSettings(storeId), retry: false });
  const save = useMutation({ mutationFn: (body: api.ReplenishmentSettings) => api.saveReplenishmentSettings(storeId, body) });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    save.mutate({
      lead_time_days: Number(form.get("lead_time_days")),
      safety_stock_days: Number(form.get("safety_stock_days")),
      review_period_days: Number(form.get("review_period_days")),
    });
  };
  return (
    <section className="panel" aria-labelledby="repl-title">
      <h2 id="repl-title">{t("settings.replenishment.title")}</h2>
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("settings.replenishment.title")} />}
      {q.data && (
        <form className="row" onSubmit={submit}>
          {(["lead_time_days", "safety_stock_days", "review_period_days"] as const).map((k) => (
            <label key={k}>
              {t(`settings.replenishment.${k}`)}
              <input type="number" min={0} name={k} defaultValue={q.data[k]} />
            </label>
          ))}
          <button type="submit">{t("common.save")}</button>
          {save.isSuccess && <span role="status">{t("common.saved")}</span>}
        </form>
      )}
    </section>
  );
}

function Disconnect({ storeId, storeName }: { storeId: string; storeName: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const disconnect = useMutation({
    mutationFn: () => api.disconnectStore(storeId),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.stores }),
  });
  return (
    <section className="panel danger" aria-labelledby="disconnect-title">
      <h2 id="disconnect-title">{t("settings.disconnect.title")}</h2>
      <p>{t("settings.disconnect.explain")}</p>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>{t("settings.disconnect.start")}</button>
      ) : (
        <div role="alertdialog" aria-labelledby="disconnect-confirm" className="stack">
          <p id="disconnect-confirm"><strong>{t("settings.disconnect.confirmText", { name: storeName })}</strong></p>
          <div className="row">
            <button type="button" className="danger" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
              {t("settings.disconnect.confirm")}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>{t("common.cancel")}</button>
          </div>
        </div>
      )}
      {disconnect.isSuccess && <p role="status">{t("settings.disconnect.done")}</p>}
      {disconnect.error && <ErrorState error={disconnect.error} what={t("settings.disconnect.title")} />}
    </section>
  );
}

export function SettingsPage({ storeId, storeName, role }: { storeId: string; storeName: string; role: string }) {
  const { t } = useTranslation();
  return (
    <div className="stack">
      {role !== "owner" && <p className="muted">{t("settings.ownerOnly")}</p>}
      <Members storeId={storeId} />
      <Tokens storeId={storeId} />
      <Replenishment storeId={storeId} />
      {role === "owner" && <Disconnect storeId={storeId} storeName={storeName} />}
    </div>
  );
}
