"""The web app in a real browser: Debian's Chromium driven by Playwright (no browser download),
against `minthub-api serve` serving frontend/dist, real PostgreSQL and the simulated Amazon.

One seller's morning, in order: the public page (both languages), sign in, connect a store
through the consent page, inventory and orders, Chinese and back, a CSV export, the audit log,
settings, a revocation that turns into Reconnect, reconnecting, and signing out. Each main page
gets an axe-core check (no serious or critical violations) and a screenshot in test-artifacts/.
Any Content-Security-Policy violation fails the run.

Then the account and team side: an API token created (its secret shown once, working as a Bearer
token) and revoked, a teammate invited by e-mail who accepts in the browser and creates an account,
enrols TOTP two-factor authentication, and signs in again with a code computed here (RFC 6238,
pyotp); the owner then removes the teammate.

Skipped only when Chromium or the built app is missing, unless MINTHUB_BROWSER_TESTS=required
(`make test` sets it), where a missing piece is a failure.
"""

from __future__ import annotations

import csv
import email
import io
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from tests.e2e.conftest import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.test_walkthrough import ROOT

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("MINTHUB_CHROMIUM", "/usr/bin/chromium")
DIST = ROOT / "frontend" / "dist" / "index.html"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# The first sync of a new store runs in the worker against the rate-limited simulator; on a loaded
# 2-core CI machine the orders dataset alone can take a couple of minutes.
FIRST_SYNC_MS = 240_000
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
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, timeout=90_000)
    assert not bad, f"{name}: accessibility violations: {bad}"
    assert not csp_violations, csp_violations


def sku_count(page: Any, pattern: str) -> str:
    match = re.search(pattern, page.get_by_test_id("inventory-totals").inner_text())
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

    # Dashboard: the first sync runs in the worker; inventory, orders, replenishment and the
    # listings needing attention fill in when it finishes.
    inventory = page.get_by_test_id("inventory-table")
    expect(inventory.locator("tbody tr").first).to_be_visible(timeout=FIRST_SYNC_MS)
    totals = page.get_by_test_id("inventory-totals")
    expect(totals).to_contain_text(re.compile(r"\d+ SKUs match"))
    expect(page.get_by_test_id("order-status-counts")).to_be_visible(timeout=FIRST_SYNC_MS)
    expect(
        page.get_by_test_id("panel-orders").locator("svg.recharts-surface").first
    ).to_be_visible()
    replenishment = page.get_by_test_id("panel-replenishment")
    expect(replenishment.get_by_test_id("replenishment-table")).to_be_visible(timeout=FIRST_SYNC_MS)
    listings = page.get_by_test_id("panel-listings")
    expect(listings.get_by_test_id("listings-attention")).to_be_visible(timeout=FIRST_SYNC_MS)
    for panel in ("inventory", "orders", "replenishment", "listings"):
        expect(page.get_by_test_id(f"panel-{panel}")).not_to_contain_text("could not be loaded")
    # Freshness: each panel says when its data was synced once the sync is done.
    expect(page.get_by_test_id("sync-status")).not_to_contain_text("running", timeout=FIRST_SYNC_MS)
    expect(page.get_by_test_id("panel-inventory").get_by_test_id("freshness")).to_contain_text(
        "Synced"
    )
    total = int(sku_count(page, r"(\d+) SKUs? match"))
    assert total > 50  # more than one Amazon page was followed
    check_page(browser, "05-dashboard")

    # Search, then export what is shown as CSV (the server's export, same filters).
    first_sku = inventory.locator("tbody tr").first.locator("td").first.inner_text().strip()
    term = first_sku[:6]
    page.get_by_label("Search SKU, ASIN or product").fill(term)
    expect(totals).not_to_contain_text(f"{total} SKUs match")
    shown = int(sku_count(page, r"(\d+) SKUs? match"))
    assert 0 < shown < total
    with page.expect_download() as download_info:
        page.get_by_test_id("export-inventory").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == shown
    assert {"sku", "asin", "fulfillable", "marketplace_id"} <= set(rows[0])
    assert all(term.lower() in " ".join(r.values()).lower() for r in rows)
    page.get_by_label("Search SKU, ASIN or product").fill("")
    expect(totals).to_contain_text(f"{total} SKUs match")

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

    # Reports: the sync's own reports are listed; Amazon's original document and the parsed
    # rows can be downloaded, and the rows shown.
    page.get_by_role("link", name="Reports", exact=True).click()
    reports = page.get_by_test_id("reports-table")
    # Inventory and listings sync by API paging; restock recommendations come as reports.
    done = (
        reports.locator("tbody tr")
        .filter(has_text="Restock recommendations")
        .filter(has_text="Done")
    )
    expect(done.first).to_be_visible()
    with page.expect_download() as download_info:
        done.first.get_by_role("link", name=re.compile("original document")).click()
    original = Path(download_info.value.path()).read_text(encoding="utf-8", errors="replace")
    assert "sku" in original.splitlines()[0].lower()
    done.first.get_by_role("button", name=re.compile("Show the parsed rows")).click()
    expect(page.get_by_test_id("report-rows").locator("tbody tr").first).to_be_visible()
    check_page(browser, "07b-reports")

    # Settings: every section is present (those whose API is not deployed say so).
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Disconnect this store")).to_be_visible()
    page.get_by_role("button", name="Disconnect…").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Live data stops now")
    page.get_by_role("button", name="Cancel").click()
    # Replenishment settings: a value out of range is refused by the server, next to the field.
    lead = page.get_by_label("Lead time (days)")
    lead.fill("400")
    page.get_by_test_id("replenishment-settings").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a whole number from 0 to 365.")).to_be_visible()
    expect(lead).to_have_attribute("aria-invalid", "true")
    lead.fill("21")
    page.get_by_test_id("replenishment-settings").get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("replenishment-settings").get_by_role("status")).to_have_text(
        "Saved"
    )
    saved = page.request.get(f"/api/v1/stores/{store_id}/settings/replenishment").json()
    assert saved["lead_time_days"] == 21
    check_page(browser, "08-settings")

    # Stores list with the connected store.
    page.get_by_role("link", name="Stores", exact=True).click()
    expect(page.get_by_test_id("stores-table")).to_contain_text("Connected")
    check_page(browser, "09-stores")

    # The seller removes the app on Amazon. Panels read the stored snapshot, so nothing fails
    # until we call Amazon: the owner's refresh makes the worker meet LWA's invalid_grant, the
    # store turns revoked, and the UI says so with a Reconnect action (data stays readable).
    store = page.request.get(f"/api/v1/stores/{store_id}").json()
    revoked = httpx.post(f"{stack['sim']}/_sim/sellers/{store['selling_partner_id']}/revoke")
    assert revoked.status_code == 200
    page.goto(f"/stores/{store_id}")
    page.get_by_test_id("panel-inventory").get_by_test_id("sync-refresh").click()
    expect(page.get_by_test_id("revoked-banner")).to_be_visible(timeout=FIRST_SYNC_MS)
    expect(page.get_by_test_id("revoked-banner")).to_contain_text("disconnected from Amazon")
    reconnect = page.get_by_role("link", name=re.compile(r"^Reconnect")).first
    expect(reconnect).to_have_attribute("href", "/api/v1/stores/connect?region=na")
    expect(page.get_by_test_id("inventory-table").locator("tbody tr").first).to_be_visible()
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


