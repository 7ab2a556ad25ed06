#!/usr/bin/env python3
""""This wasn't me" in a real browser: an agent disables a member's 2FA with `support-desk`
(which says who was notified), `portal notify` mails the notices through msmtp to a real SMTP
server on loopback (scripts/mail-sink), the dispute link is read from the member's mail as
received, opened in Debian's Chromium and confirmed, and the member signs in with a code from the
same authenticator secret as before (oathtool) and is shown new recovery codes once. The link then
no longer works, `support-desk show` lists the dispute, and a supervisor's `review` has it first.

Run by WebPortalTests/DisputeBrowserTests.swift with the database prepared; settings come from
the environment. Screenshots are kept in ARTIFACTS."""

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import expect, sync_playwright

ENV = os.environ
PORTAL = ENV["PORTAL_BIN"]
SUPPORT_DESK = ENV["SUPPORT_DESK_BIN"]
PORTAL_DB = ENV["PORTAL_DB"]
AGENT_DB = ENV["AGENT_DB"]
SUPERVISOR_DB = ENV["SUPERVISOR_DB"]
MAIL_SINK = ENV["MAIL_SINK"]
ADMIN_DB = ENV["ADMIN_DB"]
ARTIFACTS = ENV["ARTIFACTS"]
PASSWORD = ENV["MEMBER_PASSWORD"]
JANE_SECRET = ENV["JANE_SECRET"]
JANE_CODE = ENV["JANE_RECOVERY_CODE"]
CHROMIUM = ENV.get("CHROMIUM", "/usr/bin/chromium")
JANE = "jane@acme.example"


def step(text):
    print(f"== {text}", flush=True)


def psql(sql, *values):
    args = ["psql", ADMIN_DB, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
    for index, value in enumerate(values):
        args += ["-v", f"v{index}={value}"]
    return subprocess.run(args, input=sql, capture_output=True, text=True, check=True).stdout.strip()


def desk(*commands, stdin=None):
    args = [SUPPORT_DESK, "--db", AGENT_DB]
    for command in commands:
        args += ["-c", command]
    done = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"support-desk {commands} exited {done.returncode}: {done.stdout}{done.stderr}")
    return done.stdout


def oathtool(secret, offset_seconds=0):
    when = ["-N", f"now + {offset_seconds} seconds"] if offset_seconds else []
    return subprocess.run(["oathtool", "--totp", "-b", *when, secret], check=True,
                          capture_output=True, text=True).stdout.strip()


def start_mail_sink(folder):
    """scripts/mail-sink on a free port of loopback; returns the process and the port."""
    port_file = os.path.join(folder, "port")
    sink = subprocess.Popen([sys.executable, MAIL_SINK, "--dir", folder, "--port", "0", "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(ARTIFACTS, "dispute-mail-sink.log"), "w"))
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return sink, int(open(port_file).read().strip())
        time.sleep(0.05)
    sink.kill()
    raise SystemExit("the mail sink did not start")


def mail_to(folder, recipient, subject_word):
    """The body of the one mail in the sink to `recipient` whose subject has `subject_word`."""
    found = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".eml"):
            message = email.message_from_binary_file(open(os.path.join(folder, name), "rb"), policy=email.policy.default)
            if message["To"] == recipient and subject_word in message["Subject"]:
                found.append(message)
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in found]
    return found[0].get_content()


