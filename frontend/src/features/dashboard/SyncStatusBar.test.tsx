import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders, stubServer } from "../../test/utils";
import { SyncStatusBar } from "./SyncStatusBar";

describe("SyncStatusBar", () => {
  it("says panels read live while the server has no background sync", async () => {
    stubServer({});
    renderWithProviders(<SyncStatusBar storeId="s1" region="na" />);
    expect(await screen.findByTestId("sync-live")).toHaveTextContent("each panel reads Amazon live");
  });

  it("shows each dataset's state and asks for a sync", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/sync": {
        body: { datasets: [{ dataset: "inventory", state: "done", last_synced_at: "2026-12-01T08:00:00Z", error: null }] },
      },
      "POST /api/v1/stores/s1/sync": { status: 202, body: {} },
    });
    renderWithProviders(<SyncStatusBar storeId="s1" region="na" />);
    expect(await screen.findByText(/Inventory: up to date/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Sync now" }));
    expect(calls).toContain("POST /api/v1/stores/s1/sync");
  });
});
