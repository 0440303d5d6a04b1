"""Screens back after a restart (issue 15, item 8): a session's 13 screens (two consoles, the
room view, ten phones), the server killed (kill -9) and started again on the same database. A
change is made the moment the new server answers (Priya shares); measured from then to the
moment every screen shows it. The target is 3 s: a screen tries again every 0.5 to 1 s while
the server was heard from in the last 10 s (static/js/reconnect.js), so on a quiet machine they
are back in about a second.

On a busy machine a restart takes longer, and so does any change reaching 13 screens. So the
bound is the target, or, when more, the longest wait the reconnect rule allows after that long
a silence plus twice the time an ordinary change took to reach every screen in the same run.
Run with `pytest -s` to see the numbers (bench/README.md, "Restart")."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, PROJECTOR, Screens
from tests.support.live_server import STARTUP_TIMEOUT_S, LiveServer, running_server
from tests.support.pages import Session, first_seen_after

PHONES = ("Priya", "Tom", "Mere", "Lee", "Jo", "Kim", "Ravi", "Zoe", "Ana-Maria", "Hemi")
RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself."
SCREENS_BACK_TARGET_S = 3.0
# How long before a drop a page may last have heard from the server: the heartbeat asks after
# 1.5 s of silence (static/js/heartbeat.js).
HEARD_BEFORE_S = 1.5


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


def all_showing_after(pages: list[Page], version: int, since: float) -> list[float]:
    """Seconds from `since` (time.time()) until each page first showed a version after
    `version`; the pages all run in one Chromium, on this machine's clock."""
    for page in pages:
        expect(page.locator("#connection")).to_be_empty()
        page.wait_for_function(
            "v => Number(document.getElementById('live-version').dataset.version) > v",
            arg=version,
        )
    return [first_seen_after(page, version) / 1000 - since for page in pages]


def longest_reconnect_wait_s(silent_s: float) -> float:
    """The longest wait between attempts the reconnect rule allows after `silent_s` of silence:
    1 s within 10 s of hearing from the server, doubling as the silence doubles, at most 5 s."""
    ceiling_s, silence_s = 1.0, 10.0
    while silent_s >= silence_s and ceiling_s < 5.0:
        ceiling_s, silence_s = min(5.0, 2 * ceiling_s), 2 * silence_s
    return ceiling_s


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

        killed_at = time.time()
        server.kill()
        for page in pages:
            expect(page.locator("#connection")).to_have_text(RECONNECTING)
        launched_at = time.time()
        answered_at = answering_at(server)
        session.command("share", participant_id=session.id_of("Priya"))
        back_s = all_showing_after(pages, shown, answered_at)

        # An ordinary change, for comparison: Tom shares.
        shown, changed_at = session.view()["version"], time.time()
        session.command("share", participant_id=session.id_of("Tom"))
        change_s = all_showing_after(pages, shown, changed_at)
        longest_wait_s = longest_reconnect_wait_s(answered_at - killed_at + HEARD_BEFORE_S)

    print(
        f"\nstart to answering {answered_at - launched_at:.2f} s; screens back after it answered:"
        f" first {min(back_s):.2f} s, last {max(back_s):.2f} s"
        f" ({max(back_s) / SCREENS_BACK_TARGET_S:.2f} of the 3 s target);"
        f" an ordinary change on every screen {max(change_s):.2f} s"
    )
    assert max(back_s) <= max(SCREENS_BACK_TARGET_S, longest_wait_s + 2 * max(change_s))
