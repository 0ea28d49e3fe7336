import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders, stubServer } from "../../test/utils";
import { SettingsPage } from "./SettingsPage";

describe("SettingsPage", () => {
  it("says which sections the server does not offer yet", async () => {
    stubServer({});
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    await waitFor(() => expect(screen.getAllByTestId("not-available")).toHaveLength(3));
    expect(screen.getByText("Members: not available on this server yet")).toBeInTheDocument();
  });

  it("shows a new API token once and explains disconnecting before doing it", async () => {
    const { calls } = stubServer({
      "GET /api/v1/me/api-tokens": { body: { items: [] } },
      "POST /api/v1/me/api-tokens": { status: 201, body: { id: "t1", name: "bi", store_ids: ["s1"], expires_at: null, last_used_at: null, token: "mh_secret_value" } },
      "DELETE /api/v1/stores/s1/authorization": { status: 204 },
    });
    renderWithProviders(<SettingsPage storeId="s1" storeName="Mint US" role="owner" />);
    await userEvent.type(await screen.findByLabelText("Token name"), "bi");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("mh_secret_value")).toBeInTheDocument();
    expect(screen.getByText("Copy this token now. It will not be shown again.")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Disconnect…" }));
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Disconnect Mint US?");
    expect(calls).not.toContain("DELETE /api/v1/stores/s1/authorization");
    await userEvent.click(screen.getByRole("button", { name: "Yes, disconnect" }));
    expect(await screen.findByText("The store is disconnected.")).toBeInTheDocument();
    expect(calls).toContain("DELETE /api/v1/stores/s1/authorization");
  });
});
