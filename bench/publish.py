"""What publishing one version costs: every JSON message a session's screens get, made once.

Run: .venv/bin/python bench/publish.py [--participants 11] [--batches 30]

A/B in one process, interleaved batches so both sides see the same machine: "whole views"
serialises each screen's view as a whole (as the hub did before app/realtime/frames.py);
"spliced" is what the hub does now (the public part serialised once, each phone's `you` spliced
in). Both make the same bytes (tests/realtime/test_frames.py). "html" is what the browser
pages get instead: each screen's fragment rendered from its view (templates/live/). Prints
medians and the ratios to "whole views".
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from app.realtime.frames import VersionFrames
from app.realtime.protocol import snapshot_message
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


def html_fragments(state: SessionState) -> list[str]:
    shared = SharedViews(state)
    return [
        RENDER_FRAGMENT(view_for(state, role, person or None, now=NOW, shared=shared), RECORD, "en")
        for role, person in screens_of(state)
    ]


def batch_seconds(publish: Callable[[SessionState], list[str]], state: SessionState) -> float:
    started = time.perf_counter()
    for _ in range(PUBLISHES_PER_BATCH):
        publish(state)
    return (time.perf_counter() - started) / PUBLISHES_PER_BATCH


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
    assert whole_views(state) == spliced(state)
    publishers = {"whole views": whole_views, "spliced": spliced, "html": html_fragments}
    results: dict[str, list[float]] = {name: [] for name in publishers}
    for _ in range(args.batches):
        for name, publish in publishers.items():
            results[name].append(batch_seconds(publish, state))
    screens = len(screens_of(state))
    medians = {name: statistics.median(samples) for name, samples in results.items()}
    print(f"one version to {screens} screens, median of {args.batches} batches")
    for name, median in medians.items():
        print(f"  {name:12} {median * 1e3:7.3f} ms")
    for name in ("spliced", "html"):
        print(f"  ratio {name} / whole views: {medians[name] / medians['whole views']:.2f}x")


if __name__ == "__main__":
    main()
