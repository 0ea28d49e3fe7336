import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReportItem } from "../../client/types.gen";
import { renderWithProviders, stubServer } from "../../test/utils";
import { ReportsPage } from "./ReportsPage";

const report = (id: string, status: string, extra: Partial<ReportItem> = {}): ReportItem => ({
  id, report_type: "GET_MERCHANT_LISTINGS_ALL_DATA", processing_status: status, purpose: "manual", marketplace_ids: ["ATVPDKIKX0DER"],
  amazon_report_id: "R1", content_type: "text/tab-separated-values", data_start: null, data_end: null, document_size: 10,
  done_at: status === "DONE" ? "2026-12-01T08:05:00Z" : null, error: null, error_content_type: null, language: "en_US",
  next_poll_at: null, polls: 2, report_document_id: status === "DONE" ? "D1" : null, requested_at: "2026-12-01T08:00:00Z",
  requests: 3, row_count: status === "DONE" ? 2 : null, ...extra,
});

describe("ReportsPage", () => {
  it("lists reports with downloads of the original document and the parsed rows", async () => {
    const { calls } = stubServer({
      "GET /api/v1/stores/s1/reports": {
        body: { items: [report("r1", "DONE"), report("r2", "FATAL", { error_content_type: "application/json", error: "FATAL at Amazon" })], next_cursor: null },
      },
      "GET /api/v1/stores/s1/reports/r1/rows": {
        body: {
          report: report("r1", "DONE"),
          columns: { sku: "seller-sku", price: "price" },
          items: [{ line: 2, data: { sku: "MUG-1", price: "9.99" } }, { line: 3, data: { sku: "CAP-2", price: null } }],
          next_cursor: null,
        },
      },
    });
    renderWithProviders(<ReportsPage storeId="s1" role="viewer" region="na" />);
    const table = await screen.findByTestId("reports-table");
    const done = within(table).getByTestId("report-r1");
    expect(done).toHaveTextContent("All listings");
    expect(done).toHaveTextContent("Done");
    expect(within(done).getByRole("link", { name: "Download Amazon's original document: All listings" })).toHaveAttribute(
      "href",
      "/api/v1/stores/s1/reports/r1/document",
    );
    expect(within(done).getByRole("link", { name: /parsed rows as CSV/ })).toHaveAttribute("href", "/api/v1/stores/s1/reports/r1/rows?format=csv");
    const failed = within(table).getByTestId("report-r2");
    expect(failed).toHaveTextContent("Failed");
    expect(within(failed).getByRole("link", { name: /error document/ })).toHaveAttribute("href", "/api/v1/stores/s1/reports/r2/document?error=true");
    expect(within(failed).queryByRole("button", { name: /Show the parsed rows/ })).not.toBeInTheDocument();
    // Viewers download but do not request.
    expect(screen.queryByTestId("report-request")).not.toBeInTheDocument();

    await userEvent.click(within(done).getByRole("button", { name: "Show the parsed rows: All listings" }));
    const rows = await screen.findByTestId("report-rows");
    expect(within(rows).getAllByRole("row")).toHaveLength(3);
    expect(within(rows).getAllByRole("row")[1]).toHaveTextContent("MUG-1");
    expect(within(rows).getAllByRole("row")[2]).toHaveTextContent("—");
    expect(calls).toContain("GET /api/v1/stores/s1/reports/r1/rows?limit=50");
  });

  it("requests a report, says when a recent one is reused, and explains a cooling-down refusal", async () => {
    let items: ReportItem[] = [];
    const bodies: unknown[] = [];
    let answer = 0;
    stubServer({
      "GET /api/v1/stores/s1/reports": () => ({ body: { items, next_cursor: null } }),
      "POST /api/v1/stores/s1/reports": async (_url, request) => {
        bodies.push(await request.json());
        answer += 1;
        if (answer === 1) {
          items = [report("r9", "IN_QUEUE", { report_type: "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT" })];
          return { status: 202, body: items[0] };
        }
        if (answer === 2) return { status: 202, body: { ...items[0], reused: true } };
        return { status: 409, headers: { "Retry-After": "600" }, body: { type: "about:blank", title: "x", status: 409, code: "report_cooling_down" } };
      },
    });
    renderWithProviders(<ReportsPage storeId="s1" role="owner" region="na" />);
    expect(await screen.findByText("No reports yet")).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Report type"), "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT");
    await userEvent.click(screen.getByRole("button", { name: "Request from Amazon" }));
    expect(await screen.findByText(/Requested\. Amazon usually takes/)).toBeInTheDocument();
    expect(bodies).toEqual([{ report_type: "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT" }]);
    await waitFor(() => expect(screen.getByTestId("report-r9")).toHaveTextContent("Queued at Amazon"));

    await userEvent.click(screen.getByRole("button", { name: "Request from Amazon" }));
    expect(await screen.findByText(/already there/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Request from Amazon" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wait a few minutes");
  });
});
