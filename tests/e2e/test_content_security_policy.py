"""The pages work under their Content-Security-Policy, and nothing breaks it.

Every screen (home, join, the phone, the console, the room) is watched for CSP violations both
ways Chromium reports them: `securitypolicyviolation` events in the page and "Refused to …"
console messages. The participant is called `<img src=x onerror=alert(1)>`: escaped, it is just
a name; were it ever injected, the policy would block its handler and the watcher would see it.
The round is driven from a phone and the console over their websockets, so `connect-src 'self'`
is shown to cover ws: to the same host.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Dialog, Page, Route, ViewportSize, expect

from tests.support.browser import LAPTOP, PHONE, PROBE_SCRIPT, WAIT_MS, Screens, wait_connected
from tests.support.pages import Session, version_of, wait_version_above

NAME = "<img src=x onerror=alert(1)>"
WATCH_SCRIPT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@dataclass
class Watched:
    """What a page reported: CSP violations, console complaints about them, dialogs opened."""

    page: Page
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        events: list[str] = self.page.evaluate("() => window.__csp")
        return events + self.console + self.dialogs


def watch(screens: Screens, url: str, viewport: ViewportSize = LAPTOP) -> Watched:
    context = screens.browser.new_context(viewport=viewport)
    screens.contexts.append(context)  # closed by the fixture
    context.add_init_script(PROBE_SCRIPT)
    context.add_init_script(WATCH_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    watched = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            watched.console.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        watched.dialogs.append(f"a dialog opened: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("dialog", on_dialog)
    page.goto(url)
    return watched


def test_every_screen_works_under_the_policy(screens: Screens, session: Session) -> None:
    home = watch(screens, session.server.base_url)
    expect(home.page.get_by_role("heading", level=1)).to_have_text("Start a session")

    phone = watch(screens, session.join_url, PHONE)
    phone.page.get_by_label("Your name").fill(NAME)
    phone.page.get_by_role("button", name="Join").click()  # a same-origin form post
    expect(phone.page.locator("#you-heading")).to_have_text(f"Welcome, {NAME}")
    wait_connected(phone.page)

    console = watch(screens, session.sam_url)
    wait_connected(console.page)
    room = watch(screens, session.room_url)
    wait_connected(room.page)

    waiting = session.view()["waiting_room"]
    session.command("admit", participant_id=waiting[0]["id"])
    session.start_first_round()
    expect(room.page.locator("body")).to_contain_text(NAME)
    expect(phone.page.locator("#you-share")).to_be_visible()

    # Commands over each page's own websocket: the phone passes, the console ends the session.
    before = version_of(console.page)
    phone.page.locator("#you-pass").click()
    wait_version_above(console.page, before)
    passed = version_of(console.page)
    console.page.locator("#end-session-confirm summary").click()
    console.page.locator("#end-session").click()
    wait_version_above(room.page, passed)
    for watched in (home, phone, console, room):
        assert watched.violations() == [], watched.page.url


def test_the_policy_is_in_force(screens: Screens, session: Session) -> None:
    """The watcher would see a violation: an inline script is refused on a real page."""
    page = watch(screens, session.join_url, PHONE)
    page.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
        }"""
    )
    page.page.wait_for_function("() => window.__csp.length > 0", timeout=WAIT_MS)
    assert page.page.evaluate("() => window.__ran === undefined")
    assert any(v.startswith("script-src") for v in page.violations())


def test_the_api_explorer_works_offline_under_the_same_policy(
    screens: Screens, session: Session
) -> None:
    # FastAPI's own /docs loaded its code from a CDN: blank offline, and it needed a looser
    # policy (an inline script, jsdelivr). Any request that leaves this server is refused here.
    outside: list[str] = []
    docs = watch_offline(screens, f"{session.server.base_url}/docs", outside)
    expect(docs.page.locator(".opblock").first).to_be_visible()
    expect(docs.page.locator(".opblock-summary-path").first).to_contain_text("/api/")
    assert outside == []
    assert docs.violations() == []


def watch_offline(screens: Screens, url: str, outside: list[str]) -> Watched:
    """``watch``, with every request to another host refused and noted."""
    local = url.split("/docs")[0]

    def refuse_outside(route: Route) -> None:
        if route.request.url.startswith(local):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = screens.browser.new_context(viewport=LAPTOP)
    context.route("**/*", refuse_outside)
    screens.contexts.append(context)
    context.add_init_script(WATCH_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    watched = Watched(page)
    page.on(
        "console",
        lambda message: (
            watched.console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.goto(url)
    return watched
