"""What each resident page weighs on a phone, and what axe-core finds on it.

    .venv/bin/python bench/page_weight.py [--base-url http://127.0.0.1:8000] [--write]

1. serves the app: the one at ``--base-url`` (``make run``), or, without it,
   one started as the browser suite starts it (a migrated database of its own
   with the demo data, ``tests/browser/live_app.py``);
2. opens each resident page in Debian's Chromium at 390×844, in zh-hans and in
   English, each in a fresh browser context (an empty cache, as on a first
   visit), the signed-in pages as 王伟 (resident-216, who only reads);
3. counts the page's requests and the bytes transferred (headers and bodies,
   as Chromium reports them) by kind: HTML, CSS, JS, images, other; then the
   same with the text resources gzipped (Python's gzip, level 6), which is what
   a production server with compression would send: the development server
   sends everything uncompressed;
4. runs axe-core with the suite's WCAG 2.2 AA tags and counts its violations;
5. prints the tables, and with ``--write`` puts them in BENCHMARKS.md
   (section "Page weight and accessibility (browser)").
"""

import argparse
import gzip
import re
import sys
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from booking_bench import machine, write_report  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    AXE_JS,
    AXE_TAGS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LANGUAGES,
    PASSWORD,
    VIEWPORTS,
)

RESIDENT = "resident-216@example.com"
MY_BOOKINGS = "/shop/accounts/bookings/"
BOOKING = re.compile(r"^/shop/accounts/bookings/[A-Z0-9]+/$")

# (what the page is, its address or None when it is found on "my bookings", signed in?)
PAGES = (
    ("home", "/", False),
    ("search 法律", "/search/?q=%E6%B3%95%E5%BE%8B", False),
    ("sector (legal)", "/legal/", False),
    ("service, free", "/legal/free-legal-consultation/", False),
    ("service, paid", "/health/tcm-acupuncture/", False),
    ("news", "/news/", False),
    ("article", "/news/notice-holiday-hours/", False),
    ("street index", "/index/", False),
    ("index coverage", "/index/coverage/", False),
    ("communities", "/communities/", False),
    ("login", "/shop/accounts/login/", False),
    ("my bookings", MY_BOOKINGS, True),
    ("a booking", None, True),
)

KINDS = ("HTML", "CSS", "JS", "images", "other")
KIND_OF = {"document": "HTML", "stylesheet": "CSS", "script": "JS", "image": "images"}
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def _sizes(response):
    """Bytes on the wire as served, and as a compressing server would send them."""
    sizes = response.request.sizes()
    headers = sizes["responseHeadersSize"]
    served = headers + sizes["responseBodySize"]
    content_type = (response.headers.get("content-type") or "").lower()
    if content_type.startswith(TEXT_TYPES) and "gzip" not in (response.headers.get("content-encoding") or ""):
        compressed = headers + len(gzip.compress(response.body(), compresslevel=6))
    else:
        compressed = served
    return served, compressed


def _axe_violations(page):
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # not a <script>: the pages' CSP allows no inline one
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [violation["id"] for violation in result["violations"]]


def _new_context(browser, base_url, language, storage_state=None):
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORTS["phone"],
        locale="zh-CN" if language == "zh-hans" else "en-GB",
        timezone_id="Asia/Shanghai",
        storage_state=storage_state,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    return context


def _signed_in_state(browser, base_url, language):
    """The resident's cookies after signing in through the form, and the address of one of their bookings."""
    context = _new_context(browser, base_url, language)
    page = context.new_page()
    page.goto(f"/shop/accounts/login/?next={MY_BOOKINGS}")
    page.locator("#id_login-username").fill(RESIDENT)
    page.locator("#id_login-password").fill(PASSWORD)
    page.locator("button[name=login_submit]").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"could not sign in as {RESIDENT}")
    links = page.eval_on_selector_all("main a[href]", "links => links.map(link => link.getAttribute('href'))")
    booking = next((href for href in links if BOOKING.match(href)), None)
    if booking is None:
        raise RuntimeError(f"{RESIDENT} has no booking to open")
    state = context.storage_state()
    context.close()
    return state, booking


