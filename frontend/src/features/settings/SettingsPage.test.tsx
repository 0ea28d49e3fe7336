import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders, stubServer } from "../../test/utils";
import { SettingsPage } from "./SettingsPage";

const me = { body: { id: "u1", email: "owner@b.example", is_admin: false, mfa_enabled: false, mfa_required: false, mfa_verified: true, next_step: null } };
const token = (id: string, name: string, revoked = false) => ({
  id,
  name,
  token_prefix: "mh_abcd",
  store_ids: ["s1"],
  created_at: "2026-01-01T00:00:00Z",
  expires_at: "2099-01-01T00:00:00Z",
  last_used_at: null,
  revoked_at: revoked ? "2026-01-02T00:00:00Z" : null,
});
const invitation = { id: "i1", kind: "store", store_id: "s1", email: "new@b.example", role: "viewer", created_at: "2026-01-01T00:00:00Z", expires_at: "2099-01-01T00:00:00Z", accepted_at: null, revoked_at: null };

describe("SettingsPage", () => {
  it("says which sections the server does not offer yet", async () => {
    stubServer({ "GET /api/v1/me": me, "GET /api/v1/stores/s1/members": { body: [] }, "GET /api/v1/stores/s1/invitations": { body: [] }, "GET /api/v1/tokens": { body: [] } });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    await waitFor(() => expect(screen.getAllByTestId("not-available")).toHaveLength(1));
    expect(screen.getByText("Replenishment settings: not available on this server yet")).toBeInTheDocument();
  });

  it("shows a new API token once, then never again, and revokes after asking", async () => {
    let tokens = [token("t0", "old", true)];
    const created: unknown[] = [];
    const { calls } = stubServer({
      "GET /api/v1/me": me,
      "GET /api/v1/stores/s1/members": { body: [] },
      "GET /api/v1/stores/s1/invitations": { body: [] },
      "GET /api/v1/tokens": () => ({ body: tokens }),
      "POST /api/v1/tokens": async (_url, request) => {
        created.push(await request.json());
        tokens = [token("t1", "bi"), ...tokens];
        return { status: 201, body: { ...token("t1", "bi"), token: "mh_secret_value" } };
      },
      "DELETE /api/v1/tokens/t1": () => {
        tokens = [token("t1", "bi", true), tokens[1]];
        return { status: 204 };
      },
    });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    await userEvent.type(await screen.findByLabelText("Token name"), "bi");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByTestId("new-token-secret")).toHaveTextContent("mh_secret_value");
    expect(screen.getByText("Copy this token now. It will not be shown again.")).toBeInTheDocument();
    expect(created).toEqual([{ name: "bi", store_ids: ["s1"], expires_in_days: 90 }]);

    // The list shows the new token by its prefix only; once dismissed the secret is gone.
    const list = await screen.findByTestId("tokens-list");
    await waitFor(() => expect(within(list).getByText("bi")).toBeInTheDocument());
    expect(list).not.toHaveTextContent("mh_secret_value");
    await userEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByText("mh_secret_value")).not.toBeInTheDocument();

    // Only the active token can be revoked, and only after confirming.
    expect(within(list).getAllByRole("button", { name: "Revoke" })).toHaveLength(1);
    await userEvent.click(within(list).getByRole("button", { name: "Revoke" }));
    expect(calls).not.toContain("DELETE /api/v1/tokens/t1");
    await userEvent.click(screen.getByRole("button", { name: "Yes, revoke" }));
    await waitFor(() => expect(calls).toContain("DELETE /api/v1/tokens/t1"));
    await waitFor(() => expect(within(screen.getByTestId("tokens-list")).getAllByText("Revoked")).toHaveLength(2));
  });

  it("lists members and invitations, invites, revokes an invitation and removes a member", async () => {
    let invitations = [invitation];
    let members = [
      { user_id: "u1", email: "owner@b.example", role: "owner", created_at: "2026-01-01T00:00:00Z" },
      { user_id: "u2", email: "viewer@b.example", role: "viewer", created_at: "2026-01-01T00:00:00Z" },
    ];
    const invited: unknown[] = [];
    const { calls } = stubServer({
      "GET /api/v1/me": me,
      "GET /api/v1/tokens": { body: [] },
      "GET /api/v1/stores/s1/members": () => ({ body: members }),
      "GET /api/v1/stores/s1/invitations": () => ({ body: invitations }),
      "POST /api/v1/stores/s1/invitations": async (_url, request) => {
        const body = (await request.json()) as { email: string; role: string };
        invited.push(body);
        invitations = [...invitations, { ...invitation, id: "i2", ...body }];
        return { status: 201, body: invitations[invitations.length - 1] };
      },
      "DELETE /api/v1/stores/s1/invitations/i1": () => {
        invitations = invitations.filter((i) => i.id !== "i1");
        return { status: 204 };
      },
      "DELETE /api/v1/stores/s1/members/u2": () => {
        members = members.filter((m) => m.user_id !== "u2");
        return { status: 204 };
      },
      "DELETE /api/v1/stores/s1/members/u1": { status: 409, body: { type: "about:blank", title: "x", status: 409, code: "last_owner" } },
    });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    const memberList = await screen.findByTestId("members-list");
    expect(memberList).toHaveTextContent("owner@b.example — Owner (you)");
    expect(memberList).toHaveTextContent("viewer@b.example — Viewer");

    await userEvent.type(screen.getByLabelText("Email"), "team@b.example");
    await userEvent.selectOptions(screen.getByLabelText("Role"), "owner");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText(/Invitation e-mailed to team@b.example/)).toBeInTheDocument();
    expect(invited).toEqual([{ email: "team@b.example", role: "owner" }]);
    await waitFor(() => expect(screen.getByTestId("invitations-list")).toHaveTextContent("team@b.example as Owner"));

    const first = within(screen.getByTestId("invitations-list")).getAllByRole("listitem")[0];
    await userEvent.click(within(first).getByRole("button", { name: "Revoke" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, revoke" }));
    await waitFor(() => expect(screen.getByTestId("invitations-list")).not.toHaveTextContent("new@b.example"));

    // The last owner cannot leave: the problem's code is explained.
    const rows = within(memberList).getAllByRole("listitem");
    await userEvent.click(within(rows[0]).getByRole("button", { name: "Leave store" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, remove" }));
    expect(await screen.findByText(/A store keeps at least one owner/)).toBeInTheDocument();

    await userEvent.click(within(rows[1]).getByRole("button", { name: "Remove" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, remove" }));
    await waitFor(() => expect(screen.getByTestId("members-list")).not.toHaveTextContent("viewer@b.example"));
    expect(calls).toContain("DELETE /api/v1/stores/s1/members/u2");
  });

  it("explains disconnecting before doing it", async () => {
    const { calls } = stubServer({
      "GET /api/v1/me": me,
      "GET /api/v1/stores/s1/members": { body: [] },
      "GET /api/v1/stores/s1/invitations": { body: [] },
      "GET /api/v1/tokens": { body: [] },
      "DELETE /api/v1/stores/s1/authorization": { status: 204 },
    });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    await userEvent.click(await screen.findByRole("button", { name: "Disconnect…" }));
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Disconnect Mint US?");
    expect(calls).not.toContain("DELETE /api/v1/stores/s1/authorization");
    await userEvent.click(screen.getByRole("button", { name: "Yes, disconnect" }));
    expect(await screen.findByText("The store is disconnected.")).toBeInTheDocument();
    expect(calls).toContain("DELETE /api/v1/stores/s1/authorization");
  });
});
