"""The web app in a real browser: Debian's Chromium driven by Playwright (no browser download),
against `minthub-api serve` serving frontend/dist, real PostgreSQL and the simulated Amazon.

One seller's morning, in order: the public page (both languages), sign in, connect a store
through the consent page, inventory and orders, Chinese and back, a CSV export, the audit log,
settings, a revocation that turns into Reconnect, reconnecting, and signing out. Each main page
gets an axe-core check (no serious or critical violations) and a screenshot in test-artifacts/.
Any Content-Security-Policy violation fails the run.

Skipped only when Chromium or the built app is missing, unless MINTHUB_BROWSER_TESTS=required
(`make test` sets it), where a missing piece is a failure.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.test_walkthrough import ROOT

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("MINTHUB_CHROMIUM", "/usr/bin/chromium")
DIST = ROOT / "frontend" / "dist" / "index.html"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    for path, what in ((Path(CHROMIUM), "chromium"), (DIST, "frontend/dist"), (AXE, "axe-core")):
        if not path.exists():
            return f"{what} missing ({path})"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="module")
def browser(
    stack: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, list[str]]]:
    missing = _missing()
    if missing:
        if os.environ.get("MINTHUB_BROWSER_TESTS") == "required":
            pytest.fail(f"browser tests required but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=LAUNCH_ARGS,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
            locale="en-US",
            base_url=stack["api"],
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(20_000)
        csp_violations: list[str] = []

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                csp_violations.append(message.text)

        page.on("console", on_console)
        try:
            yield page, csp_violations
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def check_page(browser: tuple[Any, list[str]], name: str) -> None:
    """axe-core on the current page (no serious/critical violations) and a full-page screenshot."""
    page, csp_violations = browser
    page.wait_for_load_state("networkidle")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'],"
        " runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})"
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not bad, f"{name}: accessibility violations: {bad}"
    assert not csp_violations, csp_violations


def sku_count(page: Any, pattern: str) -> str:
    match = re.search(pattern, page.get_by_text(re.compile("SKUs")).first.inner_text())
    assert match, pattern
    return match[1]


def switch_language(page: Any, lng: str) -> None:
    page.get_by_test_id("language-switch").select_option(lng)


def approve_consent(page: Any) -> None:
    # The simulated Seller Central consent page (another origin): confirm as the seller would.
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/stores/[0-9a-f-]{36}$"))


def test_seller_morning_in_the_browser(
    browser: tuple[Any, list[str]], stack: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    page = browser[0]

    # Public page, both languages, and the beta form.
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_contain_text("Operations for Amazon sellers")
    expect(page.get_by_text("Connecting a store takes five steps")).to_be_visible()
    expect(page.get_by_role("heading", name="Per-store isolation")).to_be_visible()
    check_page(browser, "01-public-en")
    switch_language(page, "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_contain_text("亚马逊卖家的运营工作台")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    check_page(browser, "02-public-zh-CN")
    page.reload()  # the choice is remembered
    expect(page.get_by_role("heading", level=1)).to_contain_text("亚马逊卖家的运营工作台")
    switch_language(page, "en")
    page.goto("/privacy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy")
    check_page(browser, "03-privacy")
    page.get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    check_page(browser, "03-contact")

    # Sign in: a protected page sends us to sign-in and back.
    page.goto("/stores")
    page.wait_for_url(re.compile(r"/login\?next="))
    check_page(browser, "04-sign-in")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/stores$"))
    expect(page.get_by_text("No stores yet")).to_be_visible()

    # Connect a North America store through the consent page.
    page.get_by_test_id("region-select").select_option("na")
    page.get_by_role("button", name="Connect a store").click()
    page.wait_for_url(re.compile(r"/apps/authorize/consent"))
    assert page.url.startswith(stack["sim"])
    approve_consent(page)
    store_id = page.url.rsplit("/", 1)[1]

    # Dashboard: inventory (all pages) and orders.
    inventory = page.get_by_test_id("inventory-table")
    expect(inventory.locator("tbody tr").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Showing \d+ of \d+ SKUs"))).to_be_visible()
    expect(page.get_by_test_id("order-status-counts")).to_be_visible()
    expect(
        page.get_by_test_id("panel-orders").locator("svg.recharts-surface").first
    ).to_be_visible()
    expect(
        page.get_by_test_id("panel-replenishment").get_by_test_id("not-available")
    ).to_be_visible()
    total = int(sku_count(page, r"of (\d+) SKUs"))
    assert total > 50  # more than one Amazon page was followed
    check_page(browser, "05-dashboard")

    # Search, then export what is shown as CSV.
    page.get_by_label("Search SKU, ASIN or product").fill("MINT")
    shown = int(sku_count(page, r"Showing (\d+) of"))
    with page.expect_download() as download_info:
        page.get_by_test_id("export-inventory").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == shown
    assert {"sku", "asin", "fulfillable", "marketplace_id", "status"} <= set(rows[0])
    page.get_by_label("Search SKU, ASIN or product").fill("")

    # Chinese and back, on the workspace.
    switch_language(page, "zh-CN")
    expect(page.get_by_role("heading", name="FBA 库存")).to_be_visible()
    expect(page.get_by_role("heading", name="订单概况")).to_be_visible()
    check_page(browser, "06-dashboard-zh-CN")
    switch_language(page, "en")
    expect(page.get_by_role("heading", name="FBA inventory")).to_be_visible()

    # Audit log of the store: the SP-API calls we just made are there.
    page.get_by_role("link", name="Audit log").last.click()
    audit = page.get_by_test_id("audit-table")
    expect(audit).to_contain_text("getInventorySummaries")
    expect(audit).to_contain_text("searchOrders")
    check_page(browser, "07-audit-log")

    # Settings: every section is present (those whose API is not deployed say so).
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Disconnect this store")).to_be_visible()
    page.get_by_role("button", name="Disconnect…").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Live data stops now")
    page.get_by_role("button", name="Cancel").click()
    check_page(browser, "08-settings")

    # Stores list with the connected store.
    page.get_by_role("link", name="Stores", exact=True).click()
    expect(page.get_by_test_id("stores-table")).to_contain_text("Connected")
    check_page(browser, "09-stores")

    # The seller removes the app on Amazon: the next data call is a 409 store_revoked, which the
    # UI turns into a Reconnect action.
    store = page.request.get(f"/api/v1/stores/{store_id}").json()
    revoked = httpx.post(f"{stack['sim']}/_sim/sellers/{store['selling_partner_id']}/revoke")
    assert revoked.status_code == 200
    page.goto(f"/stores/{store_id}")
    inventory_panel = page.get_by_test_id("panel-inventory")
    alert = inventory_panel.get_by_role("alert")
    expect(alert).to_contain_text("Amazon no longer authorizes this store")
    reconnect = alert.get_by_role("link", name="Reconnect")
    expect(reconnect).to_have_attribute("href", "/api/v1/stores/connect?region=na")
    expect(page.get_by_test_id("revoked-banner")).to_be_visible()
    check_page(browser, "10-store-revoked")

    # Reconnect: the same seller re-authorizes the same region, so the same store comes back.
    reconnect.click()
    page.wait_for_url(re.compile(r"/apps/authorize/consent"))
    approve_consent(page)
    assert page.url.endswith(f"/stores/{store_id}")
    expect(page.get_by_test_id("inventory-table").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("revoked-banner")).to_have_count(0)

    # Sign out: the workspace is closed again.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto(f"/stores/{store_id}")
    page.wait_for_url(re.compile(r"/login\?next="))
    assert page.request.get("/api/v1/me").status == 401
