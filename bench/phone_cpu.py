"""What a phone's page costs its CPU while a share's countdown runs (issue 15, the battery).

Run: .venv/bin/python bench/phone_cpu.py [--seconds 60]

A real server and Debian's Chromium (as the browser tests use them). A phone-sized participant
page shows the speaker's and the stage's countdowns running; Chromium's own Performance metrics
(`TaskDuration`: time its main thread was busy) are read at the start and the end of the window.
The baseline, measured over the same window in the same browser, is the join page: the same
scripts, but no countdown to draw. Prints the share of a core each page used and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page

from tests.support.browser import CHROMIUM, PHONE, Screens
from tests.support.live_server import running_server
from tests.support.pages import Session


def busy_shares(pages: list[Page], seconds: float) -> list[float]:
    """The share of one core each page's main thread was busy over the same `seconds`."""
    tools = [page.context.new_cdp_session(page) for page in pages]
    for devtools in tools:
        devtools.send("Performance.enable")

    def task_seconds() -> list[float]:
        return [
            float(
                next(
                    m["value"]
                    for m in devtools.send("Performance.getMetrics")["metrics"]
                    if m["name"] == "TaskDuration"
                )
            )
            for devtools in tools
        ]

    busy_before, wall_before = task_seconds(), time.monotonic()
    time.sleep(seconds)
    busy_after, wall_after = task_seconds(), time.monotonic()
    wall = wall_after - wall_before
    return [(after - before) / wall for before, after in zip(busy_before, busy_after, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data, running_server(Path(data)) as server:
        session = Session.create(server)
        for name in ("Priya", "Tom"):
            session.join(name)
        session.admit_all()
        session.start_first_round()
        screens = Screens(CHROMIUM.get())
        try:
            phone = screens.live(session.participants["Tom"]["url"], PHONE)
            quiet = screens.open(session.join_url, PHONE)
            # One window for both, so both see the same machine.
            phone_share, quiet_share = busy_shares([phone, quiet], args.seconds)
        finally:
            screens.close()
            CHROMIUM.stop()
    print(f"phone page, countdowns running: {phone_share:.2%} of a core")
    print(f"join page (baseline):           {quiet_share:.2%} of a core")
    print(f"ratio: {phone_share / quiet_share:.1f}x" if quiet_share > 0 else "ratio: n/a")


if __name__ == "__main__":
    main()
