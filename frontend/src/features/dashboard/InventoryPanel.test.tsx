import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { InventoryItem, InventoryPage } from "../../client/types.gen";
import { renderWithProviders, stubServer } from "../../test/utils";
import { InventoryPanel } from "./InventoryPanel";

const item = (sku: string, fulfillable: number, extra: Partial<InventoryItem> = {}): InventoryItem => ({
  sku, asin: `B0${sku}`, fnsku: null, product_name: `Product ${sku}`, condition: "NewItem", marketplace_id: "ATVPDKIKX0DER",
  fulfillable, inbound_working: 0, inbound_shipped: 0, inbound_receiving: 0, reserved: 0, unfulfillable: 0, researching: 0,
  total: fulfillable, last_updated: null, ...extra,
});

const totals = (skus: number, fulfillable = 0): InventoryPage["totals"] => ({
  skus, fulfillable, inbound: 0, inbound_receiving: 0, inbound_shipped: 0, inbound_working: 0, researching: 0, reserved: 0, total: fulfillable, unfulfillable: 0,
});

const page = (items: InventoryItem[], skus: number, next_cursor: string | null = null): InventoryPage => ({
  items, next_cursor, stale: false, sync: [], totals: totals(skus, items.reduce((s, i) => s + i.fulfillable, 0)),
});

const props = { storeId: "s1", region: "na", role: "owner", marketplaces: ["ATVPDKIKX0DER", "A1F83G8C2ARO7P"] };

describe("InventoryPanel", () => {
  it("pages with the server's cursor and sends search, status and marketplace to the server", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/inventory": (url) =>
        url.searchParams.get("cursor") === "c2"
          ? { body: page([item("MUG-2", 0, { inbound_shipped: 5, inbound: 5 })], 2) }
          : url.searchParams.get("q")
            ? { body: page([item("MUG-1", 12)], 1) }
            : { body: page([item("MUG-1", 12)], 2, "c2") },
    });
    renderWithProviders(<InventoryPanel {...props} />);
    const table = await screen.findByTestId("inventory-table");
    expect(within(table).getAllByRole("row")).toHaveLength(2);
    expect(screen.getByText("Rows 1–1 of 2")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(within(table).getAllByRole("row")[1]).toHaveTextContent("MUG-2"));
    expect(within(table).getAllByRole("row")[1]).toHaveTextContent("Inbound only");
    expect(screen.getByRole("button", { name: "Previous" })).toBeEnabled();

    await userEvent.type(screen.getByLabelText("Search SKU, ASIN or product"), "mug");
    await userEvent.selectOptions(screen.getByLabelText("Status"), "inbound");
    await userEvent.selectOptions(screen.getByLabelText("Marketplace"), "A1F83G8C2ARO7P");
    await waitFor(() =>
      expect(calls).toContain("GET /api/v1/stores/s1/inventory?q=mug&stock=inbound&marketplace_id=A1F83G8C2ARO7P&sort=sku&limit=50"),
    );
    // A new filter starts from the first page again (no cursor).
    expect(calls.filter((c) => c.includes("q=mug")).every((c) => !c.includes("cursor"))).toBe(true);
    expect(await screen.findByText("Rows 1–1 of 1")).toBeInTheDocument();
    expect(screen.getByTestId("export-inventory")).toHaveAttribute(
      "href",
      "/api/v1/stores/s1/inventory?format=csv&q=mug&stock=inbound&marketplace_id=A1F83G8C2ARO7P&sort=sku",
    );
  });

  it("asks the server to sort when a sortable header is clicked", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/inventory": { body: page([item("A", 1), item("B", 30)], 2) },
    });
    renderWithProviders(<InventoryPanel {...props} />);
    const table = await screen.findByTestId("inventory-table");
    expect(within(table).queryByRole("button", { name: /Reserved/ })).not.toBeInTheDocument();
    await userEvent.click(within(table).getByRole("button", { name: /Fulfillable/ }));
    await waitFor(() => expect(calls.some((c) => c.includes("sort=-fulfillable"))).toBe(true));
    await userEvent.click(within(table).getByRole("button", { name: /Fulfillable/ }));
    await waitFor(() => expect(calls.some((c) => c.includes("sort=fulfillable&"))).toBe(true));
  });

  it("turns store_revoked into a Reconnect action for the store's region", async () => {
    stubServer({
      "GET /api/v1/stores/s1/inventory": {
        status: 409,
        body: { type: "about:blank", title: "Store revoked", status: 409, code: "store_revoked" },
      },
    });
    renderWithProviders(<InventoryPanel {...props} region="eu" />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Amazon no longer authorizes this store");
    expect(within(alert).getByRole("link", { name: "Reconnect" })).toHaveAttribute("href", "/api/v1/stores/connect?region=eu");
    expect(within(alert).queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("says what to do when the store has no FBA stock", async () => {
    stubServer({ "GET /api/v1/stores/s1/inventory": { body: page([], 0) } });
    renderWithProviders(<InventoryPanel {...props} />);
    expect(await screen.findByText("No FBA inventory")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("export-inventory")).toBeDisabled());
  });

  it("says the first sync is running instead of 'no inventory'", async () => {
    stubServer({
      "GET /api/v1/stores/s1/inventory": { body: page([], 0) },
      "GET /api/v1/stores/s1/sync": {
        body: { store_id: "s1", done: false, datasets: [{ dataset: "inventory", state: "running", source: "report", rows_seen: 40, pages: 2 }] },
      },
    });
    renderWithProviders(<InventoryPanel {...props} />);
    expect(await screen.findByText("Reading your inventory from Amazon for the first time")).toBeInTheDocument();
    expect(screen.getByText("Inventory: syncing… 40 rows read, 2 pages")).toBeInTheDocument();
  });
});
