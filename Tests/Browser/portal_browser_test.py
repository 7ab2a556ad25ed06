#!/usr/bin/env python3
"""The web portal in a real browser: Debian's Chromium driven by Playwright, against the real
`portal serve` and PostgreSQL. A member enrols by photographing the QR code (a screenshot read by
zbarimg, as a phone camera would), computes codes with oathtool, signs out and in, has a replay
refused, loses the phone and is rescued by an agent through `support-desk`; an administrator
forces mandatory 2FA; forged and CSRF-less posts are refused; cookies and headers are checked;
a phone 4 minutes fast shows up in `support-desk show`.

Run by WebPortalTests/BrowserTests.swift with the database prepared; settings come from the
environment (see main). Screenshots are kept in ARTIFACTS for a person to look at."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse

from playwright.sync_api import expect, sync_playwright

ENV = os.environ
PORTAL = ENV["PORTAL_BIN"]
SUPPORT_DESK = ENV["SUPPORT_DESK_BIN"]
PORTAL_DB = ENV["PORTAL_DB"]
AGENT_DB = ENV["AGENT_DB"]
ARTIFACTS = ENV["ARTIFACTS"]
PASSWORD = ENV["MEMBER_PASSWORD"]
CHROMIUM = ENV.get("CHROMIUM", "/usr/bin/chromium")

JANE, BOSS, BOB = "jane@acme.example", "boss@acme.example", "bob@acme.example"
SECRETS = [PASSWORD]  # everything that must never reach the server's log


def step(text):
    print(f"== {text}", flush=True)


def shot(page, name, locator=None):
    path = os.path.join(ARTIFACTS, name + ".png")
    (locator or page).screenshot(path=path)
    return path


def oathtool(secret, offset_seconds=0):
    when = ["-N", f"now + {offset_seconds} seconds"] if offset_seconds else []
    code = subprocess.run(["oathtool", "--totp", "-b", *when, secret], check=True,
                          capture_output=True, text=True).stdout.strip()
    SECRETS.append(code)
    return code


def start_portal():
    server = subprocess.Popen(
        [PORTAL, "serve", "--listen", "127.0.0.1:0", "--db", PORTAL_DB, "--pool-size", "4"],
        stdout=subprocess.PIPE, stderr=open(os.path.join(ARTIFACTS, "portal.log"), "w"), text=True)
    line = server.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        server.kill()
        raise SystemExit(f"portal serve did not start: {line!r}; see portal.log")
    return server, match.group(1)


def sign_in(page, base, email, code=None):
    page.goto(base + "/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    if code is not None:
        expect(page.get_by_text("Open your authenticator app and enter the 6-digit code")).to_be_visible()
        page.fill("input[name=code]", code)
        page.get_by_role("button", name="Verify").click()


def open_menu(page, item):
    page.click("summary[aria-label='Users menu']")
    page.locator(".menu-items").get_by_role("link", name=item).click()


def support_desk(*commands, stdin=""):
    args = [SUPPORT_DESK, "--db", AGENT_DB]
    for command in commands:
        args += ["-c", command]
    done = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"support-desk {commands} exited {done.returncode}: {done.stdout}{done.stderr}")
    return done.stdout


def check_headers_and_cookies(context, page, base):
    step("security headers and cookie flags")
    response = page.goto(base + "/security")
    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"], headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"], headers
    assert headers["x-content-type-options"] == "nosniff", headers
    assert headers["referrer-policy"] == "no-referrer", headers
    cookie = next(c for c in context.cookies() if c["name"] == "__Host-sd_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/", cookie
    SECRETS.append(cookie["value"])


def enrol(context, page, base):
    step("jane enrols by scanning the QR code")
    sign_in(page, base, JANE)
    expect(page.get_by_text("Not enabled")).to_be_visible()
    check_headers_and_cookies(context, page, base)
    open_menu(page, "Security")
    page.get_by_role("button", name="Set Up").click()
    response_headers = page.request.get(base + "/security/setup").headers
    assert response_headers["cache-control"] == "no-store", response_headers
    qr = shot(page, "02-qr-code", page.locator("#qr svg"))
    shot(page, "01-setup-page")
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", qr], check=True, capture_output=True, text=True).stdout.strip()
    assert scanned.startswith("otpauth://totp/"), scanned
    query = urllib.parse.parse_qs(urllib.parse.urlparse(scanned).query)
    secret = query["secret"][0]
    assert query["issuer"][0] == "SupportDesk Portal", query
    typed = page.locator("#secret").inner_text().replace(" ", "")
    assert typed == secret, (typed, secret)
    SECRETS.append(secret)
    first = oathtool(secret)
    page.fill("input[name=code]", first)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#codes code").all_inner_texts()
    assert len(codes) == 10, codes
    SECRETS.extend(codes)
    shot(page, "03-recovery-codes")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a text file").click()
    download = download_info.value
    assert download.suggested_filename == "recovery-codes.txt", download.suggested_filename
    text = open(download.path()).read()
    assert all(code in text for code in codes), text
    page.check("input[name=saved]")
    page.get_by_role("button", name="Done").click()
    active = page.locator(".state.active")
    expect(active).to_have_text("Active")
    color = active.evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(30, 123, 52)", color  # green
    shot(page, "04-security-active")
    return secret, codes, first


def sign_out_and_in(page, base, secret, enrolment_code):
    step("jane signs out, a replayed code is refused, a fresh one signs her in")
    page.click("summary[aria-label='Users menu']")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    sign_in(page, base, JANE, enrolment_code)
    expect(page.get_by_text("That code was already used")).to_be_visible()
    shot(page, "05-replayed-code")
    page.fill("input[name=code]", oathtool(secret, offset_seconds=30))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".state.active")).to_have_text("Active")


def member_cannot_reach_team(context, page, base):
    step("a member sees no Team and a forged post is refused; a post without CSRF token too")
    page.click("summary[aria-label='Users menu']")
    expect(page.get_by_role("link", name="Team")).to_have_count(0)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    forged = context.request.post(base + "/team/mandatory", form={"csrf": csrf, "mandatory": "on"})
    assert forged.status == 403 and "Only an administrator" in forged.text(), (forged.status, forged.text())
    missing = context.request.post(base + "/security/setup", form={})
    assert missing.status == 403 and "This form has expired" in missing.text(), missing.status
    page.goto(base + "/team")
    shot(page, "06-member-team-403")


def phone_clock_fast(browser, base, secret):
    step("a phone 4 minutes fast: the failed code shows in support-desk show")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, JANE, oathtool(secret, offset_seconds=240))
    expect(page.get_by_text("That code is not right")).to_be_visible()
    shot(page, "07-clock-fast")
    context.close()
    shown = support_desk(f"show {JANE}")
    assert "the codes match the app 4 minutes ahead — the phone's clock is wrong" in shown, shown


def support_rescue(page, base, codes):
    step("jane loses her phone; an agent disables 2FA; her open session ends; the password alone signs her in")
    page.goto(base + "/security")
    expect(page.locator(".state.active")).to_be_visible()
    support_desk(f"verify {JANE}",
                 f"disable-2fa {JANE} --reason 'lost phone, code read out' --ticket SUP-4411 --yes",
                 stdin=codes[3] + "\n")
    page.goto(base + "/security")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, base, JANE)
    expect(page.get_by_text("Not enabled")).to_be_visible()
    shot(page, "08-after-support-disable")


def mandatory(browser, base):
    step("the administrator forces mandatory 2FA; bob is sent to set-up")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, BOSS, oathtool(ENV["BOSS_SECRET"], offset_seconds=30))
    open_menu(page, "Team")
    expect(page.get_by_role("cell", name=BOB)).to_be_visible()
    page.get_by_role("button", name="Force Mandatory 2FA").click()
    expect(page.get_by_role("button", name="Disable Mandatory 2FA")).to_be_visible()
    shot(page, "09-team-mandatory-on")
    context.close()
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, BOB)
    expect(page.get_by_text("requires two-factor authentication")).to_be_visible()
    page.goto(base + "/team")
    expect(page).to_have_url(base + "/security")
    shot(page, "10-bob-setup-required")
    context.close()


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    server, base = start_portal()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(15000)
            secret, codes, first = enrol(context, page, base)
            sign_out_and_in(page, base, secret, first)
            member_cannot_reach_team(context, page, base)
            phone_clock_fast(browser, base, secret)
            support_rescue(page, base, codes)
            mandatory(browser, base)
            browser.close()
    finally:
        step("SIGTERM: the server drains and exits 0")
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=20)
    assert status == 0, f"portal serve exited {status}"
    log = open(os.path.join(ARTIFACTS, "portal.log")).read()
    assert "path=/sign-in" in log and "status=303" in log, log[-2000:]
    leaked = [s for s in SECRETS if s and s in log]
    assert not leaked, "the request log holds a password, code, secret or token"
    print("browser tests: all passed", flush=True)


if __name__ == "__main__":
    main()
