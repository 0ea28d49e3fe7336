import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders, stubServer } from "../../test/utils";
import { SyncStatusBar } from "./SyncStatusBar";
import { Freshness } from "./sync";

const done = { dataset: "inventory", state: "succeeded", source: "report", last_success_at: "2026-12-01T08:00:00Z" };

describe("SyncStatusBar", () => {
  it("shows each dataset's state, and tells viewers only owners can sync", async () => {
    stubServer({
      "GET /api/v1/stores/s1/sync": {
        body: { store_id: "s1", done: true, datasets: [done, { dataset: "orders", state: "failed", source: null, last_error: "throttled" }] },
      },
    });
    renderWithProviders(<SyncStatusBar storeId="s1" region="na" role="viewer" />);
    expect(await screen.findByText(/Inventory: up to date/)).toBeInTheDocument();
    expect(screen.getByText(/Orders: failed/)).toHaveClass("bad");
    expect(screen.getByTestId("sync-status")).toHaveTextContent("Only the store's owners can start a sync");
  });
});

describe("SyncStatusBar and revocation", () => {
  it("reads the store again when a sync stops (Amazon revoked it)", async () => {
    let reads = 0;
    stubServer({
      "GET /api/v1/stores/s1/sync": {
        body: { store_id: "s1", done: true, datasets: [{ ...done, state: "stopped", last_error: "store_revoked" }] },
      },
    });
    const { QueryClient, QueryClientProvider } = await import("@tanstack/react-query");
    const { render } = await import("@testing-library/react");
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    qc.setQueryData(["stores", "s1"], { id: "s1", status: "connected" });
    qc.getQueryCache().subscribe((e) => {
      if (e.type === "updated" && e.action.type === "invalidate" && JSON.stringify(e.query.queryKey) === '["stores","s1"]') reads += 1;
    });
    render(
      <QueryClientProvider client={qc}>
        <SyncStatusBar storeId="s1" region="na" role="owner" />
      </QueryClientProvider>,
    );
    expect(await screen.findByText(/Inventory: stopped/)).toBeInTheDocument();
    await waitFor(() => expect(reads).toBeGreaterThan(0));
    expect(qc.getQueryState(["stores", "s1"])?.isInvalidated).toBe(true);
  });
});

describe("Freshness", () => {
  it("asks the server for a sync and shows its progress from the answer", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/sync": { body: { store_id: "s1", done: true, datasets: [done] } },
      "POST /api/v1/stores/s1/sync": {
        status: 202,
        body: { store_id: "s1", done: false, datasets: [{ ...done, state: "queued" }] },
      },
    });
    renderWithProviders(<Freshness storeId="s1" datasets={["inventory"]} role="owner" region="na" syncDatasets={["inventory"]} />);
    expect(await screen.findByText(/^Synced /)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(calls).toContain("POST /api/v1/stores/s1/sync");
    expect(await screen.findByText("Inventory: waiting for a worker…")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("sync-refresh")).toBeDisabled());
  });

  it("disables refresh for viewers and says why", async () => {
    stubServer({ "GET /api/v1/stores/s1/sync": { body: { store_id: "s1", done: true, datasets: [done] } } });
    renderWithProviders(<Freshness storeId="s1" datasets={["inventory"]} role="viewer" region="na" />);
    const button = await screen.findByTestId("sync-refresh");
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription("Only owners can refresh");
  });
});
