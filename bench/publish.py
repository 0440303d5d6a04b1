"""What publishing one version costs: every JSON message a session's screens get, made once.

Run: .venv/bin/python bench/publish.py [--participants 11] [--batches 30]

A/B in one process, interleaved batches so both sides see the same machine: "whole views"
serialises each screen's view as a whole with pydantic's model_dump_json (as the hub did before
app/realtime/frames.py); "spliced" is what the hub does for a version whose second has not been
projected yet (the public part serialised once, each phone's `you` spliced in, all by
app/realtime/view_json.py); "same second" is the same for a later version in that second whose
change the schedule does not read (a hand raised): the session's projection is reused. All make
the same bytes (tests/realtime/test_frames.py, asserted here too). "html" is what the browser
pages get instead: each screen's fragment rendered from its view (templates/live/). Prints
medians of the main thread's CPU time, the ratios to "whole views", and the Python function
calls of one publish (cProfile: the same every run).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable

from app.realtime.frames import VersionFrames
from app.realtime.protocol import snapshot_message
from app.realtime.schedules import ScheduleCache
from app.session import commands as c
from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views import SharedViews, view_for
from app.web.languages import LOCALES_DIR, Languages
from app.web.rendering import FragmentRenderer, make_templates
from tests.support.engine import Driver
from tests.support.frames import NOW, RECORD, render

PUBLISHES_PER_BATCH = 50


def screens_of(state: SessionState) -> list[tuple[Role, str]]:
    """A room view, a console, and every participant's phone."""
    return [
        (Role.ROOM, ""),
        (Role.FACILITATOR, ""),
        *((Role.PARTICIPANT, p) for p in state.participants),
    ]


def whole_views(state: SessionState) -> list[str]:
    shared = SharedViews(state)
    return [
        snapshot_message(
            state.version,
            view_for(state, role, person or None, now=NOW, shared=shared).model_dump_json(),
        )
        for role, person in screens_of(state)
    ]


def spliced(state: SessionState) -> list[str]:
    frames = VersionFrames(state, RECORD, render, NOW)
    return [
        snapshot_message(state.version, frames.view_json(role, person))
        for role, person in screens_of(state)
    ]


RENDER_FRAGMENT = FragmentRenderer(make_templates(), Languages.from_directory(LOCALES_DIR))


SESSION_SCHEDULES = ScheduleCache()


def same_second(state: SessionState) -> list[str]:
    frames = VersionFrames(state, RECORD, render, NOW, schedules=SESSION_SCHEDULES)
    return [
        snapshot_message(state.version, frames.view_json(role, person))
        for role, person in screens_of(state)
    ]


def html_fragments(state: SessionState) -> list[str]:
    shared = SharedViews(state)
    return [
        RENDER_FRAGMENT(view_for(state, role, person or None, now=NOW, shared=shared), RECORD, "en")
        for role, person in screens_of(state)
    ]


def batch_seconds(publish: Callable[[SessionState], list[str]], state: SessionState) -> float:
    started = time.thread_time()
    for _ in range(PUBLISHES_PER_BATCH):
        publish(state)
    return (time.thread_time() - started) / PUBLISHES_PER_BATCH


def calls_of(publish: Callable[[SessionState], list[str]], state: SessionState) -> int:
    profile = cProfile.Profile()
    profile.runcall(publish, state)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=11)
    parser.add_argument("--batches", type=int, default=30)
    args = parser.parse_args()
    driver = Driver.weekly(participants=min(args.participants, 8))
    for index in range(8, args.participants):
        driver.ok(driver.person(index), c.Join, name=f"Peer {index}")
        driver.ok(driver.sam, c.Admit, participant_id=driver.pid(index))
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    driver.ok(driver.person(0), c.Pass)
    state = driver.state
    assert whole_views(state) == spliced(state) == same_second(state)
    publishers = {
        "whole views": whole_views,
        "spliced": spliced,
        "same second": same_second,
        "html": html_fragments,
    }
    results: dict[str, list[float]] = {name: [] for name in publishers}
    for _ in range(args.batches):
        for name, publish in publishers.items():
            results[name].append(batch_seconds(publish, state))
    screens = len(screens_of(state))
    medians = {name: statistics.median(samples) for name, samples in results.items()}
    print(f"one version to {screens} screens, CPU median of {args.batches} batches")
    for name, median in medians.items():
        calls = calls_of(publishers[name], state)
        print(f"  {name:12} {median * 1e3:7.3f} ms  {calls:6d} calls")
    for name in ("spliced", "same second", "html"):
        print(f"  ratio {name} / whole views: {medians[name] / medians['whole views']:.2f}x")


if __name__ == "__main__":
    main()