def start_portal():
    server = subprocess.Popen(
        [PORTAL, "serve", "--listen", "127.0.0.1:0", "--db", PORTAL_DB, "--pool-size", "4"],
        stdout=subprocess.PIPE, stderr=open(os.path.join(ARTIFACTS, "dispute-portal.log"), "w"), text=True)
    line = server.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        server.kill()
        raise SystemExit(f"portal serve did not start: {line!r}")
    return server, match.group(1)


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    server, base = start_portal()
    try:
        psql("UPDATE portal.settings SET portal_url = :'v0'", base)
        step("an agent verifies and disables; the console says who was told")
        out = desk(f"verify {JANE}", f"disable-2fa {JANE} --reason 'caller lost phone, code read out' --ticket SUP-4411 --yes",
                   stdin=JANE_CODE + "\n")
        assert "Notified: jane@acme.example (member), ada@acme.example (administrator)." in out, out

        step("portal notify mails the notices through msmtp to a real SMTP server on loopback")
        folder = tempfile.mkdtemp(prefix="dispute-mail-")
        sink, port = start_mail_sink(folder)
        try:
            sent = subprocess.run([PORTAL, "notify", "--once", "--db", ADMIN_DB,
                                   "--sendmail", f"msmtp --host=127.0.0.1 --port={port} --from=notifications@supportdesk.invalid --timeout=10 -t"],
                                  capture_output=True, text=True)
            assert sent.returncode == 0 and "sent 2 notifications" in sent.stdout, (sent.stdout, sent.stderr)
        finally:
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=10)
        administrator_mail = mail_to(folder, "ada@acme.example", "")
        assert "/dispute/" not in administrator_mail, "only the member gets a dispute link"

        step("the link is taken from the member's mail as the server received it")
        body = mail_to(folder, JANE, "")
        assert "SUP-4411" in body and JANE_CODE not in body, body
        link = re.search(r"(http://\S+/dispute/[0-9a-f]{64})", body).group(1)
        assert link.startswith(base + "/dispute/"), link

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_context().new_page()
            page.set_default_timeout(15000)

            step("the member opens the link and confirms")
            page.goto(link)
            expect(page.get_by_role("heading", name="Was this you?")).to_be_visible()
            expect(page.get_by_text("SUP-4411")).to_be_visible()
            page.screenshot(path=os.path.join(ARTIFACTS, "dispute-page.png"))
            page.get_by_role("button", name="This wasn't me: undo it").click()
            expect(page.get_by_role("heading", name="Two-factor authentication is back on")).to_be_visible()

            step("the same link no longer works")
            page.goto(link)
            expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()

            step("sign-in needs a code from the original app, then shows new recovery codes once")
            page.goto(base + "/sign-in")
            page.fill("input[name=email]", JANE)
            page.fill("input[name=password]", PASSWORD)
            page.locator("main").get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Open your authenticator app and enter the 6-digit code")).to_be_visible()
            page.fill("input[name=code]", oathtool(JANE_SECRET, 30))
            page.get_by_role("button", name="Verify").click()
            expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
            codes = page.locator("#codes li").all_inner_texts()
            assert len(codes) == 10 and JANE_CODE not in codes, codes
            page.screenshot(path=os.path.join(ARTIFACTS, "dispute-new-codes.png"))
            page.check("input[name=saved]")
            page.get_by_role("button", name="Done").click()
            expect(page.locator(".state.active")).to_have_text("Active")
            browser.close()

        step("support-desk show lists the dispute")
        shown = desk(f"show {JANE}")
        assert "DISPUTED by the member" in shown and "2fa_disputed" in shown, shown

        step("a supervisor's review has the dispute and the disputed disable first")
        queue = subprocess.run([SUPPORT_DESK, "--db", SUPERVISOR_DB, "--format", "json", "-c", "review"],
                               capture_output=True, text=True)
        assert queue.returncode == 0, (queue.stdout, queue.stderr)
        import json
        items = json.loads(queue.stdout)["items"]
        assert {item["action"] for item in items[:2]} == {"2fa_disabled_support", "2fa_disputed"}, items
        assert all("disputed" in item["flags"] for item in items[:2]), items
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=20)
    assert status == 0, f"portal serve exited {status}"
    log = open(os.path.join(ARTIFACTS, "dispute-portal.log")).read()
    token = link.rsplit("/", 1)[1]
    assert token not in log, "the request log holds the dispute token"
    print("dispute browser test: passed", flush=True)


if __name__ == "__main__":
    main()
