"""Moving through the agenda and changing it: which item is on, what comes, how long it is."""

from __future__ import annotations

from app.plain_text import quoted
from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decide.flow import close_stage, enter_stage
from app.session.decisions import Refusal, RejectionCode
from app.session.state import StageStatus
from app.translatable import Words, translatable


@handles(cmd.AdvanceStage)
def _advance_stage(draft: Draft, command: cmd.AdvanceStage) -> None:
    draft.require_live()
    current = draft.state.current_stage
    after = -1 if current is None else draft.state.stage_index(current.id)
    following = draft.state.next_upcoming(after)
    if following is None:
        raise Refusal(
            RejectionCode.INVALID,
            translatable("This is the last agenda item. End the session when the group is ready."),
        )
    if current is not None:
        close_stage(draft, current, skipped=False)
    enter_stage(draft, draft.stage(following.id))


@handles(cmd.GoToStage)
def _go_to_stage(draft: Draft, command: cmd.GoToStage) -> None:
    draft.require_live()
    target = draft.stage(command.stage_id)
    current = draft.state.current_stage
    if current is not None and current.id == target.id:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("%(title)s is already on.", title=quoted(target.title)),
        )
    if current is not None:
        close_stage(draft, current, skipped=False)
    enter_stage(draft, draft.stage(target.id))


@handles(cmd.SkipStage)
def _skip_stage(draft: Draft, command: cmd.SkipStage) -> None:
    stage = draft.stage(command.stage_id)
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED}:
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("%(title)s is already finished.", title=quoted(stage.title)),
        )
    if stage.status is StageStatus.UPCOMING:
        draft.emit(ev.StageClosed(stage_id=stage.id, skipped=True, at=draft.now))
        return
    following = draft.state.next_upcoming(draft.state.stage_index(stage.id))
    close_stage(draft, stage, skipped=True)
    if following is not None:
        enter_stage(draft, draft.stage(following.id))


@handles(cmd.InsertStage)
def _insert_stage(draft: Draft, command: cmd.InsertStage) -> None:
    state = draft.state
    if command.after_stage_id is not None:
        index = state.stage_index(draft.stage(command.after_stage_id).id) + 1
    elif state.current_stage is not None:
        index = state.stage_index(state.current_stage.id) + 1
    else:
        index = len(state.stages)
    spec = ev.StageSpec(
        id=f"s{state.stages_created + 1}",
        kind=command.kind,
        title=command.title,
        prompt=command.prompt,
        planned_s=command.minutes * 60,
    )
    draft.emit(ev.StageInserted(stage=spec, index=index))


@handles(cmd.MoveStage)
def _move_stage(draft: Draft, command: cmd.MoveStage) -> None:
    stage = draft.stage(command.stage_id)
    if stage.status is not StageStatus.UPCOMING:
        raise Refusal(
            RejectionCode.INVALID, translatable("Only agenda items still to come can be moved.")
        )
    index = min(command.to_index, len(draft.state.stages) - 1)
    if index == draft.state.stage_index(stage.id):
        raise Refusal(
            RejectionCode.NOTHING_TO_DO,
            Words("%(title)s is already there.", title=quoted(stage.title)),
        )
    draft.emit(ev.StageMoved(stage_id=stage.id, index=index))


@handles(cmd.SetStageBudget)
def _set_stage_budget(draft: Draft, command: cmd.SetStageBudget) -> None:
    stage = draft.stage(command.stage_id)
    if stage.status in {StageStatus.DONE, StageStatus.SKIPPED}:
        raise Refusal(
            RejectionCode.INVALID,
            Words("%(title)s has already finished.", title=quoted(stage.title)),
        )
    draft.emit(ev.StageBudgetSet(stage_id=stage.id, planned_s=command.minutes * 60))
