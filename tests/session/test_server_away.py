"""Time while the server was away is nobody's speaking time (docs/timekeeping.md, "When the
server was away"): the server records the outage, and every running clock waits through it."""

from __future__ import annotations

from app.session import commands as c
from app.session.airtime_facts import AdjustmentKind
from app.session.command_base import Actor, Role
from app.session.decisions import RejectionCode
from app.session.views import view_for
from tests.session.test_airtime import report
from tests.session.test_session_pause import clocks, in_round
from tests.support.engine import Driver

SERVER = Actor(role=Role.SERVER, id="server")
AWAY_S = 14.0


def server_away(d: Driver, seconds: float = AWAY_S, *, reload_after_s: float = 2.0) -> None:
    """The server goes away now, comes back `seconds` later, and loads the session a moment
    after that (a screen reconnects)."""
    down_at = d.now
    d.tick(seconds)
    back_at = d.now
    d.tick(reload_after_s)
    d.ok(SERVER, c.RecordOutage, down_at=down_at, back_at=back_at)


def test_the_speakers_and_the_items_time_left_are_as_they_were_when_the_server_went_away() -> None:
    d = in_round()
    before = clocks(d)
    server_away(d, reload_after_s=0.0)
    assert clocks(d) == before
    d.tick(10)
    assert clocks(d) == (before[0] - 10, before[1] - 10)


def test_time_after_the_server_is_back_counts_as_usual() -> None:
    d = in_round()
    before = clocks(d)
    server_away(d, reload_after_s=3.0)
    assert clocks(d) == (before[0] - 3, before[1] - 3)


def test_a_clock_that_was_not_running_is_not_touched() -> None:
    d = in_round()
    d.ok(d.person(0), c.PauseTimer)
    speaker_left = clocks(d)[1]
    server_away(d)
    assert clocks(d)[1] == speaker_left
    d.ok(d.person(0), c.ResumeTimer)
    d.tick(5)
    assert clocks(d)[1] == speaker_left - 5


def test_during_a_pause_of_everything_nothing_changes_and_carry_on_still_carries_on() -> None:
    d = in_round()
    d.ok(d.sam, c.PauseSession)
    before = clocks(d)
    server_away(d)
    assert clocks(d) == before
    d.ok(d.sam, c.ResumeSession)
    d.tick(4)
    assert clocks(d) == (before[0] - 4, before[1] - 4)


def test_the_summary_shows_the_outage_and_no_speaking_time_for_it() -> None:
    d = in_round()
    spoken_before = d.stage().active_turn.timer.elapsed(d.now)  # type: ignore[union-attr]
    server_away(d, reload_after_s=0.0)
    d.tick(5)
    facts = report(d)
    assert [(a.kind, a.stage_id, a.seconds) for a in facts.adjustments] == [
        (AdjustmentKind.SERVER_AWAY, None, AWAY_S)
    ]
    priya = next(t for r in facts.rounds for t in r.turns if t.participant_id == d.pid(0))
    assert priya.spoken_s == spoken_before + 5


def test_every_screen_is_told_once_how_long_the_server_was_away() -> None:
    d = in_round()
    for role, person in [(Role.FACILITATOR, None), (Role.PARTICIPANT, d.pid(1)), (Role.ROOM, None)]:
        assert view_for(d.state, role, person, now=d.now).server_away is None
    server_away(d, 12.0)
    notices = {
        view_for(d.state, role, person, now=d.now).server_away
        for role, person in [
            (Role.FACILITATOR, None),
            (Role.PARTICIPANT, d.pid(1)),
            (Role.ROOM, None),
        ]
    }
    assert len(notices) == 1
    notice = notices.pop()
    assert notice is not None
    assert notice.text == (
        "We lost the server for 12 s. Everyone's time waited, so nobody lost any of theirs."
    )


def test_the_rebuilt_state_is_the_live_one() -> None:
    d = in_round()
    server_away(d)
    assert d.rebuilt() == d.state


def test_no_screen_can_claim_an_outage() -> None:
    d = in_round()
    for actor in (d.sam, d.person(0), Actor(role=Role.ROOM, id="room")):
        refusal = d.refused(actor, c.RecordOutage, down_at=d.now - 20, back_at=d.now - 5)
        assert refusal.code is RejectionCode.NOT_ALLOWED


def test_the_server_speaks_for_nobody() -> None:
    d = in_round()
    assert d.refused(SERVER, c.Share).code is RejectionCode.NOT_ALLOWED


def test_an_outage_must_end_after_it_begins_and_by_now() -> None:
    d = in_round()
    for down_at, back_at in [(d.now - 5, d.now - 5), (d.now - 5, d.now - 10), (d.now, d.now + 3)]:
        refusal = d.refused(SERVER, c.RecordOutage, down_at=down_at, back_at=back_at)
        assert refusal.code is RejectionCode.INVALID


def test_before_the_session_starts_there_is_nothing_to_hold() -> None:
    d = Driver.weekly(2, start=False)
    d.tick(30)
    refusal = d.refused(SERVER, c.RecordOutage, down_at=d.now - 20, back_at=d.now - 5)
    assert refusal.code is RejectionCode.NOT_STARTED


def test_an_undo_cannot_bring_back_clocks_from_before_the_outage() -> None:
    d = in_round()
    d.ok(d.person(0), c.Share)
    assert d.state.undo_point is not None
    server_away(d)
    assert d.state.undo_point is None
