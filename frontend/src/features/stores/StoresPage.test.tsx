import { screen, within } from "@testing-library/react";
import { renderWithProviders, stubServer } from "../../test/utils";
import { StoresPage } from "./StoresPage";

const day = 86_400_000;
const store = (id: string, status: string, grantedDaysAgo: number, region = "na") => ({
  id, name: `Store ${id}`, region, status, role: "owner", marketplace_ids: ["ATVPDKIKX0DER"], selling_partner_id: `A${id}`,
  authorized_at: new Date(Date.now() - grantedDaysAgo * day).toISOString(),
  revoked_at: status === "revoked" ? new Date().toISOString() : null, revoke_cause: null,
});

describe("StoresPage", () => {
  it("shows connected, needs-renewal and revoked stores with the right action", async () => {
    stubServer({
      "GET /api/v1/stores": { body: [store("1", "connected", 10), store("2", "connected", 360, "eu"), store("3", "revoked", 100, "fe")] },
      "GET /api/v1/stores/1/sync": { body: { store_id: "1", done: true, datasets: [{ dataset: "inventory", state: "never", source: null }] } },
    });
    renderWithProviders(<StoresPage />);
    const rows = within(await screen.findByTestId("stores-table")).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Connected");
    expect(within(rows[1]).queryByRole("link", { name: /Renew|Reconnect/ })).not.toBeInTheDocument();
    expect(rows[2]).toHaveTextContent("Needs renewal in 5 days");
    expect(within(rows[2]).getByRole("link", { name: /Renew/ })).toHaveAttribute("href", "/api/v1/stores/connect?region=eu");
    expect(rows[3]).toHaveTextContent("Revoked");
    expect(within(rows[3]).getByRole("link", { name: /Reconnect/ })).toHaveAttribute("href", "/api/v1/stores/connect?region=fe");
    expect(await within(rows[1]).findByText("Not synced yet")).toBeInTheDocument();
  });

  it("explains how to connect the first store", async () => {
    stubServer({ "GET /api/v1/stores": { body: [] } });
    renderWithProviders(<StoresPage />);
    expect(await screen.findByText("No stores yet")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Connect a store" })).toBeInTheDocument();
  });
});
