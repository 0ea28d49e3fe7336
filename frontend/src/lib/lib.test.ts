import { toCsv } from "./csv";
import { storeHealth } from "./stores";

describe("storeHealth", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  it("needs renewal in the last 30 days of the 365", () => {
    expect(storeHealth({ status: "connected", authorized_at: "2025-12-08T00:00:00Z" }, now)).toEqual({ kind: "renewal", daysLeft: 7 });
    expect(storeHealth({ status: "connected", authorized_at: "2026-11-01T00:00:00Z" }, now)).toEqual({ kind: "connected", daysLeft: 335 });
    expect(storeHealth({ status: "revoked", authorized_at: "2026-11-01T00:00:00Z" }, now)).toEqual({ kind: "revoked" });
  });
  it("follows the server's renewal countdown when it has one", () => {
    // The grant date alone would say 335 days; the server knows better (e.g. a renewal it tracks).
    const granted = "2026-11-01T00:00:00Z";
    expect(storeHealth({ status: "connected", authorized_at: granted, days_until_renewal: 12, renewal_due: true }, now)).toEqual({ kind: "renewal", daysLeft: 12 });
    expect(storeHealth({ status: "connected", authorized_at: granted, days_until_renewal: 40, renewal_due: false }, now)).toEqual({ kind: "connected", daysLeft: 40 });
    expect(storeHealth({ status: "revoked", authorized_at: granted, days_until_renewal: 3, renewal_due: true }, now)).toEqual({ kind: "revoked" });
  });
});

describe("toCsv", () => {
  it("quotes separators and defuses spreadsheet formulas", () => {
    expect(toCsv(["a", "b"], [["x,y", '=HYPERLINK("z")'], [1, null]])).toBe('a,b\r\n"x,y","\'=HYPERLINK(""z"")"\r\n1,\r\n');
  });
});
