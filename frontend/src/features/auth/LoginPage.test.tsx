import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { renderWithProviders, stubServer } from "../../test/utils";
import { LoginPage } from "./LoginPage";

const problem = (status: number, code: string, headers?: Record<string, string>) => ({
  status,
  headers,
  body: { type: "about:blank", title: code, status, code, detail: `server detail for ${code}` },
});
const session = (next_step: string | null, extra: Record<string, unknown> = {}) => ({
  body: {
    id: "u1",
    email: "a@b.example",
    is_admin: false,
    mfa_enabled: next_step === "mfa_verify",
    mfa_required: true,
    mfa_verified: next_step === null,
    next_step,
    ...extra,
  },
});

function renderLogin(route = "/login") {
  return renderWithProviders(
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/stores" element={<p>stores page</p>} />
    </Routes>,
    { route },
  );
}

async function signIn(password = "correct-horse-battery") {
  await userEvent.type(await screen.findByLabelText("Email"), "a@b.example");
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("LoginPage", () => {
  it("says when email and password do not match, in the catalogue's words", async () => {
    stubServer({ "GET /api/v1/me": problem(401, "not_authenticated"), "POST /api/v1/auth/login": problem(401, "invalid_credentials") });
    renderLogin();
    await signIn("wrong-password-123");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("That email and password do not match");
    expect(alert).not.toHaveTextContent("server detail");
  });

  it("says how long a locked-out account waits (429 Retry-After)", async () => {
    stubServer({
      "GET /api/v1/me": problem(401, "not_authenticated"),
      "POST /api/v1/auth/login": problem(429, "too_many_requests", { "Retry-After": "900" }),
    });
    renderLogin();
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many failed attempts. Try again in 15 minutes.");
  });

  it("asks for the code when login answers next_step mfa_verify, and sends it to /auth/mfa/verify", async () => {
    const verified: unknown[] = [];
    let loggedIn = false;
    const { calls } = stubServer({
      "GET /api/v1/me": () => (loggedIn ? session("mfa_verify") : problem(401, "not_authenticated")),
      "POST /api/v1/auth/login": async (_url, request) => {
        expect(await request.json()).toEqual({ email: "a@b.example", password: "correct-horse-battery" });
        loggedIn = true;
        return session("mfa_verify");
      },
      "POST /api/v1/auth/mfa/verify": async (_url, request) => {
        const body = (await request.json()) as { code: string };
        verified.push(body);
        return body.code === "123456" ? session(null, { mfa_enabled: true }) : problem(400, "invalid_mfa_code");
      },
    });
    renderLogin();
    await signIn();
    expect(await screen.findByRole("heading", { name: "Two-step verification" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Password")).not.toBeInTheDocument();

    const code = screen.getByLabelText(/Authentication code/);
    await userEvent.type(code, "000000");
    await userEvent.click(screen.getByRole("button", { name: "Verify" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("That code is not valid");

    await userEvent.clear(code);
    await userEvent.type(code, "123456");
    await userEvent.click(screen.getByRole("button", { name: "Verify" }));
    await waitFor(() => expect(screen.getByText("stores page")).toBeInTheDocument());
    expect(verified).toEqual([{ code: "000000" }, { code: "123456" }]);
    expect(calls.filter((c) => c.startsWith("POST"))).toEqual([
      "POST /api/v1/auth/login",
      "POST /api/v1/auth/mfa/verify",
      "POST /api/v1/auth/mfa/verify",
    ]);
  });

  it("resumes at the code step when the session already waits for its second factor", async () => {
    stubServer({ "GET /api/v1/me": session("mfa_verify") });
    renderLogin("/login?next=%2Faudit");
    expect(await screen.findByLabelText(/Authentication code/)).toBeInTheDocument();
    expect(screen.getByText(/Signed in as a@b.example/)).toBeInTheDocument();
  });

  it("walks an account without MFA through forced enrolment, recovery codes, then in", async () => {
    let state: "out" | "enroll" | "in" = "out";
    let confirmed = false;
    stubServer({
      "GET /api/v1/me": () =>
        state === "out" ? problem(401, "not_authenticated") : session(state === "enroll" ? "mfa_enroll" : null),
      "POST /api/v1/auth/login": () => {
        state = "enroll";
        return session("mfa_enroll");
      },
      "POST /api/v1/auth/mfa/totp/setup": { body: { secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/Mint:a%40b.example?secret=JBSWY3DPEHPK3PXP" } },
      "POST /api/v1/auth/mfa/totp/confirm": async (_url, request) => {
        expect(await request.json()).toEqual({ code: "654321" });
        confirmed = true;
        state = "in";
        return { body: { recovery_codes: ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"] } };
      },
    });
    renderLogin();
    await signIn();
    expect(await screen.findByRole("heading", { name: "Set up two-factor authentication" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Set up an authenticator app" }));
    expect(await screen.findByTestId("totp-secret")).toHaveTextContent("JBSWY3DPEHPK3PXP");
    await userEvent.type(screen.getByLabelText("Code from the app"), "654321");
    await userEvent.click(screen.getByRole("button", { name: "Confirm" }));
    expect(await screen.findByText("AAAA-BBBB-CCCC")).toBeInTheDocument();
    expect(confirmed).toBe(true);
    // The codes stay until the user says they are saved.
    expect(screen.queryByText("stores page")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /I have saved my recovery codes/ }));
    await waitFor(() => expect(screen.getByText("stores page")).toBeInTheDocument());
  });
});
