"""Screens back after a restart (issue 15, item 8): a session's 13 screens (two consoles, the
room view, ten phones), the server killed (kill -9) and started again on the same database.
A change is made the moment the new server answers (Priya shares); measured from then to the
moment every screen shows it. The target is 3 s;
a screen tries again every 0.5 to 1 s while the server was heard from recently
(static/js/reconnect.js), so on a quiet machine they are back in about a second. Run with
`pytest -s` to see the numbers (bench/README.md, "Restart")."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.support.browser import PHONE, PROJECTOR, Screens
from tests.support.live_server import STARTUP_TIMEOUT_S, LiveServer, running_server
from tests.support.pages import Session, first_seen_after, version_of

PHONES = ("Priya", "Tom", "Mere", "Lee", "Jo", "Kim", "Ravi", "Zoe", "Ana-Maria", "Hemi")
RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself."
SCREENS_BACK_TARGET_S = 3.0


def answering_at(server: LiveServer) -> float:
    """Start `server` and return the moment (time.time()) it first answers, to 10 ms."""
    server.launch()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with httpx.Client(base_url=server.base_url, timeout=1) as client:
        while time.monotonic() < deadline:
            try:
                if client.get("/healthz").status_code == 200:
                    return time.time()
            except httpx.TransportError:
                time.sleep(0.01)
    raise RuntimeError(f"the server did not answer in time; see {server.log_path}")


def test_every_screen_shows_the_new_servers_state_within_3_s_of_it_answering(
    screens: Screens, tmp_path: Path
) -> None:
    with running_server(tmp_path) as server:
        session = Session.create(server)
        for name in PHONES:
            session.join(name)
        session.admit_all()
        session.start_first_round()
        pages = [
            screens.live(session.sam_url),
            screens.live(session.ana_url),
            screens.live(session.room_url, PROJECTOR),
            *(screens.live(session.participants[name]["url"], PHONE) for name in PHONES),
        ]
        shown = session.view()["version"]
        for page in pages:
            expect(page.locator("#live-version")).to_have_attribute("data-version", str(shown))

        server.kill()
        for page in pages:
            expect(page.locator("#connection")).to_have_text(RECONNECTING)
        launched_at = time.time()
        answered_at = answering_at(server)
        session.command("share", participant_id=session.id_of("Priya"))
        for page in pages:
            expect(page.locator("#connection")).to_be_empty()
        back_s = [first_seen_after(page, shown) / 1000 - answered_at for page in pages]

    print(
        f"\nstart to answering {answered_at - launched_at:.2f} s; screens back after it answered:"
        f" first {min(back_s):.2f} s, last {max(back_s):.2f} s"
        f" ({max(back_s) / SCREENS_BACK_TARGET_S:.2f} of the 3 s target)"
    )
    assert all(version_of(page) > shown for page in pages)
    assert max(back_s) <= SCREENS_BACK_TARGET_S
