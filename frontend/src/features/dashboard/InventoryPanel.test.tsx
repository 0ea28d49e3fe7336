import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { InventoryItem } from "../../client/types.gen";
import { renderWithProviders, stubServer } from "../../test/utils";
import { InventoryPanel } from "./InventoryPanel";

const item = (sku: string, fulfillable: number, extra: Partial<InventoryItem> = {}): InventoryItem => ({
  sku, asin: `B0${sku}`, fnsku: null, product_name: `Product ${sku}`, condition: "NewItem", marketplace_id: "ATVPDKIKX0DER",
  fulfillable, inbound_working: 0, inbound_shipped: 0, inbound_receiving: 0, reserved: 0, unfulfillable: 0, researching: 0,
  total: fulfillable, last_updated: null, ...extra,
});

describe("InventoryPanel", () => {
  it("follows cursors, then searches and filters by status", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/inventory": (url) =>
        url.searchParams.get("cursor")
          ? { body: { items: [item("MUG-2", 0, { inbound_shipped: 5 }), item("CAP-3", 0)], next_cursor: null } }
          : { body: { items: [item("MUG-1", 12)], next_cursor: "c2" } },
    });
    renderWithProviders(<InventoryPanel storeId="s1" region="na" />);
    const table = await screen.findByTestId("inventory-table");
    expect(within(table).getAllByRole("row")).toHaveLength(4);
    expect(calls).toEqual(["GET /api/v1/stores/s1/inventory", "GET /api/v1/stores/s1/inventory?cursor=c2"]);

    await userEvent.type(screen.getByLabelText("Search SKU, ASIN or product"), "mug");
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    await userEvent.selectOptions(screen.getByLabelText("Status"), "inbound_only");
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent("MUG-2");
    expect(screen.getByText("Showing 1 of 3 SKUs")).toBeInTheDocument();
  });

  it("sorts by a column when its header is clicked", async () => {
    stubServer({
      "GET /api/v1/stores/s1/inventory": { body: { items: [item("A", 1), item("B", 30), item("C", 7)], next_cursor: null } },
    });
    renderWithProviders(<InventoryPanel storeId="s1" region="na" />);
    const table = await screen.findByTestId("inventory-table");
    await userEvent.click(within(table).getByRole("button", { name: /Fulfillable/ }));
    const first = () => within(table).getAllByRole("row")[1];
    const order = first().textContent;
    await userEvent.click(within(table).getByRole("button", { name: /Fulfillable/ }));
    expect(first().textContent).not.toEqual(order);
    expect([order, first().textContent].some((t) => t?.includes("B"))).toBe(true);
  });

  it("turns store_revoked into a Reconnect action for the store's region", async () => {
    stubServer({
      "GET /api/v1/stores/s1/inventory": {
        status: 409,
        body: { type: "about:blank", title: "Store revoked", status: 409, code: "store_revoked" },
      },
    });
    renderWithProviders(<InventoryPanel storeId="s1" region="eu" />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Amazon no longer authorizes this store");
    expect(within(alert).getByRole("link", { name: "Reconnect" })).toHaveAttribute("href", "/api/v1/stores/connect?region=eu");
    expect(within(alert).queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("says what to do when the store has no FBA stock", async () => {
    stubServer({ "GET /api/v1/stores/s1/inventory": { body: { items: [], next_cursor: null } } });
    renderWithProviders(<InventoryPanel storeId="s1" region="na" />);
    expect(await screen.findByText("No FBA inventory")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("export-inventory")).toBeDisabled());
  });
});
