"""Real Chromium (Debian's package) driven by Playwright, for the browser tests.

Playwright's own browser download does not work here, so the browser is Debian's `chromium`,
installed by scripts/ensure-chromium when missing (the test setup runs it as well).

Every browser context gets a small probe (`window.__probe`, see PROBE_SCRIPT) that records, on
the browser's own clock, when each version of the session reached the page and when the page was
clicked, and that can send a bare ping on the page's own websocket. All pages run in one browser
on one machine, so `performance.timeOrigin + performance.now()` agrees between them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Pages in background tabs/windows must keep their timers and sockets running at full
    # speed: every screen of a session is "in front" of somebody.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
PHONE: ViewportSize = {"width": 360, "height": 640}
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PROJECTOR: ViewportSize = {"width": 1280, "height": 720}
# Generous for a noisy two-core machine, and never more than the 10 s a single wait may take.
WAIT_MS = 8_000

expect.set_options(timeout=WAIT_MS)

PROBE_SCRIPT = r"""
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const probe = {
    socket: null, opens: 0, seen: {}, arrived: {}, clicks: [], pending: new Map(), now,
  };
  window.__probe = probe;
  const record = () => {
    const marker = document.getElementById("live-version");
    const version = marker && marker.dataset.version;
    if (version !== undefined && version !== null && !(version in probe.seen)) {
      probe.seen[version] = now();
    }
  };
  new MutationObserver(record).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-version"],
  });
  document.addEventListener("DOMContentLoaded", record);
  document.addEventListener("click", () => probe.clicks.push(now()), true);
  document.addEventListener("htmx:wsOpen", (event) => {
    probe.socket = event.detail.socketWrapper;
    probe.opens += 1;
  });
  document.addEventListener("htmx:wsBeforeMessage", (event) => {
    const text = event.detail.message;
    if (typeof text !== "string") return;
    if (!text.startsWith("{")) {
      // An HTML update: note when it arrived, before htmx swaps it in.
      const version = /id="live-version" data-version="(\d+)"/.exec(text);
      if (version && !(version[1] in probe.arrived)) probe.arrived[version[1]] = now();
      return;
    }
    try {
      const message = JSON.parse(text);
      const resolve = message.type === "pong" && probe.pending.get(message.t0);
      if (resolve) {
        probe.pending.delete(message.t0);
        resolve(now() - message.t0);
      }
    } catch (error) {}
  });
  // A bare ping on this page's websocket; resolves with the round trip in ms. A fractional t0
  // never equals one of the clock's own (whole-ms) pings, so clock.js ignores our pongs.
  probe.ping = () => new Promise((resolve) => {
    const t0 = now() + 0.25;
    probe.pending.set(t0, resolve);
    probe.socket.send(JSON.stringify({ type: "ping", t0 }));
  });
})();
"""


def chromium_path() -> Path:
    found = next((path for path in CHROMIUM_CANDIDATES if path.exists()), None)
    if found is None and shutil.which("apt-get"):
        subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], check=True)
        found = next((path for path in CHROMIUM_CANDIDATES if path.exists()), None)
    if found is None:
        pytest.fail("Debian's chromium is missing and could not be installed")
    return found


class Chromium:
    """Playwright and one browser, started for the first browser test and stopped right after
    the last one. Playwright's sync API keeps an asyncio loop running in this thread while it is
    open, which would break every anyio test that pytest runs after tests/e2e."""

    def __init__(self) -> None:
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None

    def get(self) -> Browser:
        if self.browser is None:
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=str(chromium_path()), args=CHROMIUM_FLAGS, headless=True
            )
        return self.browser

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None


CHROMIUM = Chromium()


class Screens:
    """Opens each person's screen in its own browser context (its own cookies)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []

    def open(
        self,
        url: str,
        viewport: ViewportSize = LAPTOP,
        prepare: Callable[[Page], None] | None = None,
        locale: str | None = None,
    ) -> Page:
        """`prepare` runs before the page loads (e.g. to route its websockets); `locale` is the
        browser's language (its Accept-Language)."""
        context = self.browser.new_context(viewport=viewport, locale=locale)
        context.add_init_script(PROBE_SCRIPT)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        if prepare is not None:
            prepare(page)
        page.goto(url)
        return page

    def live(
        self,
        url: str,
        viewport: ViewportSize = LAPTOP,
        prepare: Callable[[Page], None] | None = None,
        locale: str | None = None,
    ) -> Page:
        """Open a live screen and wait until its websocket is open."""
        page = self.open(url, viewport, prepare, locale)
        wait_connected(page)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def wait_connected(page: Page, opens: int = 1) -> None:
    page.wait_for_function(
        "n => window.__probe && window.__probe.opens >= n", arg=opens, timeout=WAIT_MS
    )