TEAMMATE_EMAIL = "teammate@minthub.example"
TEAMMATE_PASSWORD = "quartz-lantern-orbit-5931"


def sign_in(page: Any, email_address: str, password: str) -> None:
    page.get_by_label("Email").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))


def invitation_link(outbox: Path, to: str) -> str:
    """The link of the newest invitation mail to `to` (sent after the response, so polled)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes())
            if message["To"] == to:
                body = message.get_payload(decode=True)
                assert isinstance(body, bytes)
                match = re.search(r"https?://\S+/invitations/accept#token=\S+", body.decode())
                assert match, body
                return match[0]
        time.sleep(0.2)
    raise AssertionError(f"no invitation mail to {to} in {outbox}")


def wrong_code(secret: str) -> str:
    """Six digits that no step the server accepts right now (±1, and the next) would produce."""
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + 30 * k) for k in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in valid)


def test_tokens_team_and_two_factor_in_the_browser(
    browser: tuple[Any, list[str]], stack: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    page = browser[0]
    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/stores$"))
    active = [s for s in page.request.get("/api/v1/stores").json() if s["status"] != "revoked"]
    if active:
        store_id = active[0]["id"]
    else:
        page.get_by_test_id("region-select").select_option("na")
        page.get_by_role("button", name="Connect a store").click()
        page.wait_for_url(re.compile(r"/apps/authorize/consent"))
        approve_consent(page)
        store_id = page.url.rsplit("/", 1)[1]
    api_store = f"{stack['api']}/api/v1/stores/{store_id}"

    # An API token: the secret is shown once, works as a Bearer token, and revoking it stops it.
    page.goto(f"/stores/{store_id}/settings")
    tokens = page.get_by_test_id("tokens")
    tokens.get_by_label("Token name").fill("BI export")
    tokens.get_by_role("button", name="Create token").click()
    expect(tokens.get_by_text("Copy this token now. It will not be shown again.")).to_be_visible()
    secret = page.get_by_test_id("new-token-secret").inner_text().strip()
    assert len(secret) > 20
    bearer = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(api_store, headers=bearer).status_code == 200
    row = tokens.get_by_test_id("tokens-list").get_by_role("listitem").filter(has_text="BI export")
    expect(row).to_contain_text("Active")
    expect(row).not_to_contain_text(secret)
    tokens.get_by_role("button", name="I have copied it").click()
    expect(page.get_by_test_id("new-token-secret")).to_have_count(0)
    page.reload()
    expect(row).to_contain_text("Active")
    assert secret not in page.content()
    row.get_by_role("button", name="Revoke").click()
    expect(row.get_by_role("alertdialog")).to_contain_text("Tools using it stop working at once")
    row.get_by_role("button", name="Yes, revoke").click()
    expect(row).to_contain_text("Revoked")
    assert httpx.get(api_store, headers=bearer).status_code == 401

    # Invite a teammate as a viewer; the invitation is listed and e-mailed.
    members = page.get_by_test_id("members")
    members.get_by_label("Email").fill(TEAMMATE_EMAIL)
    members.locator("form").get_by_label("Role").select_option("viewer")
    members.get_by_role("button", name="Send invitation").click()
    expect(members.get_by_role("status")).to_contain_text(
        f"Invitation e-mailed to {TEAMMATE_EMAIL}"
    )
    expect(members.get_by_test_id("invitations-list")).to_contain_text(
        f"{TEAMMATE_EMAIL} as Viewer"
    )
    check_page(browser, "11-settings-members-tokens")
    link = invitation_link(Path(stack["outbox"]), TEAMMATE_EMAIL)
    assert link.startswith(stack["api"])
    sign_out(page)

    # The teammate opens the link (token in the fragment), creates an account, signs in.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join a store")
    check_page(browser, "12-invitation")
    page.get_by_label("Choose a password").fill(TEAMMATE_PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Your account {TEAMMATE_EMAIL} is ready")
    page.get_by_role("link", name="Sign in", exact=True).last.click()
    page.wait_for_url(re.compile(r"/login\?next="))
    sign_in(page, TEAMMATE_EMAIL, TEAMMATE_PASSWORD)
    page.wait_for_url(re.compile(rf"/stores/{store_id}$"))
    expect(page.get_by_test_id("inventory-table").locator("tbody tr").first).to_be_visible()

    # Enrol TOTP on the Security page: the secret from the page, a code computed here.
    page.get_by_role("link", name="Security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    page.get_by_role("button", name="Set up an authenticator app").click()
    totp_secret = page.get_by_test_id("totp-secret").inner_text().strip()
    uri = page.get_by_test_id("totp-uri").text_content() or ""  # in a closed <details>
    assert uri.startswith("otpauth://totp/") and f"secret={totp_secret}" in uri
    page.get_by_label("Code from the app").fill(pyotp.TOTP(totp_secret).now())
    page.get_by_role("button", name="Confirm").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("button", name=re.compile("I have saved my recovery codes")).click()
    expect(page.get_by_test_id("mfa-on")).to_contain_text("On")
    check_page(browser, "13-mfa-on")
    sign_out(page)

    # Sign in with MFA on: password, then the code step (a wrong code is refused first).
    page.goto("/stores")
    page.wait_for_url(re.compile(r"/login\?next="))
    sign_in(page, TEAMMATE_EMAIL, TEAMMATE_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step verification")
    assert page.request.get(f"/api/v1/stores/{store_id}").status == 403  # not before the code
    page.get_by_label("Authentication code").fill(wrong_code(totp_secret))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not valid")
    check_page(browser, "14-sign-in-mfa-code")
    # The enrolment used the current step and a code works once: the next step's code.
    page.get_by_label("Authentication code").fill(pyotp.TOTP(totp_secret).at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/stores$"))
    expect(page.get_by_test_id("stores-table")).to_contain_text("Viewer")
    sign_out(page)

    # The owner sees the teammate as a member and removes them.
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/stores$"))
    page.goto(f"/stores/{store_id}/settings")
    teammate = (
        page.get_by_test_id("members-list").get_by_role("listitem").filter(has_text=TEAMMATE_EMAIL)
    )
    role = teammate.get_by_label(f"Role of {TEAMMATE_EMAIL}")
    expect(role).to_have_value("viewer")
    expect(page.get_by_test_id("members")).to_contain_text("No open invitations.")  # it was used
    # The owner makes the teammate an owner with the role selector (PATCH .../members/{id}).
    role.select_option("owner")
    expect(page.get_by_test_id("members").get_by_role("status")).to_contain_text(
        f"Role of {TEAMMATE_EMAIL} changed."
    )
    expect(teammate).to_contain_text(f"{TEAMMATE_EMAIL} — Owner")
    expect(role).to_have_value("owner")
    teammate.get_by_role("button", name="Remove").click()
    teammate.get_by_role("button", name="Yes, remove").click()
    expect(page.get_by_test_id("members-list")).not_to_contain_text(TEAMMATE_EMAIL)
    sign_out(page)
