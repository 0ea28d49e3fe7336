import {
  replenishmentGetReplenishmentSettings,
  replenishmentUpdateReplenishmentSettings,
  invitationsCreateInvitation,
  invitationsListInvitations,
  invitationsRevokeInvitation,
  storesDisconnectStore,
  storesListMembers,
  storesRemoveMember,
  storesChangeMemberRole,
  tokensCreateToken,
  tokensListTokens,
  tokensRevokeToken,
} from "../../client/sdk.gen";
import type { ApiTokenCreate, InvitationCreate, ReplenishmentSettingsRead } from "../../client/types.gen";
import { unwrap } from "../../lib/api";

export type { ApiTokenCreated, ApiTokenRead, InvitationRead, MemberRead } from "../../client/types.gen";

// Members and invitations of a store (owners change them; members read them).
export const listMembers = (storeId: string) => unwrap(storesListMembers({ path: { store_id: storeId } }));
export const removeMember = (storeId: string, userId: string) =>
  unwrap(storesRemoveMember({ path: { store_id: storeId, user_id: userId } }));
export const changeMemberRole = (storeId: string, userId: string, role: "owner" | "viewer") =>
  unwrap(storesChangeMemberRole({ path: { store_id: storeId, user_id: userId }, body: { role } }));
export const listInvitations = (storeId: string) =>
  unwrap(invitationsListInvitations({ path: { store_id: storeId } }));
export const createInvitation = (storeId: string, body: InvitationCreate) =>
  unwrap(invitationsCreateInvitation({ path: { store_id: storeId }, body }));
export const revokeInvitation = (storeId: string, invitationId: string) =>
  unwrap(invitationsRevokeInvitation({ path: { store_id: storeId, invitation_id: invitationId } }));

// Personal read-only API tokens: the secret comes back once, from the create call.
export const listTokens = () => unwrap(tokensListTokens());
export const createToken = (body: ApiTokenCreate) => unwrap(tokensCreateToken({ body }));
export const revokeToken = (tokenId: string) => unwrap(tokensRevokeToken({ path: { token_id: tokenId } }));

export const disconnectStore = (storeId: string) => unwrap(storesDisconnectStore({ path: { store_id: storeId } }));

// Replenishment settings: everyone reads them; owners replace them (an empty body restores defaults).
export type { ReplenishmentSettingsRead as ReplenishmentSettings, SkuOverride } from "../../client/types.gen";
export const getReplenishmentSettings = (storeId: string) =>
  unwrap(replenishmentGetReplenishmentSettings({ path: { store_id: storeId } }));
export const saveReplenishmentSettings = (storeId: string, body: ReplenishmentSettingsRead | Record<string, never>) =>
  unwrap(replenishmentUpdateReplenishmentSettings({ path: { store_id: storeId }, body }));
