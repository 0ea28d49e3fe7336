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

  it("changes a member's role with the selector and explains the last-owner refusal", async () => {
    let members = [
      { user_id: "u1", email: "owner@b.example", role: "owner", created_at: "2026-01-01T00:00:00Z" },
      { user_id: "u2", email: "viewer@b.example", role: "viewer", created_at: "2026-01-01T00:00:00Z" },
    ];
    const patched: unknown[] = [];
    stubServer({
      "GET /api/v1/me": me,
      "GET /api/v1/tokens": { body: [] },
      "GET /api/v1/stores/s1/invitations": { body: [] },
      "GET /api/v1/stores/s1/members": () => ({ body: members }),
      "PATCH /api/v1/stores/s1/members/u2": async (_url, request) => {
        const body = (await request.json()) as { role: string };
        patched.push(body);
        members = members.map((m) => (m.user_id === "u2" ? { ...m, role: body.role } : m));
        return { body: members[1] };
      },
      "PATCH /api/v1/stores/s1/members/u1": {
        status: 409,
        body: { type: "about:blank", title: "A store keeps at least one owner", status: 409, code: "last_owner" },
      },
    });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    const select = await screen.findByLabelText("Role of viewer@b.example");
    expect(select).toHaveValue("viewer");
    await userEvent.selectOptions(select, "owner");
    expect(await screen.findByText("Role of viewer@b.example changed.")).toBeInTheDocument();
    expect(patched).toEqual([{ role: "owner" }]);
    await waitFor(() => expect(screen.getByTestId("members-list")).toHaveTextContent("viewer@b.example — Owner"));

    await userEvent.selectOptions(screen.getByLabelText("Role of owner@b.example"), "viewer");
    expect(await screen.findByRole("alert")).toHaveTextContent("A store keeps at least one owner");
    // The list is read again: the refused change is not shown as made.
    await waitFor(() => expect(screen.getByLabelText("Role of owner@b.example")).toHaveValue("owner"));
  });

  it("saves replenishment settings and shows the server's field errors next to the fields", async () => {
    const settings = { lead_time_days: 30, safety_stock_days: 14, review_period_days: 14, reorder_soon_days: 14, overstock_days: 120, case_pack: 1, overrides: [] as { sku: string; case_pack: number | null }[] };
    const saved: unknown[] = [];
    stubServer({
      "GET /api/v1/me": me,
      "GET /api/v1/tokens": { body: [] },
      "GET /api/v1/stores/s1/invitations": { body: [] },
      "GET /api/v1/stores/s1/members": { body: [] },
      "GET /api/v1/stores/s1/settings/replenishment": { body: settings },
      "PUT /api/v1/stores/s1/settings/replenishment": async (_url, request) => {
        const body = (await request.json()) as typeof settings;
        saved.push(body);
        const errors = [];
        if (body.lead_time_days > 365) errors.push({ loc: ["body", "lead_time_days"], msg: "Input should be less than or equal to 365", type: "less_than_equal" });
        body.overrides.forEach((o, i) => {
          if (o.case_pack !== null && o.case_pack < 1) errors.push({ loc: ["body", "overrides", i, "case_pack"], msg: "x", type: "greater_than_equal" });
        });
        if (errors.length)
          return { status: 422, body: { type: "about:blank", title: "The request is not valid", status: 422, code: "validation_error", errors } };
        return { body };
      },
    });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    const lead = await screen.findByLabelText("Lead time (days)");
    await userEvent.clear(lead);
    await userEvent.type(lead, "400");
    await userEvent.click(screen.getByRole("button", { name: "Add a SKU override" }));
    await userEvent.type(screen.getByLabelText("SKU"), "MUG-1");
    await userEvent.type(screen.getByLabelText("Case pack (units) (MUG-1)"), "0");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Enter a whole number from 0 to 365.")).toBeInTheDocument();
    expect(lead).toHaveAttribute("aria-invalid", "true");
    expect(lead).toHaveAccessibleDescription("Enter a whole number from 0 to 365.");
    expect(screen.getByLabelText("Case pack (units) (MUG-1)")).toHaveAccessibleDescription("Enter a whole number from 1 to 100000.");
    expect(screen.getByLabelText("Safety stock (days)")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByRole("alert")).toHaveTextContent("Some fields are not valid");

    await userEvent.clear(lead);
    await userEvent.type(lead, "45");
    await userEvent.clear(screen.getByLabelText("Case pack (units) (MUG-1)"));
    await userEvent.type(screen.getByLabelText("Case pack (units) (MUG-1)"), "12");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved")).toBeInTheDocument();
    expect(screen.queryAllByTestId("field-error")).toHaveLength(0);
    expect(saved[1]).toMatchObject({ lead_time_days: 45, overrides: [{ sku: "MUG-1", case_pack: 12, lead_time_days: null }] });
  });
});