def measure(browser, base_url, language, path, storage_state=None):
    context = _new_context(browser, base_url, language, storage_state)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path, wait_until="networkidle")
    row = {"requests": len(responses), "served": dict.fromkeys(KINDS, 0), "gzip": dict.fromkeys(KINDS, 0)}
    for response in responses:
        kind = KIND_OF.get(response.request.resource_type, "other")
        served, compressed = _sizes(response)
        row["served"][kind] += served
        row["gzip"][kind] += compressed
    row["axe"] = _axe_violations(page)
    context.close()
    return row


def run(base_url):
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for language in LANGUAGES:
            state, booking = _signed_in_state(browser, base_url, language)
            for name, path, signed_in in PAGES:
                path = path or booking
                row = measure(browser, base_url, language, path, state if signed_in else None)
                results.append({"page": name, "path": path, "language": language, **row})
                print(
                    f"{language:7} {name:16} {row['requests']:3} requests "
                    f"{sum(row['served'].values()) / 1000:7.1f} kB served "
                    f"{sum(row['gzip'].values()) / 1000:6.1f} kB gzipped  axe: {len(row['axe'])}",
                    flush=True,
                )
        browser.close()
    return results


def _kb(value):
    return f"{value / 1000:.1f}"


def report(results, command, server):
    lines = [
        "## Page weight and accessibility (browser)",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Server: {server}",
        "- Browser: Debian's Chromium, headless, 390×844, a fresh context (empty cache) for each page;",
        "  the signed-in pages as resident-216 (王伟); axe-core with the browser suite's WCAG 2.2 AA tags",
        "- Bytes: headers and bodies of every response until the network is idle, in kB (1,000 bytes);",
        '  "gzip" is the same page with HTML, CSS, JS, JSON and SVG compressed by Python\'s gzip (level 6),',
        "  as a production server with compression sends them (the development server compresses nothing)",
        "",
        "| page | language | requests | HTML | CSS | JS | images | other | **total** "
        "| gzip: HTML | CSS | JS | **total** | axe violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results:
        served, zipped = row["served"], row["gzip"]
        axe = str(len(row["axe"])) + (f" ({', '.join(row['axe'])})" if row["axe"] else "")
        lines.append(
            f"| {row['page']} `{row['path']}` | {row['language']} | {row['requests']} | "
            + " | ".join(_kb(served[kind]) for kind in KINDS)
            + f" | **{_kb(sum(served.values()))}** | "
            + " | ".join(_kb(zipped[kind]) for kind in ("HTML", "CSS", "JS"))
            + f" | **{_kb(sum(zipped.values()))}** | {axe} |"
        )
    totals = [sum(row["served"].values()) for row in results]
    zipped_totals = [sum(row["gzip"].values()) for row in results]
    violations = sum(len(row["axe"]) for row in results)
    lines += [
        "",
        f"{len(results)} page views: {_kb(min(totals))}–{_kb(max(totals))} kB as served "
        f"({_kb(min(zipped_totals))}–{_kb(max(zipped_totals))} kB gzipped), "
        f"{min(row['requests'] for row in results)}–{max(row['requests'] for row in results)} requests, "
        f"{violations} axe violation(s) in all.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running app (make run); without it the app is started here")
    parser.add_argument("--write", action="store_true", help="put the results in BENCHMARKS.md")
    args = parser.parse_args()

    if args.base_url:
        serving = nullcontext(args.base_url.rstrip("/"))
        server = f"the app at {args.base_url} (as started by its owner)"
    else:
        from tests.browser.live_app import serve

        serving = serve()
        server = (
            "Django's development server (`runserver`, DEBUG on, static files from the app), demo data from seed_demo"
        )
    started = time.perf_counter()
    with serving as base_url:
        results = run(base_url)
    text = report(results, " ".join([".venv/bin/python bench/page_weight.py", *sys.argv[1:]]), server)
    print(text)
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.write:
        write_report(text, section="page-weight")


if __name__ == "__main__":
    main()
