import { render, screen } from "@testing-library/react";
import { ApiError } from "../../lib/api";
import { ErrorState } from "./states";

describe("ErrorState", () => {
  it("shows 'not available yet' for an endpoint the server does not have", () => {
    render(<ErrorState error={new ApiError(404, { code: "not_found", status: 404, title: "Not found" })} what="Replenishment" />);
    expect(screen.getByTestId("not-available")).toHaveTextContent("Replenishment: not available on this server yet");
  });

  it("does not call an unknown store 'not available yet'", () => {
    render(<ErrorState error={new ApiError(404, { code: "store_not_found", status: 404, title: "x" })} what="Inventory" />);
    expect(screen.getByRole("alert")).toHaveTextContent("This store does not exist or you are not a member of it.");
  });

  it("offers a retry for Amazon throttling", () => {
    const retry = vi.fn();
    render(<ErrorState error={new ApiError(503, { code: "amazon_throttled", status: 503, title: "x" })} what="Orders" onRetry={retry} />);
    screen.getByRole("button", { name: "Try again" }).click();
    expect(retry).toHaveBeenCalledOnce();
  });
});
