"""How long a click on a phone takes to show on everyone else's screen, against the floor: an
empty ping/pong round trip on the same websocket.

Times are taken in the browser (all pages run in one Chromium, so their clocks agree): the click
on the phone, and the moment each other page's DOM first holds the new version (a
MutationObserver on #live-version). Run with `pytest -s` to see the numbers.
"""

from __future__ import annotations

import statistics
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.browser import LAPTOP, PHONE, PROJECTOR, Screens
from tests.support.pages import Session, percentile, ping, summary, wait_version_above

NAMES = ("Priya", "Tom", "Mere", "Lee")
CLICKS = 50
PINGS = 50


def probe_times(page: Page, kind: str) -> dict[int, float]:
    """When each version arrived on the page's socket ("arrived") or was in its DOM ("seen")."""
    times: dict[str, float] = page.evaluate("kind => window.__probe[kind]", kind)
    return {int(version): time for version, time in times.items()}


def now_showing(page: Page) -> tuple[int, str | None]:
    """The version a console shows, and who is speaking in it."""
    shown: list[Any] = page.evaluate(
        """() => [
            Number(document.getElementById("live-version").dataset.version),
            document.querySelector("#turn-panel .speaker-name")?.textContent ?? null,
        ]"""
    )
    return int(shown[0]), shown[1]


def first_after(seen: dict[int, float], version: int) -> float:
    return min(time for seen_version, time in seen.items() if seen_version > version)


def test_click_to_every_screen_latency_against_a_bare_round_trip(
    screens: Screens, session: Session
) -> None:
    for name in NAMES:
        session.join(name)
    session.admit_all()
    session.start_first_round()
    phones = {
        name: screens.live(session.participants[name]["url"], PHONE if name == "Priya" else LAPTOP)
        for name in NAMES
    }
    watchers = [
        screens.live(session.sam_url),
        screens.live(session.ana_url),
        screens.live(session.room_url, PROJECTOR),
    ]
    everyone = [*watchers, *phones.values()]
    sam = watchers[0]

    clicks: list[dict[str, Any]] = []  # who clicked, the version before, the click's time
    while len(clicks) < CLICKS:
        # Every screen shows the newest version here (waited for below).
        version, speaker = now_showing(sam)
        if speaker is None:  # the round is complete: open everyone's turn again
            for name in NAMES:
                version = session.command("return_to", participant_id=session.id_of(name))
            speaker = NAMES[0]
            for page in everyone:
                expect(page.locator("#live-version")).to_have_attribute(
                    "data-version", str(version)
                )
        label = "Pass" if len(clicks) % 2 else "I've finished sharing"
        phones[speaker].get_by_role("button", name=label, exact=True).click()
        clicks.append({"phone": speaker, "version": version})
        for page in everyone:
            wait_version_above(page, version)

    for name, phone in phones.items():
        times: list[float] = phone.evaluate("() => window.__probe.clicks")
        mine = [click for click in clicks if click["phone"] == name]
        assert len(times) == len(mine)
        for click, time in zip(mine, times, strict=True):
            click["time"] = time
    seen = {id(page): probe_times(page, "seen") for page in everyone}
    arrived = {id(page): probe_times(page, "arrived") for page in everyone}
    per_screen: list[float] = []  # click -> one other screen shows the change
    all_screens: list[float] = []  # click -> the last of the other screens shows it
    on_the_wire: list[float] = []  # click -> the update arrives on a screen's socket
    swapping: list[float] = []  # the update arrived -> it is in the screen's DOM
    for click in clicks:
        delays = []
        for page in everyone:
            if page is phones[click["phone"]]:
                continue
            shown = first_after(seen[id(page)], click["version"])
            came = first_after(arrived[id(page)], click["version"])
            delays.append(shown - click["time"])
            on_the_wire.append(came - click["time"])
            swapping.append(shown - came)
        per_screen.extend(delays)
        all_screens.append(max(delays))

    round_trips = [ping(phones["Priya"]) for _ in range(PINGS)]

    ratio = statistics.median(all_screens) / statistics.median(round_trips)
    print()
    print(f"click on a phone -> all 6 other screens show it: {summary(all_screens)}")
    print(f"click on a phone -> one other screen shows it:   {summary(per_screen)}")
    print(f"  of which click -> update on the socket:        {summary(on_the_wire)}")
    print(f"  and update on the socket -> in the DOM:        {summary(swapping)}")
    print(f"empty ping/pong round trip, same websocket:      {summary(round_trips)}")
    print(
        f"ratio of medians (all screens / round trip): {ratio:.1f}; "
        f"p90 ratio {percentile(all_screens, 0.9) / percentile(round_trips, 0.9):.1f}"
    )
    assert all(delay > 0 for delay in per_screen), "a screen cannot change before the click"
    assert statistics.median(all_screens) < 1_000
    assert statistics.median(round_trips) < 1_000
