import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { EmptyState, ErrorState, Loading } from "../../components/common/states";
import { formatDateTime } from "../../lib/format";
import { ApiError } from "../../lib/api";
import { problemMessage } from "../../lib/problem";
import { queryKeys } from "../../lib/query-keys";
import { meQuery } from "../../lib/session";
import * as api from "./api";
import { scrollable } from "../../components/common/scrollable";

/** A destructive action asks once, inline, saying what happens. */
function ConfirmAction({
  label,
  question,
  confirm,
  onConfirm,
  pending,
}: {
  label: string;
  question: string;
  confirm: string;
  onConfirm: () => void;
  pending: boolean;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (!asking) return <button type="button" onClick={() => setAsking(true)}>{label}</button>;
  return (
    <span role="alertdialog" aria-label={question} className="row">
      <span>{question}</span>
      <button type="button" className="danger" disabled={pending} onClick={() => { setAsking(false); onConfirm(); }}>
        {confirm}
      </button>
      <button type="button" onClick={() => setAsking(false)}>{t("common.cancel")}</button>
    </span>
  );
}

function InlineError({ error, what }: { error: unknown; what: string }) {
  const { t } = useTranslation();
  return <p role="alert" className="error-text">{problemMessage(t, error, what)}</p>;
}

function Members({ storeId, owner }: { storeId: string; owner: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useQuery(meQuery);
  const membersKey = queryKeys.storeData(storeId, "members");
  const invitationsKey = queryKeys.storeData(storeId, "invitations");
  const members = useQuery({ queryKey: membersKey, queryFn: () => api.listMembers(storeId) });
  const invitations = useQuery({ queryKey: invitationsKey, queryFn: () => api.listInvitations(storeId) });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"viewer" | "owner">("viewer");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: (body: { email: string; role: "viewer" | "owner" }) => api.createInvitation(storeId, body),
    onSuccess: (inv) => {
      setEmail("");
      setSentTo(inv.email);
      return qc.invalidateQueries({ queryKey: invitationsKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeInvitation(storeId, id),
    onSuccess: () => qc.invalidateQueries({ queryKey: invitationsKey }),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.removeMember(storeId, userId),
    onSuccess: () => qc.invalidateQueries({ queryKey: membersKey }),
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: "owner" | "viewer" }) => api.changeMemberRole(storeId, userId, role),
    onSuccess: (member) => {
      setRoleChanged(member.email);
      // Your own role may have changed: the store (and what you may do) is read again.
      return Promise.all([
        qc.invalidateQueries({ queryKey: membersKey }),
        qc.invalidateQueries({ queryKey: queryKeys.store(storeId) }),
      ]);
    },
    onError: () => {
      setRoleChanged(null);
      return qc.invalidateQueries({ queryKey: membersKey });
    },
  });
  const [roleChanged, setRoleChanged] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate({ email, role });
  };
  return (
    <section className="panel" aria-labelledby="members-title" data-testid="members">
      <h2 id="members-title">{t("settings.members.title")}</h2>
      <p className="muted">{t("settings.members.roles")}</p>
      {members.isPending && <Loading />}
      {members.error && <ErrorState error={members.error} what={t("settings.members.title")} onRetry={() => void members.refetch()} />}
      {members.data && (
        <ul className="list" data-testid="members-list">
          {members.data.map((m) => {
            const self = m.user_id === me.data?.id;
            return (
              <li key={m.user_id}>
                <span>
                  {m.email} — <strong>{t(`roles.${m.role}`, { defaultValue: m.role })}</strong>
                  {self && <span className="muted small"> {t("settings.members.you")}</span>}
                  <span className="muted small"> · {t("settings.members.since", { date: formatDateTime(m.created_at) })}</span>
                </span>
                {owner && (
                  <span className="row">
                    <label>
                      <span className="sr-only">{t("settings.members.roleOf", { email: m.email })}</span>
                      <select
                        value={m.role}
                        disabled={changeRole.isPending}
                        data-testid={`member-role-${m.user_id}`}
                        onChange={(e) => changeRole.mutate({ userId: m.user_id, role: e.target.value === "owner" ? "owner" : "viewer" })}
                      >
                        <option value="owner">{t("roles.owner")}</option>
                        <option value="viewer">{t("roles.viewer")}</option>
                      </select>
                    </label>
                    <ConfirmAction
                      label={t(self ? "settings.members.leave" : "settings.members.remove")}
                      question={t("settings.members.removeConfirm", { email: m.email })}
                      confirm={t("settings.members.removeYes")}
                      pending={remove.isPending}
                      onConfirm={() => remove.mutate(m.user_id)}
                    />
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {owner && <p className="muted small">{t("settings.members.roleChangeHint")}</p>}
      {roleChanged && !changeRole.error && <p role="status">{t("settings.members.roleChanged", { email: roleChanged })}</p>}
      {changeRole.error && <InlineError error={changeRole.error} what={t("settings.members.title")} />}
      {remove.error && <InlineError error={remove.error} what={t("settings.members.title")} />}

      <h3>{t("settings.invitations.title")}</h3>
      {invitations.isPending && <Loading />}
      {invitations.error && <ErrorState error={invitations.error} what={t("settings.invitations.title")} />}
      {invitations.data && invitations.data.length === 0 && <EmptyState title={t("settings.invitations.empty")} />}
      {invitations.data && invitations.data.length > 0 && (
        <ul className="list" data-testid="invitations-list">
          {invitations.data.map((i) => (
            <li key={i.id}>
              <span>
                {t("settings.invitations.line", {
                  email: i.email,
                  role: t(`roles.${i.role ?? "viewer"}`, { defaultValue: i.role ?? "" }),
                  date: formatDateTime(i.expires_at),
                })}
              </span>
              {owner && (
                <ConfirmAction
                  label={t("settings.invitations.revoke")}
                  question={t("settings.invitations.revokeConfirm", { email: i.email })}
                  confirm={t("settings.invitations.revokeYes")}
                  pending={revoke.isPending}
                  onConfirm={() => revoke.mutate(i.id)}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {revoke.error && <InlineError error={revoke.error} what={t("settings.invitations.title")} />}
      {owner && (
        <form className="row filters" onSubmit={submit} noValidate>
          <label>
            {t("settings.invitations.email")}
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            {t("settings.invitations.role")}
            <select value={role} onChange={(e) => setRole(e.target.value === "owner" ? "owner" : "viewer")}>
              <option value="viewer">{t("roles.viewer")}</option>
              <option value="owner">{t("roles.owner")}</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={invite.isPending || !email}>
            {t("settings.invitations.send")}
          </button>
        </form>
      )}
      {sentTo && !invite.error && <p role="status">{t("settings.invitations.sent", { email: sentTo })}</p>}
      {invite.error && <InlineError error={invite.error} what={t("settings.invitations.title")} />}
    </section>
  );
}

type TokenState = "active" | "revoked" | "expired";
function tokenState(token: api.ApiTokenRead, now = Date.now()): TokenState {
  if (token.revoked_at) return "revoked";
  return new Date(token.expires_at).getTime() <= now ? "expired" : "active";
}
const TOKEN_BADGE: Record<TokenState, string> = { active: "ok", revoked: "bad", expired: "warn" };
const TOKEN_DAYS = [30, 90, 365] as const;

function Tokens({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: queryKeys.account("tokens"), queryFn: api.listTokens });
  const [name, setName] = useState("");
  const [days, setDays] = useState<number>(90);
  const create = useMutation({
    mutationFn: () => api.createToken({ name: name.trim(), store_ids: [storeId], expires_in_days: days }),
    onSuccess: () => {
      setName("");
      return qc.invalidateQueries({ queryKey: queryKeys.account("tokens") });
    },
  });
  const revoke = useMutation({
    mutationFn: api.revokeToken,
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.account("tokens") }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  // Tokens are personal and may span stores: this page lists those that reach this store.
  const mine = tokens.data?.filter((tk) => tk.store_ids.includes(storeId)) ?? [];
  return (
    <section className="panel" aria-labelledby="tokens-title" data-testid="tokens">
      <h2 id="tokens-title">{t("settings.tokens.title")}</h2>
      <p className="muted">{t("settings.tokens.intro")}</p>
      {tokens.isPending && <Loading />}
      {tokens.error && <ErrorState error={tokens.error} what={t("settings.tokens.title")} onRetry={() => void tokens.refetch()} />}
      {tokens.data && mine.length === 0 && <EmptyState title={t("settings.tokens.empty")} />}
      {mine.length > 0 && (
        <ul className="list" data-testid="tokens-list">
          {mine.map((tk) => {
            const state = tokenState(tk);
            return (
              <li key={tk.id}>
                <span>
                  <strong>{tk.name}</strong> <code>{tk.token_prefix}…</code>{" "}
                  <span className={`badge ${TOKEN_BADGE[state]}`}>{t(`settings.tokens.state.${state}`)}</span>
                  <span className="muted small">
                    {" "}
                    · {t("settings.tokens.line", { used: formatDateTime(tk.last_used_at), expires: formatDateTime(tk.expires_at) })}
                  </span>
                </span>
                {state === "active" && (
                  <ConfirmAction
                    label={t("settings.tokens.revoke")}
                    question={t("settings.tokens.revokeConfirm", { name: tk.name })}
                    confirm={t("settings.tokens.revokeYes")}
                    pending={revoke.isPending}
                    onConfirm={() => revoke.mutate(tk.id)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {revoke.error && <InlineError error={revoke.error} what={t("settings.tokens.title")} />}
      {tokens.data && (
        <form className="row filters" onSubmit={submit} noValidate>
          <label>
            {t("settings.tokens.name")}
            <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t("settings.tokens.expiresIn")}
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {TOKEN_DAYS.map((d) => (
                <option key={d} value={d}>{t("settings.tokens.days", { count: d })}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
            {t("settings.tokens.create")}
          </button>
        </form>
      )}
      {create.error && <InlineError error={create.error} what={t("settings.tokens.title")} />}
      {create.data && (
        <div role="status" className="once stack" data-testid="new-token">
          <p><strong>{t("settings.tokens.showOnce")}</strong></p>
          <code className="secret" data-testid="new-token-secret">{create.data.token}</code>
          <p className="muted small">{t("settings.tokens.usage")}</p>
          <div className="row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(create.data.token)}>
              {t("settings.tokens.copy")}
            </button>
            <button type="button" onClick={() => create.reset()}>{t("settings.tokens.done")}</button>
          </div>
        </div>
      )}
    </section>
  );
}

const SETTING_FIELDS = [
  ["lead_time_days", 0, 365],
  ["safety_stock_days", 0, 365],
  ["review_period_days", 1, 365],
  ["reorder_soon_days", 0, 365],
  ["overstock_days", 1, 3650],
  ["case_pack", 1, 100000],
] as const;
type SettingField = (typeof SETTING_FIELDS)[number][0];
type OverrideField = "lead_time_days" | "safety_stock_days" | "case_pack";
const OVERRIDE_FIELDS: OverrideField[] = ["lead_time_days", "safety_stock_days", "case_pack"];
type Draft = Record<SettingField, string> & { overrides: (Record<OverrideField, string> & { sku: string })[] };
const OVERRIDE_RANGE: Record<OverrideField, readonly [number, number]> = { lead_time_days: [0, 365], safety_stock_days: [0, 365], case_pack: [1, 100000] };

/** The problem document's field errors (FastAPI `loc` paths), keyed "lead_time_days" or "overrides.2.case_pack". */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== "validation_error") return {};
  const out: Record<string, string> = {};
  for (const e of error.problem.errors ?? []) {
    const loc = Array.isArray(e.loc) ? (e.loc as unknown[]).map(String) : [];
    const path = loc[0] === "body" ? loc.slice(1) : loc;
    if (path.length) out[path.join(".")] = String(e.type ?? "");
  }
  return out;
}

const toDraft = (s: api.ReplenishmentSettings): Draft => ({
  ...(Object.fromEntries(SETTING_FIELDS.map(([k]) => [k, String(s[k] ?? "")])) as Record<SettingField, string>),
  overrides: (s.overrides ?? []).map((o) => ({
    sku: o.sku,
    lead_time_days: o.lead_time_days?.toString() ?? "",
    safety_stock_days: o.safety_stock_days?.toString() ?? "",
    case_pack: o.case_pack?.toString() ?? "",
  })),
});

const fromDraft = (d: Draft): api.ReplenishmentSettings => ({
  // A cleared field is sent as null (not 0): the server refuses it and the field says so.
  ...(Object.fromEntries(SETTING_FIELDS.map(([k]) => [k, d[k].trim() === "" ? null : Number(d[k])])) as Record<SettingField, number>),
  overrides: d.overrides
    .filter((o) => o.sku.trim())
    .map((o) => ({
      sku: o.sku.trim(),
      lead_time_days: o.lead_time_days === "" ? null : Number(o.lead_time_days),
      safety_stock_days: o.safety_stock_days === "" ? null : Number(o.safety_stock_days),
      case_pack: o.case_pack === "" ? null : Number(o.case_pack),
    })),
});

/** The replenishment policy: defaults for the store and per-SKU overrides (owners edit). */
function ReplenishmentForm({ storeId, owner, initial }: { storeId: string; owner: boolean; initial: api.ReplenishmentSettings }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const save = useMutation({
    mutationFn: (body: api.ReplenishmentSettings | Record<string, never>) => api.saveReplenishmentSettings(storeId, body),
    onSuccess: (saved) => {
      setDraft(toDraft(saved));
      qc.setQueryData(queryKeys.storeData(storeId, "replenishment-settings"), saved);
      // Suggestions are computed with these settings: reload them.
      return qc.invalidateQueries({ queryKey: queryKeys.storeData(storeId, "replenishment") });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(fromDraft(draft));
  };
  const setOverride = (index: number, field: OverrideField | "sku", value: string) =>
    setDraft({ ...draft, overrides: draft.overrides.map((o, i) => (i === index ? { ...o, [field]: value } : o)) });
  const invalid = fieldErrors(save.error);
  // Blank override rows are dropped before saving: map the server's indices back to the rows shown.
  const sent = draft.overrides.map((o, i) => (o.sku.trim() ? i : -1)).filter((i) => i >= 0);
  const overrideError = (row: number, field: OverrideField | "sku") => {
    const index = sent.indexOf(row);
    return index < 0 ? undefined : invalid[`overrides.${index}.${field}`];
  };
  const rangeMessage = (range: readonly [number, number] | null) =>
    range ? t("settings.replenishment.invalidRange", { min: range[0], max: range[1] }) : t("settings.replenishment.invalidSku");
  const errorId = (key: string) => `repl-error-${key.replace(/\./g, "-")}`;
  return (
    <form className="stack" onSubmit={submit} data-testid="replenishment-settings" noValidate>
      <fieldset disabled={!owner} className="row filters">
        <legend className="sr-only">{t("settings.replenishment.defaults")}</legend>
        {SETTING_FIELDS.map(([k, min, max]) => (
          <div key={k} className="field">
            <label>
              {t(`settings.replenishment.${k}`)}
              <input
                type="number"
                required
                min={min}
                max={max}
                step={1}
                value={draft[k]}
                aria-invalid={invalid[k] ? true : undefined}
                aria-describedby={invalid[k] ? errorId(k) : undefined}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
              />
            </label>
            {invalid[k] && (
              <span id={errorId(k)} className="error-text small" data-testid="field-error">
                {rangeMessage([min, max])}
              </span>
            )}
          </div>
        ))}
      </fieldset>
      <p className="muted small">{t("settings.replenishment.explain")}</p>
      <h3>{t("settings.replenishment.overrides")}</h3>
      {draft.overrides.length === 0 && <p className="muted">{t("settings.replenishment.noOverrides")}</p>}
      {draft.overrides.length > 0 && (
        <div className="table-wrap" {...scrollable(t("settings.replenishment.overrides"))}>
          <table className="compact" data-testid="replenishment-overrides">
            <caption className="sr-only">{t("settings.replenishment.overrides")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("inventory.columns.sku")}</th>
                {OVERRIDE_FIELDS.map((f) => (
                  <th scope="col" key={f}>{t(`settings.replenishment.${f}`)}</th>
                ))}
                {owner && <th scope="col"><span className="sr-only">{t("settings.replenishment.removeOverride")}</span></th>}
              </tr>
            </thead>
            <tbody>
              {draft.overrides.map((o, i) => (
                <tr key={i}>
                  <td>
                    <input
                      aria-label={t("inventory.columns.sku")}
                      required
                      value={o.sku}
                      disabled={!owner}
                      aria-invalid={overrideError(i, "sku") ? true : undefined}
                      aria-describedby={overrideError(i, "sku") ? errorId(`o-${i}-sku`) : undefined}
                      onChange={(e) => setOverride(i, "sku", e.target.value)}
                    />
                    {overrideError(i, "sku") && (
                      <span id={errorId(`o-${i}-sku`)} className="error-text small" data-testid="field-error">{rangeMessage(null)}</span>
                    )}
                  </td>
                  {OVERRIDE_FIELDS.map((f) => (
                    <td key={f}>
                      <input
                        type="number"
                        min={OVERRIDE_RANGE[f][0]}
                        max={OVERRIDE_RANGE[f][1]}
                        step={1}
                        aria-label={`${t(`settings.replenishment.${f}`)} (${o.sku || t("inventory.columns.sku")})`}
                        placeholder={t("settings.replenishment.inherit")}
                        value={o[f]}
                        disabled={!owner}
                        aria-invalid={overrideError(i, f) ? true : undefined}
                        aria-describedby={overrideError(i, f) ? errorId(`o-${i}-${f}`) : undefined}
                        onChange={(e) => setOverride(i, f, e.target.value)}
                      />
                      {overrideError(i, f) && (
                        <span id={errorId(`o-${i}-${f}`)} className="error-text small" data-testid="field-error">
                          {rangeMessage(OVERRIDE_RANGE[f])}
                        </span>
                      )}
                    </td>
                  ))}
                  {owner && (
                    <td>
                      <button type="button" onClick={() => setDraft({ ...draft, overrides: draft.overrides.filter((_, j) => j !== i) })}>
                        {t("settings.replenishment.removeOverride")}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {owner && (
        <div className="row">
          <button
            type="button"
            onClick={() => setDraft({ ...draft, overrides: [...draft.overrides, { sku: "", lead_time_days: "", safety_stock_days: "", case_pack: "" }] })}
          >
            {t("settings.replenishment.addOverride")}
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>{t("common.save")}</button>
          <ConfirmAction
            label={t("settings.replenishment.restore")}
            question={t("settings.replenishment.restoreConfirm")}
            confirm={t("settings.replenishment.restoreYes")}
            pending={save.isPending}
            onConfirm={() => save.mutate({})}
          />
          {save.isSuccess && <span role="status">{t("common.saved")}</span>}
        </div>
      )}
      {save.error && <InlineError error={save.error} what={t("settings.replenishment.title")} />}
    </form>
  );
}

function Replenishment({ storeId, owner }: { storeId: string; owner: boolean }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: queryKeys.storeData(storeId, "replenishment-settings"),
    queryFn: () => api.getReplenishmentSettings(storeId),
    retry: false,
  });
  return (
    <section className="panel" aria-labelledby="repl-title">
      <h2 id="repl-title">{t("settings.replenishment.title")}</h2>
      {!owner && <p className="muted">{t("settings.replenishment.readOnly")}</p>}
      {q.isPending && <Loading />}
      {q.error && <ErrorState error={q.error} what={t("settings.replenishment.title")} onRetry={() => void q.refetch()} />}
      {q.data && <ReplenishmentForm key={storeId} storeId={storeId} owner={owner} initial={q.data} />}
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
      <Members storeId={storeId} owner={role === "owner"} />
      <Tokens storeId={storeId} />
      <Replenishment storeId={storeId} owner={role === "owner"} />
      {role === "owner" && <Disconnect storeId={storeId} storeName={storeName} />}
    </div>
  );
}
