"""Schedule projection: will the session end on time, and what share per speaker would make it?

Pure: stages come in as plain values (`StageLoad`), the time comes in as `now`. The sum of what
is left of every stage is compared with the planned end. When the session runs late, the
current (or next) round gets a suggested per-speaker share that would finish on time — never
below the group's minimum, because everybody should get a real chance to speak. Only rounds
(a Taking Time's Round of Sharing among them) are ever suggested for shortening: the break is
protected. When nothing can be shortened enough, the projection says so plainly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from app.plain_text import quoted
from app.translatable import translatable

# Within a minute either way the session is "on time": nobody should be nudged over seconds.
ON_TIME_TOLERANCE_S = 60.0
NOTHING_CAN_HELP = translatable(
    "No round can be shared more briefly and still finish on time. The group could agree to"
    " finish a little later, or close an item early."
)


class LoadStatus(StrEnum):
    UPCOMING = "upcoming"
    CURRENT = "current"
    FINISHED = "finished"


class StageLoad(BaseModel):
    """One agenda item as the schedule sees it.

    For the current stage, `remaining_s` is its timer's remaining time (negative once over).
    For a round, `speaker_left_s` is what the current speaker still has, and `speakers_to_come`
    counts everyone the round still owes a turn after them, stepped out or not (for a round not
    yet started: everyone present); `reserved_s` is what the stage keeps after its round (a
    Taking Time's reflection).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    status: LoadStatus
    planned_s: float
    is_round: bool = False
    is_break: bool = False
    remaining_s: float = 0.0
    speaker_left_s: float = 0.0
    speakers_to_come: int = 0
    reserved_s: float = 0.0


class Suggestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage_id: str
    stage_title: str
    share_s: float
    speakers_to_come: int
    # False when even the group's minimum share would still run past the planned end.
    finishes_on_time: bool
    text: str


class Projection(BaseModel):
    model_config = ConfigDict(frozen=True)

    projected_end: float
    drift_s: float
    label: str
    on_time: bool
    at_risk: tuple[StageLoad, ...]
    suggestion: Suggestion | None
    # Running late with no suggestion that finishes on time: said plainly, never a dead end.
    advice: str | None


def time_left(stage: StageLoad, minimum_share_s: float, maximum_share_s: float = math.inf) -> float:
    """What is left of one stage, in seconds."""
    if stage.status is LoadStatus.FINISHED:
        return 0.0
    if stage.status is LoadStatus.UPCOMING:
        return stage.planned_s
    left = max(stage.remaining_s, 0.0)
    if stage.is_round:
        # A round cannot end before its speakers have had at least the minimum each, and
        # needs no more than the maximum each: the rest goes back to the session.
        kept = max(stage.speaker_left_s, 0.0) + stage.reserved_s
        least = kept + stage.speakers_to_come * minimum_share_s
        most = kept + stage.speakers_to_come * max(minimum_share_s, maximum_share_s)
        left = max(min(left, most), least)
    return left


def drift_label(drift_s: float) -> str:
    if abs(drift_s) <= ON_TIME_TOLERANCE_S:
        return "on time"
    minutes = round(abs(drift_s) / 60)
    # A bare "minus 5 min" reads as late as easily as early: say which.
    return f"+{minutes} min" if drift_s > 0 else f"{minutes} min to spare"


def project(
    stages: Sequence[StageLoad],
    now: float,
    planned_end: float,
    minimum_share_s: float,
    maximum_share_s: float = math.inf,
) -> Projection:
    lefts = [time_left(stage, minimum_share_s, maximum_share_s) for stage in stages]
    projected_end = now + sum(lefts)
    drift_s = projected_end - planned_end
    on_time = abs(drift_s) <= ON_TIME_TOLERANCE_S
    late = drift_s > ON_TIME_TOLERANCE_S
    # Only a late session gets a suggestion: running early is nothing to fix, and nudging
    # a group to stretch its shares to fill the time would be pressure of another kind.
    suggestion = _suggest(stages, lefts, now, planned_end, minimum_share_s) if late else None
    helps = suggestion is not None and suggestion.finishes_on_time
    return Projection(
        projected_end=projected_end,
        drift_s=drift_s,
        label=drift_label(drift_s),
        on_time=on_time,
        at_risk=_at_risk(stages, lefts, now, planned_end),
        suggestion=suggestion,
        advice=NOTHING_CAN_HELP if late and not helps else None,
    )


def _at_risk(
    stages: Sequence[StageLoad], lefts: Sequence[float], now: float, planned_end: float
) -> tuple[StageLoad, ...]:
    """Upcoming stages that would start or end after the planned end."""
    risky: list[StageLoad] = []
    end = now
    for stage, left in zip(stages, lefts, strict=True):
        end += left
        if stage.status is LoadStatus.UPCOMING and end > planned_end + ON_TIME_TOLERANCE_S:
            risky.append(stage)
    return tuple(risky)


def _suggest(
    stages: Sequence[StageLoad],
    lefts: Sequence[float],
    now: float,
    planned_end: float,
    minimum_share_s: float,
) -> Suggestion | None:
    target_index = next(
        (
            i
            for i, stage in enumerate(stages)
            if stage.status is not LoadStatus.FINISHED
            and stage.is_round
            and not stage.is_break
            and stage.speakers_to_come > 0
        ),
        None,
    )
    if target_index is None:
        return None
    target = stages[target_index]
    others = sum(left for i, left in enumerate(lefts) if i != target_index)
    fixed = (
        max(target.speaker_left_s, 0.0) + target.reserved_s
        if target.status is LoadStatus.CURRENT
        else target.reserved_s
    )
    available = planned_end - now - others - fixed
    # Whole seconds, rounded down: easy to read, and it never tips the schedule over.
    share = math.floor(max(available, 0.0) / target.speakers_to_come)
    finishes_on_time = share >= minimum_share_s
    share_s = float(share) if finishes_on_time else minimum_share_s
    people = "each speaker" if target.speakers_to_come > 1 else "the last speaker"
    text = (
        f"{_clock(share_s)} for {people} in {quoted(target.title)} finishes on time."
        if finishes_on_time
        else f"Even the minimum ({_clock(share_s)} each) in {quoted(target.title)} "
        "will not finish on time."
    )
    return Suggestion(
        stage_id=target.id,
        stage_title=target.title,
        share_s=share_s,
        speakers_to_come=target.speakers_to_come,
        finishes_on_time=finishes_on_time,
        text=text,
    )


def round_budget_for_share(
    elapsed_s: float, speaker_left_s: float, speakers_to_come: int, share_s: float
) -> float:
    """The stage budget that leaves the current speaker their time and `share_s` to each after."""
    return elapsed_s + max(speaker_left_s, 0.0) + speakers_to_come * share_s


def _clock(seconds: float) -> str:
    whole = int(seconds)
    minutes, rest = divmod(whole, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"
