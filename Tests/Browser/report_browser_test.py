#!/usr/bin/env python3
"""The HTML report of `support-desk report --html` in a real browser: Debian's Chromium driven by
Playwright opens the file, and the page must show its three charts (SVG elements with a nonzero
size, one bar segment or point per number, carrying the database's numbers), run no script and
ask for nothing outside itself. A screenshot is kept for a person to look at.

Run by DeskConsoleTests/ReportTests.swift; settings come from the environment: REPORT_HTML (the
page), SCREENSHOT (where the picture goes), EXPECT (JSON: per chart, "day|series" or "day" to
the count shown)."""

import json
import os
import pathlib
import sys

from playwright.sync_api import sync_playwright

ENV = os.environ
CHROMIUM = ENV.get("CHROMIUM", "/usr/bin/chromium")


def fail(message):
    print(f"FAILED: {message}", flush=True)
    sys.exit(1)


def main():
    page_url = pathlib.Path(ENV["REPORT_HTML"]).resolve().as_uri()
    expected = json.loads(ENV["EXPECT"])
    outside = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: outside.append(request.url) if request.url != page_url else None)
        page.goto(page_url)
        page.wait_for_load_state("load")

        if outside:
            fail(f"the page asked for {outside}")
        if page.locator("script").count() != 0:
            fail("the page holds a script")

        for chart in ("chart-disables", "chart-overrides", "chart-backlog"):
            svg = page.locator(f"svg#{chart}")
            if svg.count() != 1:
                fail(f"no chart {chart}")
            box = svg.bounding_box()
            if not box or box["width"] < 100 or box["height"] < 50:
                fail(f"{chart} is not drawn at a visible size: {box}")

        def shapes(selector):
            found = {}
            for element in page.locator(selector).all():
                box = element.bounding_box()
                if not box or box["width"] <= 0 or box["height"] <= 0:
                    fail(f"{selector} has an invisible element: {element.evaluate('e => e.outerHTML')}")
                day = element.get_attribute("data-day")
                series = element.get_attribute("data-series")
                key = f"{day}|{series}" if series else day
                found[key] = int(element.get_attribute("data-count"))
            return found

        disables = shapes("svg#chart-disables rect.bar")
        if disables != expected["disables"]:
            fail(f"disables chart shows {disables}, expected {expected['disables']}")
        overrides = shapes("svg#chart-overrides rect.bar")
        if overrides != expected["overrides"]:
            fail(f"overrides chart shows {overrides}, expected {expected['overrides']}")
        backlog = shapes("svg#chart-backlog circle.point")
        if backlog != expected["backlog"]:
            fail(f"backlog chart shows {backlog}, expected {expected['backlog']}")
        # Taller bars for larger counts: the stacked chart's heights follow the numbers.
        heights = {}
        for element in page.locator("svg#chart-disables rect.bar").all():
            heights.setdefault(int(element.get_attribute("data-count")), set()).add(round(element.bounding_box()["height"], 1))
        if any(len(values) != 1 for values in heights.values()):
            fail(f"equal counts drawn at different heights: {heights}")

        backlog_text = page.locator("#backlog").inner_text()
        total = list(expected["backlog"].values())[-1]
        if f"{total} waiting for review" not in backlog_text:
            fail(f"the backlog paragraph says {backlog_text!r}")

        page.screenshot(path=ENV["SCREENSHOT"], full_page=True)
        browser.close()
    print("report page: all passed", flush=True)


if __name__ == "__main__":
    main()
