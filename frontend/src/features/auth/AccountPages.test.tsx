import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { renderWithProviders, stubServer } from "../../test/utils";
import { InvitationPage } from "./AccountPages";

const TOKEN = "tok_0123456789abcdef";
const anonymous = { status: 401, body: { type: "about:blank", title: "x", status: 401, code: "not_authenticated" } };
const signedIn = { body: { id: "u2", email: "team@b.example", is_admin: false, mfa_enabled: false, mfa_required: false, mfa_verified: true, next_step: null } };
const accepted = (account_created: boolean) => ({
  body: { kind: "store", user_id: "u2", email: "team@b.example", store_id: "s1", role: "viewer", account_created },
});

function renderInvitation() {
  return renderWithProviders(
    <Routes>
      <Route path="/invitations/accept" element={<InvitationPage />} />
    </Routes>,
    { route: `/invitations/accept#token=${TOKEN}` },
  );
}

describe("InvitationPage", () => {
  beforeEach(() => sessionStorage.clear());

  it("creates the account with the fragment's token and a password, then asks to sign in", async () => {
    const bodies: unknown[] = [];
    stubServer({
      "GET /api/v1/me": anonymous,
      "POST /api/v1/invitations/accept": async (_url, request) => {
        bodies.push(await request.json());
        return bodies.length === 1
          ? { status: 422, body: { type: "about:blank", title: "x", status: 422, code: "weak_password" } }
          : accepted(true);
      },
    });
    renderInvitation();
    await userEvent.type(await screen.findByLabelText(/Choose a password/), "password");
    await userEvent.click(screen.getByRole("button", { name: "Accept invitation" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Choose a stronger password");
    await userEvent.type(screen.getByLabelText(/Choose a password/), "-long-and-rare-2026");
    await userEvent.click(screen.getByRole("button", { name: "Accept invitation" }));
    expect(await screen.findByText(/Your account team@b.example is ready/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login?next=%2Fstores%2Fs1");
    expect(bodies).toEqual([
      { token: TOKEN, password: "password" },
      { token: TOKEN, password: "password-long-and-rare-2026" },
    ]);
  });

  it("signed in as the invitee, sends the token only and links to the store", async () => {
    const bodies: unknown[] = [];
    stubServer({
      "GET /api/v1/me": signedIn,
      "POST /api/v1/invitations/accept": async (_url, request) => {
        bodies.push(await request.json());
        return accepted(false);
      },
    });
    renderInvitation();
    expect(await screen.findByText(/You are signed in as team@b.example/)).toBeInTheDocument();
    expect(screen.queryByLabelText(/Choose a password/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Accept invitation" }));
    expect(await screen.findByRole("link", { name: "Open the store" })).toHaveAttribute("href", "/stores/s1");
    expect(bodies).toEqual([{ token: TOKEN }]);
  });
});
