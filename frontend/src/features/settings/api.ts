import { apiFetch } from "../../lib/api";

// Contracts from issues 3 (members, invitations, API tokens), 5 (disconnect) and 6 (replenishment
// settings). Each section shows "not available yet" while its endpoint answers 404.
export type Member = { user_id: string; email: string; role: string };
export type Invitation = { id: string; email: string; role: string; expires_at: string };
export type ApiToken = { id: string; name: string; store_ids: string[]; expires_at: string | null; last_used_at: string | null };
export type ReplenishmentSettings = { lead_time_days: number; safety_stock_days: number; review_period_days: number; case_pack?: number | null };

type Items<T> = { items: T[] } | T[];
const items = <T,>(body: Items<T>): T[] => (Array.isArray(body) ? body : body.items);
const json = (body: unknown) => JSON.stringify(body);

export const listMembers = async (storeId: string) => items(await apiFetch<Items<Member>>(`/api/v1/stores/${storeId}/members`));
export const listInvitations = async (storeId: string) =>
  items(await apiFetch<Items<Invitation>>(`/api/v1/stores/${storeId}/invitations`));
export const createInvitation = (storeId: string, body: { email: string; role: string }) =>
  apiFetch<Invitation>(`/api/v1/stores/${storeId}/invitations`, { method: "POST", body: json(body) });
export const listTokens = async () => items(await apiFetch<Items<ApiToken>>("/api/v1/me/api-tokens"));
export const createToken = (body: { name: string; store_ids: string[]; expires_in_days: number }) =>
  apiFetch<ApiToken & { token: string }>("/api/v1/me/api-tokens", { method: "POST", body: json(body) });
export const revokeToken = (id: string) => apiFetch<unknown>(`/api/v1/me/api-tokens/${id}`, { method: "DELETE" });
export const getReplenishmentSettings = (storeId: string) =>
  apiFetch<ReplenishmentSettings>(`/api/v1/stores/${storeId}/settings/replenishment`);
export const saveReplenishmentSettings = (storeId: string, body: ReplenishmentSettings) =>
  apiFetch<ReplenishmentSettings>(`/api/v1/stores/${storeId}/settings/replenishment`, { method: "PUT", body: json(body) });
export const disconnectStore = (storeId: string) =>
  apiFetch<unknown>(`/api/v1/stores/${storeId}/authorization`, { method: "DELETE" });
