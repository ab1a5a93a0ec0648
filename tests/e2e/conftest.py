"""End-to-end fixtures: Debian's Chromium driven by Playwright (no browser download), and axe-core."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Debian's chromium is not installed; `make test` installs it (apt-get install chromium).")
    return found


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django refuses database calls
    # from a thread with a running loop unless told that this is deliberate.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def serious_accessibility_violations(page) -> list[dict]:
    """Run axe-core in the page; return the violations of serious or critical impact."""
    # Evaluated through the DevTools protocol rather than added as an inline <script>: the pages'
    # content security policy (script-src 'self') rightly blocks inline scripts.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def save_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# The widths every page is checked at: a desktop and the narrowest phone WCAG 2.2 1.4.10 (reflow) names.
WIDTHS = (1280, 320)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page_at_width(browser, request):
    """A page at each of ``WIDTHS`` in turn (the test runs once per width)."""
    context = browser.new_context(viewport={"width": request.param, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def assert_reads_well(page) -> None:
    """What every page must be at every width: no serious or critical axe-core violation, and no
    sideways scrolling of the page itself (a wide table scrolls inside its own container)."""
    assert serious_accessibility_violations(page) == []
    assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways by {horizontal_overflow(page)} px"
