import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { renderWithProviders, stubServer } from "../../test/utils";
import { LoginPage } from "./LoginPage";

const problem = (status: number, code: string) => ({ status, body: { type: "about:blank", title: code, status, code } });

function renderLogin() {
  return renderWithProviders(
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/stores" element={<p>stores page</p>} />
    </Routes>,
    { route: "/login" },
  );
}

describe("LoginPage", () => {
  it("says when email and password do not match", async () => {
    stubServer({ "GET /api/v1/me": problem(401, "not_authenticated"), "POST /api/v1/auth/login": problem(401, "invalid_credentials") });
    renderLogin();
    await userEvent.type(await screen.findByLabelText("Email"), "a@b.example");
    await userEvent.type(screen.getByLabelText("Password"), "wrong-password-123");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("That email and password do not match");
  });

  it("asks for the authentication code when the account has MFA, and sends it", async () => {
    const bodies: unknown[] = [];
    let signedIn = false;
    stubServer({
      "GET /api/v1/me": () => (signedIn ? { body: { id: "u1", email: "a@b.example", is_admin: false } } : problem(401, "not_authenticated")),
      "POST /api/v1/auth/login": () => {
        if (bodies.length === 2) {
          signedIn = true;
          return { body: { id: "u1", email: "a@b.example", is_admin: false } };
        }
        return problem(401, "mfa_required");
      },
    });
    const realFetch = globalThis.fetch;
    vi.stubGlobal("fetch", async (input: Request) => {
      if (input.method === "POST") bodies.push(await input.clone().json());
      return realFetch(input);
    });
    renderLogin();
    await userEvent.type(await screen.findByLabelText("Email"), "a@b.example");
    await userEvent.type(screen.getByLabelText("Password"), "correct-horse-battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const code = await screen.findByLabelText(/Authentication code/);
    await userEvent.type(code, "123456");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByText("stores page")).toBeInTheDocument());
    expect(bodies[1]).toEqual({ email: "a@b.example", password: "correct-horse-battery", mfa_code: "123456" });
  });
});
