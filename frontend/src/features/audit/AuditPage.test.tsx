import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders, stubServer } from "../../test/utils";
import { AuditPage } from "./AuditPage";

const event = (id: number, operation: string | null, action = "spapi_called") => ({
  id, action, actor_type: "user", actor_id: null, amazon_request_id: `req-${id}`, details: {}, occurred_at: "2026-12-01T08:00:00Z",
  operation, reason: "user_view", request_id: null, status_code: 200, store_id: "s1",
});

describe("AuditPage", () => {
  it("pages with the cursor, sends filters to the server, and never shows rows they exclude", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/audit-events": (url) =>
        url.searchParams.get("cursor") === "p2"
          ? { body: { items: [event(3, "searchOrders")], next_cursor: null } }
          : { body: { items: [event(1, "getInventorySummaries"), event(2, "searchOrders")], next_cursor: "p2" } },
    });
    renderWithProviders(<AuditPage storeId="s1" />);
    const table = await screen.findByTestId("audit-table");
    expect(within(table).getAllByRole("row")).toHaveLength(3);

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("req-3")).toBeInTheDocument();
    expect(screen.getByText("Page 2")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Previous" }));
    expect(await screen.findByText("req-1")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Operation"), "searchOrders");
    await userEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(calls.at(-1)).toBe("GET /api/v1/stores/s1/audit-events?limit=50&operation=searchOrders");
    // This server ignores the filter; the page still shows only matching rows.
    expect(screen.queryByText("req-1")).not.toBeInTheDocument();
    expect(screen.getByText("req-2")).toBeInTheDocument();
  });
});
