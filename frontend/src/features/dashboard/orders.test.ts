import { summarizeOrders } from "./orders";

describe("summarizeOrders", () => {
  it("counts cancelled orders by status only, not in units or revenue", () => {
    const order = (id: string, status: string, date: string, total: string) => ({
      order_id: id, status, purchase_date: `${date}T10:00:00Z`, item_count: 2, order_total: total, currency: "USD",
      fulfillment_channel: "AFN", last_update_date: null, marketplace_id: "ATVPDKIKX0DER",
    });
    const result = summarizeOrders(
      [order("1", "SHIPPED", "2026-11-30", "10.50"), order("2", "CANCELLED", "2026-11-30", "99"), order("3", "UNSHIPPED", "2026-11-29", "5")],
      3,
      new Date("2026-11-30T12:00:00Z"),
    );
    expect(result.days).toEqual([
      { date: "2026-11-28", orders: 0, units: 0, revenue: 0 },
      { date: "2026-11-29", orders: 1, units: 2, revenue: 5 },
      { date: "2026-11-30", orders: 1, units: 2, revenue: 10.5 },
    ]);
    expect(result.statusCounts).toEqual({ SHIPPED: 1, CANCELLED: 1, UNSHIPPED: 1 });
  });

  it("charts revenue in the main currency only and lists the others", () => {
    const order = (id: string, currency: string, total: string) => ({
      order_id: id, status: "SHIPPED", purchase_date: "2026-11-30T10:00:00Z", item_count: 1, order_total: total, currency,
      fulfillment_channel: "AFN", last_update_date: null, marketplace_id: null,
    });
    const result = summarizeOrders([order("1", "USD", "10"), order("2", "USD", "5"), order("3", "CAD", "100")], 1, new Date("2026-11-30T12:00:00Z"));
    expect(result.currencies).toEqual(["USD", "CAD"]);
    expect(result.days).toEqual([{ date: "2026-11-30", orders: 3, units: 3, revenue: 15 }]);
  });
});
