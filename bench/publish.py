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

The HTML side, before and after phone panels (app/realtime/panels.py), for one version to the 13
screens, after each of a few commands. "html whole" renders every screen's fragment whole from
its view (what the hub did before, and still the page's first load); with --before-templates,
"html before" does the same with another checkout's templates (main's, before the split): the
same page but for what the split added (the console's empty hidden #paused-panel and
#stage-foot, the macros as a global rather than imported), so its characters are printed beside.
"html panels" is what the hub does now: VersionFrames with the previous version's frames, each
phone and the console offered only their changed elements (as the outbox sends them to a screen
that read the version before; the console's panels are app/web/console_panels.py, each reused
from the previous version when its fields did not change), the room view whole. "phones ..."
are the same for the 11 phones alone, "console ..." for the console alone. All alternate batch
by batch. Asserted first: for every screen, the panels' whole message
is byte for byte the whole render, and the changed elements swapped into the previous version's
page (as htmx-ext-ws swaps them) make that same page, byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.templating import Jinja2Templates

from app.realtime.frames import VersionFrames
from app.realtime.protocol import snapshot_message
from app.realtime.schedules import ScheduleCache
from app.realtime.viewers import Viewer
from app.session import commands as c
from app.session.command_base import CommandBase, Role
from app.session.state import SessionState
from app.session.views import SharedViews, view_for
from app.web.languages import LOCALES_DIR, Languages
from app.web.rendering import FragmentRenderer, add_filters, make_templates
from tests.support.engine import Driver
from tests.support.frames import NOW, RECORD, render
from tests.support.screens import Screen

PUBLISHES_PER_BATCH = 50
Publish = Callable[[SessionState], list[str]]


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


def whole_pages(renderer: FragmentRenderer, roles: frozenset[Role] = frozenset(Role)) -> Publish:
    def publish(state: SessionState) -> list[str]:
        shared = SharedViews(state)
        return [
            renderer(view_for(state, role, person or None, now=NOW, shared=shared), RECORD, "en")
            for role, person in screens_of(state)
            if role in roles
        ]

    return publish


def templates_renderer(directory: Path) -> FragmentRenderer:
    """The fragments as another checkout's templates make them (e.g. main's, before panels)."""
    templates = Jinja2Templates(directory=str(directory))
    add_filters(templates.env)
    return FragmentRenderer(templates, Languages.from_directory(LOCALES_DIR))


html_fragments = whole_pages(RENDER_FRAGMENT)


def html_viewers(state: SessionState, roles: frozenset[Role] = frozenset(Role)) -> list[Viewer]:
    return [
        Viewer(role=role, person_id=person, format="html", language="en")
        for role, person in screens_of(state)
        if role in roles
    ]


PHONES = frozenset({Role.PARTICIPANT})
CONSOLE = frozenset({Role.FACILITATOR})


class PanelPublisher:
    """A version's HTML as the hub makes it now: the version before is already published (its
    frames hold its panels), and each phone is offered only what changed since."""

    def __init__(self, before: SessionState, roles: frozenset[Role] = frozenset(Role)) -> None:
        self._roles = roles
        self._before = VersionFrames(before, RECORD, RENDER_FRAGMENT, NOW)
        for viewer in html_viewers(before, roles):
            self._before.for_viewer(viewer)

    def frames(self, state: SessionState) -> VersionFrames:
        return VersionFrames(state, RECORD, RENDER_FRAGMENT, NOW, previous=self._before)

    def __call__(self, state: SessionState) -> list[str]:
        frames = self.frames(state)
        sent = []
        # Every screen showed the version before: only the changes are made where there are some.
        for viewer in html_viewers(state, self._roles):
            changes = frames.changes_for(viewer)
            sent.append(frames.for_viewer(viewer) if changes is None else changes)
        return sent


def assert_panels_make_whole_pages(before: SessionState, after: SessionState) -> None:
    publisher = PanelPublisher(before)
    frames = publisher.frames(after)
    for viewer, whole_before, whole_after in zip(
        html_viewers(after), html_fragments(before), html_fragments(after), strict=True
    ):
        assert frames.for_viewer(viewer) == whole_after
        changes = frames.changes_for(viewer)
        if changes is not None:
            screen = Screen(whole_before)
            screen.swap_in(changes)
            assert screen.html == whole_after


def batch_seconds(publish: Callable[[SessionState], list[str]], state: SessionState) -> float:
    started = time.thread_time()
    for _ in range(PUBLISHES_PER_BATCH):
        publish(state)
    return (time.thread_time() - started) / PUBLISHES_PER_BATCH


def calls_of(publish: Callable[[SessionState], list[str]], state: SessionState) -> int:
    profile = cProfile.Profile()
    profile.runcall(publish, state)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def session(participants: int) -> Driver:
    driver = Driver.weekly(participants=min(participants, 8))
    for index in range(8, participants):
        driver.ok(driver.person(index), c.Join, name=f"Peer {index}")
        driver.ok(driver.sam, c.Admit, participant_id=driver.pid(index))
    driver.ok(driver.sam, c.AdvanceStage)
    driver.ok(driver.sam, c.StartRound)
    return driver


# One version after each: the next speaker, the speaker's clock paused, one hand raised.
CHANGES: list[tuple[str, int | None, type[CommandBase]]] = [
    ("pass", 0, c.Pass),
    ("pause_timer", None, c.PauseTimer),
    ("raise_hand", 3, c.RaiseHand),
]


def html_side(participants: int, batches: int, before_templates: Path | None) -> None:
    print(f"HTML, one version to {participants + 2} screens, CPU median of {batches} batches")
    for name, person, command in CHANGES:
        driver = session(participants)
        before = driver.state
        driver.ok(driver.sam if person is None else driver.person(person), command)
        after = driver.state
        assert_panels_make_whole_pages(before, after)
        publishers: dict[str, Publish] = {
            "html whole": html_fragments,
            "html panels": PanelPublisher(before),
            "phones whole": whole_pages(RENDER_FRAGMENT, PHONES),
            "phones panels": PanelPublisher(before, PHONES),
            "console whole": whole_pages(RENDER_FRAGMENT, CONSOLE),
            "console panels": PanelPublisher(before, CONSOLE),
        }
        if before_templates is not None:
            renderer = templates_renderer(before_templates)
            publishers["html before"] = whole_pages(renderer)
            publishers["phones before"] = whole_pages(renderer, PHONES)
            publishers["console before"] = whole_pages(renderer, CONSOLE)
        results: dict[str, list[float]] = {label: [] for label in publishers}
        for _ in range(batches):
            for label, publish in publishers.items():
                results[label].append(batch_seconds(publish, after))
        medians = {label: statistics.median(samples) for label, samples in results.items()}
        calls = {label: calls_of(publish, after) for label, publish in publishers.items()}
        sent = {label: sum(map(len, publish(after))) for label, publish in publishers.items()}
        print(f"  after {name}:")
        for label, median in medians.items():
            print(
                f"    {label:14} {median * 1e3:7.3f} ms  {calls[label]:6d} calls"
                f"  {sent[label]:6d} characters sent"
            )
        for part in ("html", "phones", "console"):
            for baseline in ("whole", "before"):
                if f"{part} {baseline}" in medians:
                    ratio = medians[f"{part} panels"] / medians[f"{part} {baseline}"]
                    print(f"    ratio {part} panels / {baseline}: {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=11)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--html-only", action="store_true", help="only the HTML side")
    parser.add_argument(
        "--before-templates",
        type=Path,
        help="another checkout's templates/ to render whole as well, e.g. main's before panels:"
        " git archive main templates | tar -x -C /tmp/main",
    )
    args = parser.parse_args()
    if not args.html_only:
        json_side(args.participants, args.batches)
    html_side(args.participants, args.batches, args.before_templates)


def json_side(participants: int, batches: int) -> None:
    driver = session(participants)
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
    for _ in range(batches):
        for name, publish in publishers.items():
            results[name].append(batch_seconds(publish, state))
    screens = len(screens_of(state))
    medians = {name: statistics.median(samples) for name, samples in results.items()}
    print(f"one version to {screens} screens, CPU median of {batches} batches")
    for name, median in medians.items():
        calls = calls_of(publishers[name], state)
        print(f"  {name:12} {median * 1e3:7.3f} ms  {calls:6d} calls")
    for name in ("spliced", "same second", "html"):
        print(f"  ratio {name} / whole views: {medians[name] / medians['whole views']:.2f}x")


if __name__ == "__main__":
    main()
