"""Accepting the schedule's suggestion: a fair share for each speaker still to come."""

from __future__ import annotations

from app.agenda.stages import StageKind
from app.plain_text import quoted
from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decisions import Refusal, RejectionCode
from app.session.schedule import is_sharing_round, stage_load
from app.session.shares import taking_time_budget_for
from app.session.state import StageStatus
from app.timekeeping.schedule import round_budget_for_share
from app.translatable import Words, translatable


@handles(cmd.AcceptScheduleSuggestion)
def _accept_schedule_suggestion(draft: Draft, command: cmd.AcceptScheduleSuggestion) -> None:
    draft.require_live()
    stage = draft.stage(command.stage_id)
    if stage.kind is StageKind.BREAK:
        raise Refusal(
            RejectionCode.INVALID,
            translatable("The break is protected: the schedule never shortens it."),
        )
    if stage.kind not in {StageKind.ROUND, StageKind.TAKING_TIME}:
        raise Refusal(
            RejectionCode.INVALID, Words("%(title)s is not a round.", title=quoted(stage.title))
        )
    load = stage_load(draft.state, stage, draft.now)
    # A Taking Time is suggested a share only during its Round of Sharing.
    if (
        stage.status in {StageStatus.DONE, StageStatus.SKIPPED}
        or not load.is_round
        or load.speakers_to_come != command.speakers_to_come
    ):
        raise Refusal(
            RejectionCode.STALE,
            Words(
                "%(title)s has moved on since that suggestion — see the new one.",
                title=quoted(stage.title),
            ),
        )
    if command.share_s < draft.state.settings.minimum_share_s:
        raise Refusal(
            RejectionCode.INVALID,
            translatable(
                "That is less than the group's minimum share; everybody keeps a real chance to "
                "speak."
            ),
        )
    elapsed_s = stage.timer.elapsed(draft.now) if stage.status is StageStatus.CURRENT else 0.0
    planned_s = round_budget_for_share(
        elapsed_s, load.speaker_left_s, load.speakers_to_come, command.share_s
    )
    if is_sharing_round(stage):
        planned_s = taking_time_budget_for(planned_s)
    draft.emit(ev.StageBudgetSet(stage_id=stage.id, planned_s=planned_s))
