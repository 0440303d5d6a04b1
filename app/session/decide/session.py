"""Setting a session up, starting it and ending it."""

from __future__ import annotations

from app.agenda.carry_over import SessionGuideline
from app.agenda.templates import TEMPLATES
from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decide.flow import close_stage, enter_stage
from app.session.decisions import Refusal, RejectionCode
from app.session.state import Facilitator, SessionStatus
from app.translatable import translatable


@handles(cmd.CreateSession)
def _create_session(draft: Draft, command: cmd.CreateSession) -> None:
    agenda = command.agenda
    guidelines = command.guidelines
    if agenda is None:
        template = TEMPLATES.get(command.template_key)
        if template is None:
            raise Refusal(
                RejectionCode.NOT_FOUND, translatable("There is no agenda template with that name.")
            )
        agenda = template.stages
        # A session that is no group's reads its seed's guidelines on a guidelines stage; a
        # group's session reads only what the group agreed, even if that is nothing yet.
        if not command.for_group and not guidelines:
            guidelines = tuple(SessionGuideline(text=text) for text in template.guidelines)
    stages = tuple(
        ev.StageSpec(
            id=f"s{number}",
            kind=plan.kind,
            title=plan.title,
            prompt=plan.prompt,
            planned_s=plan.minutes * 60,
        )
        for number, plan in enumerate(agenda, start=1)
    )
    draft.emit(
        ev.SessionCreated(
            title=command.title,
            group_name=command.group_name,
            template_key=command.template_key,
            settings=command.settings,
            facilitators=tuple(Facilitator(id=f.id, name=f.name) for f in command.facilitators),
            stages=stages,
            guidelines=guidelines,
            carried_over=command.carried_over,
            apologies=command.apologies,
            for_group=command.for_group,
            time_zone=command.time_zone,
            support_resources=command.support_resources,
        )
    )


@handles(cmd.StartSession)
def _start_session(draft: Draft, command: cmd.StartSession) -> None:
    if draft.state.status is SessionStatus.LIVE:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("The session has already started."))
    planned_s = (
        command.planned_minutes * 60
        if command.planned_minutes is not None
        else sum(s.planned_s for s in draft.state.stages)
    )
    draft.emit(ev.SessionStarted(at=draft.now, planned_end=draft.now + planned_s))
    first = draft.state.next_upcoming(-1)
    if first is not None:
        enter_stage(draft, first)


@handles(cmd.EndSession)
def _end_session(draft: Draft, command: cmd.EndSession) -> None:
    current = draft.state.current_stage
    if current is not None:
        close_stage(draft, current, skipped=False)
    draft.emit(ev.SessionEnded(at=draft.now))


@handles(cmd.PauseSession)
def _pause_session(draft: Draft, command: cmd.PauseSession) -> None:
    draft.require_live()
    if draft.state.pause is not None:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Everything is already paused."))
    draft.emit(ev.SessionPaused(at=draft.now))


@handles(cmd.ResumeSession)
def _resume_session(draft: Draft, command: cmd.ResumeSession) -> None:
    if draft.state.pause is None:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Nothing is paused just now."))
    draft.emit(ev.SessionResumed(at=draft.now))


@handles(cmd.RecordOutage)
def _record_outage(draft: Draft, command: cmd.RecordOutage) -> None:
    draft.require_live()
    if not command.down_at < command.back_at <= draft.now:
        raise Refusal(
            RejectionCode.INVALID,
            translatable("An outage ends after it begins, and not later than now."),
        )
    draft.emit(ev.ServerWasAway(down_at=command.down_at, back_at=command.back_at))
