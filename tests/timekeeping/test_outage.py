"""What counts as an outage (docs/timekeeping.md, "When the server was away"), as properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.timekeeping.outage import SHORTEST_OUTAGE_S, Outage, outage_before
from app.timekeeping.time_text import duration_text
from tests.support.engine import engine_settings

moments = st.floats(min_value=0, max_value=10_000, allow_nan=False)


@engine_settings(300)
@given(alive_at=moments, last_commit_at=st.none() | moments, serving_since=moments)
def test_an_outage_runs_from_the_last_sign_of_life_to_when_a_process_could_serve_again(
    alive_at: float, last_commit_at: float | None, serving_since: float
) -> None:
    outage = outage_before(
        alive_at=alive_at, last_commit_at=last_commit_at, serving_since=serving_since
    )
    last_sign = alive_at if last_commit_at is None else max(alive_at, last_commit_at)
    if serving_since - last_sign < SHORTEST_OUTAGE_S:
        assert outage is None
    else:
        assert outage == Outage(down_at=last_sign, back_at=serving_since)
        assert outage.seconds >= SHORTEST_OUTAGE_S


@engine_settings(100)
@given(last_commit_at=st.none() | moments, serving_since=moments)
def test_a_session_never_heartbeated_has_no_outage(
    last_commit_at: float | None, serving_since: float
) -> None:
    assert (
        outage_before(alive_at=None, last_commit_at=last_commit_at, serving_since=serving_since)
        is None
    )


def test_the_issue_example_counts_and_a_blink_does_not() -> None:
    assert outage_before(alive_at=100.0, last_commit_at=90.0, serving_since=114.0) == Outage(
        down_at=100.0, back_at=114.0
    )
    assert outage_before(alive_at=100.0, last_commit_at=None, serving_since=102.0) is None


def test_a_length_said_in_passing() -> None:
    assert [duration_text(s) for s in (0.4, 12.2, 60, 125, 3600)] == [
        "0 s",
        "12 s",
        "1 min",
        "2 min 5 s",
        "60 min",
    ]
