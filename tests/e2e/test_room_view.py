"""The room view, designed per moment (issue 13): readable from the back of a hall at 1920x1080
and in a screen share at 1280x720. Two room screens of one session, one at each size, follow
it from before the start to its end; in each scene the bounding boxes of the scene and of what
it is for (the QR code and the code, the guidelines, the speaker's name and clock, the taker
and the question, the break's countdown and "back at") must lie inside the viewport, the one
large thing must be large, and axe must find nothing serious. The server runs in Chicago's
zone, so a session without a group says when its break ends by Chicago's clocks.

With UPDATE_SCREENSHOTS=1 the 1920x1080 screen of each scene is written to
docs/screenshots/room-<scene>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from app.web.local_time import back_at_text
from tests.e2e.test_console_layout import boxes, problems
from tests.e2e.test_screenshots import shoot
from tests.support.api import created_session, new_session_request
from tests.support.browser import Screens
from tests.support.live_server import LiveServer
from tests.support.pages import Session, axe_violations, describe_violations

SIZES: dict[str, ViewportSize] = {
    "1920x1080": {"width": 1920, "height": 1080},
    "1280x720": {"width": 1280, "height": 720},
}
SERVER_ZONE = "America/Chicago"
PEOPLE = ("Priya", "Tom", "Mere", "Lee", "Alexandra Wilhelmina")
QUESTION = "What helped you when you felt stuck?"

SCENE = {"scene": "#room-scene"}
JOIN = {"QR code": ".room-join__qr", "code": ".room-join__code"}
STAGE = {"stage": "#room-stage-heading"}
SPEAKER = {"name": "#room-speaker .room-speaker__name", "clock": "#room-speaker .countdown"}
NEXT = {"who is next": "#room-next"}
TAKING = {"taker": "#room-taker", "question": "#room-question"}
BREAK = {"countdown": "#room-break-time .countdown", "back at": "#room-back-at"}
EVERYTHING = (
    SCENE
    | JOIN
    | STAGE
    | SPEAKER
    | NEXT
    | TAKING
    | BREAK
    | {
        "status": "#room-status-heading",
        "guidelines": "#stage-guidelines",
        "pause": "#paused-note",
    }
)


@pytest.fixture(scope="module")
def zoned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: it is configured with a time zone."""
    server = LiveServer(
        tmp_path_factory.mktemp("room-server"), env={"PEER_ROUNDS_TIME_ZONE": SERVER_ZONE}
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Rooms:
    """The same room view at both sizes, checked together at each step."""

    def __init__(self, screens: Screens, session: Session, shots: Path) -> None:
        self.session = session
        self.shots = shots
        self.pages = {name: screens.live(session.room_url, size) for name, size in SIZES.items()}
        self.problems: list[str] = []
        self.checked: list[str] = []

    def step(self, command: str, **fields: Any) -> None:
        version = self.session.command(command, **fields)
        for page in self.pages.values():
            expect(page.locator("#live-version")).to_have_attribute("data-version", str(version))

    def check(self, scene: str, required: dict[str, str], shot: str | None = None) -> None:
        """Everything `required` is shown and wholly on the screen at both sizes."""
        self.checked.append(scene)
        for name, page in self.pages.items():
            expect(page.locator("#room-scene")).to_have_attribute("data-scene", scene)
            said = problems(page, SIZES[name], SCENE | required, EVERYTHING)
            self.problems += [f"{scene} at {name}: {problem}" for problem in said]
            violations = axe_violations(page)
            if violations:
                self.problems.append(describe_violations(f"room, {scene} at {name}", violations))
        if shot:
            shoot(self.pages["1920x1080"], self.shots, shot)

    def share_of_height(self, selector: str) -> dict[str, float]:
        """How much of the screen's height the element takes, at each size."""
        found = {}
        for name, page in self.pages.items():
            box = boxes(page, {"it": selector})["it"]
            assert box is not None, f"{selector} is not shown at {name}"
            found[name] = (box["bottom"] - box["top"]) / SIZES[name]["height"]
        return found

    def font_share(self, selector: str) -> dict[str, float]:
        """The element's font size as a share of the screen's height, at each size."""
        return {
            name: float(
                page.locator(selector).first.evaluate(
                    "e => parseFloat(getComputedStyle(e).fontSize)"
                )
            )
            / SIZES[name]["height"]
            for name, page in self.pages.items()
        }

    def each(self) -> Iterator[tuple[str, Page]]:
        yield from self.pages.items()


def at_least(shares: dict[str, float], floor: float, what: str) -> None:
    print(f"{what}: " + ", ".join(f"{share:.1%} at {name}" for name, share in shares.items()))
    small = {name: round(share, 3) for name, share in shares.items() if share < floor}
    assert not small, f"{what} takes less than {floor:.0%} of the screen's height: {small}"


def test_the_room_view_fits_and_reads_large_in_every_scene(
    screens: Screens, zoned_server: LiveServer, shots: Path
) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    session = Session.create(zoned_server)
    for name in PEOPLE:
        session.join(name)
    session.admit_all()
    rooms = Rooms(screens, session, shots)

    rooms.check("waiting", {"status": "#room-status-heading"} | JOIN, "room-waiting.png")
    rooms.step("start_session")
    rooms.check("welcome", STAGE | JOIN, "room-welcome.png")
    # The welcome is for joining: a QR code to scan from the back of the hall.
    at_least(rooms.share_of_height(".room-join__qr"), 0.4, "the QR code")
    at_least(rooms.font_share(".room-join__code .code"), 0.08, "the join code")

    welcome_id = session.view()["stages"][0]["id"]
    rooms.step(
        "insert_stage",
        kind="guidelines",
        title="Our guidelines",
        minutes=5,
        after_stage_id=welcome_id,
    )
    rooms.step("advance_stage")
    rooms.check("guidelines", STAGE | {"guidelines": "#stage-guidelines"}, "room-guidelines.png")
    at_least(rooms.font_share("#stage-guidelines"), 0.03, "a guideline's text")
    for _name, page in rooms.each():
        expect(page.locator("#stage-guidelines li")).to_have_count(7)
        # While the session runs, late arrivals find the code in a line at the foot.
        expect(page.locator(".room-join__qr")).to_be_hidden()
        expect(page.locator(".room-join__code")).to_be_visible()

    rooms.step("advance_stage")
    rooms.check("between", STAGE, "room-between.png")
    rooms.step("start_round", order_policy="join_order")
    rooms.check("speaking", STAGE | SPEAKER | NEXT, "room-speaking.png")
    at_least(rooms.share_of_height("#room-speaker .room-speaker__name"), 0.13, "the name")
    at_least(rooms.font_share("#room-speaker .countdown"), 0.15, "the speaker's clock")

    rooms.step("pause_session")
    rooms.check("speaking", {"pause": "#paused-note"} | SPEAKER)
    at_least(rooms.font_share("#paused-note"), 0.04, "the pause banner's words")
    rooms.step("resume_session")

    rooms.step("change_settings", settings={"show_numbers_to_participants": False})
    rooms.check("speaking", SPEAKER, "room-numbers-hidden.png")
    at_least(rooms.share_of_height("#room-speaker .countdown"), 0.14, "the hidden-numbers ring")
    rooms.step("change_settings", settings={"show_numbers_to_participants": True})

    rooms.step("advance_stage")  # Who would like to Take Time today?
    rooms.check("between", STAGE)
    rooms.step("advance_stage")  # Taking Time 1
    rooms.check("taking_time", STAGE)
    rooms.step("choose_taker", participant_id=session.id_of("Alexandra Wilhelmina"))
    rooms.check("taking_time", {"taker": "#room-taker"} | SPEAKER)
    rooms.step("set_agreed_question", question=QUESTION)
    rooms.step("start_round", order_policy="join_order")
    rooms.check("taking_time", TAKING | SPEAKER | NEXT, "room-taking-time.png")
    for _name, page in rooms.each():
        expect(page.locator("#room-question blockquote")).to_have_text(QUESTION)
        expect(page.locator("#room-taker")).to_have_text("Alexandra Wilhelmina")

    stages = {s["title"]: s["id"] for s in session.view()["stages"]}
    rooms.step("go_to_stage", stage_id=stages["Comfort and refreshment break"])
    rooms.check("break", STAGE | BREAK, "room-break.png")
    at_least(rooms.font_share("#room-break-time .countdown"), 0.25, "the break's countdown")
    timer = session.view()["current_stage"]["timer"]
    ends_at = timer["started_at"] + timer["budget_s"] - timer["accumulated_s"]
    back = f"Back at {back_at_text(ends_at, ZoneInfo(SERVER_ZONE))}"
    for _name, page in rooms.each():
        expect(page.locator("#room-back-at")).to_have_text(back)
        assert re.fullmatch(r"Back at \d{1,2}:\d\d [ap]m", back)
    rooms.step("pause_session")
    for _name, page in rooms.each():
        expect(page.locator("#room-back-at")).to_have_count(0)
        expect(page.locator("#paused-note")).to_be_visible()
    rooms.step("resume_session")

    rooms.step("end_session")
    rooms.check("ended", {"status": "#room-status-heading"}, "room-ended.png")
    for _name, page in rooms.each():
        expect(page.locator("#room-status-heading")).to_have_text("Thank you for being here")
        # Nothing to join any more: the code leaves the screen as the session ends...
        expect(page.locator("#room-join")).to_be_hidden()
    # ...and a room view opened afterwards does not show it at all.
    later = screens.live(session.room_url, SIZES["1280x720"])
    expect(later.locator("#room-status-heading")).to_have_text("Thank you for being here")
    expect(later.locator("#room-join")).to_have_count(0)

    print(f"room view checked in {len(rooms.checked)} states at {len(SIZES)} sizes")
    assert not rooms.problems, "\n".join(rooms.problems)


def test_a_seeds_eighteen_guidelines_stay_on_the_screen(
    screens: Screens, zoned_server: LiveServer, shots: Path
) -> None:
    """Stronger Together reads eighteen guidelines, some of two lines: smaller, in two columns,
    and all of them on the screen at both sizes."""
    request = new_session_request() | {"template_key": "stronger-together-grief-support"}
    with zoned_server.api() as api:
        session = Session(zoned_server, created_session(api.post("/api/sessions", json=request)))
    rooms = Rooms(screens, session, shots)
    rooms.step("start_session")
    rooms.step("advance_stage")
    rooms.check(
        "guidelines", STAGE | {"guidelines": "#stage-guidelines"}, "room-guidelines-eighteen.png"
    )
    for _name, page in rooms.each():
        expect(page.locator("#stage-guidelines li")).to_have_count(18)
    at_least(rooms.font_share("#stage-guidelines"), 0.024, "a guideline's text")
    assert not rooms.problems, "\n".join(rooms.problems)
