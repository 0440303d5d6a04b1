"""The facilitators' timing summary: during and after a session, with CSV and JSON exports.

Timing only, never content (app/session/airtime.py). Only facilitators of the session may
see it: participants and the room are told so calmly. The charts are inline SVG drawn here,
with presentation attributes only, so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.realtime.hub import SessionHub
from app.realtime.registry import new_command_id
from app.realtime.store_calls import in_thread
from app.session.airtime import airtime_report
from app.session.airtime_facts import AirtimeReport, RoundFact
from app.session.command_base import Role
from app.session.commands import ChangeSettings
from app.session.state import SessionSettings, SessionStatus
from app.session.views import view_for
from app.store.event_store import EventStore
from app.translatable import translatable
from app.web.access import authorize, cookie_name, not_allowed, session_hub
from app.web.commands import submit
from app.web.deps import SERVICES, TOKEN
from app.web.languages import gettext
from app.web.minutes import seconds_in
from app.web.problems import Problem, responses
from app.web.rendering import message_page
from app.web.services import Services
from app.web.spreadsheet import plain_cell
from app.web.tokens import Grant

router = APIRouter(tags=["summary"])
# Documented in the OpenAPI schema: the downloads, for a facilitator's Bearer token (or cookie).
FACILITATORS_DOWNLOAD = (
    " Timing only, never what anyone said; for the session's facilitators only (403 for any"
    " other token), during the session and after it."
)
CSV = {"text/csv": {"schema": {"type": "string"}, "example": "round,seat,name,...\r\n"}}

FOR_FACILITATORS = translatable("This page is for facilitators")
FACILITATORS_ONLY = translatable("The timing summary is for the facilitators of this session.")

CHART_WIDTH = 960
LABEL_WIDTH = 260
ROW_HEIGHT = 30
BAR_AREA_HEIGHT = 160
SETTINGS_HELP = translatable(
    "Please give the gentle cue as 0 to %(cue)s minutes, the minimum share as 0 to %(minimum)s"
    " minutes and the longest share as %(longest_from)s to %(longest_to)s minutes (2.5 is two"
    " and a half minutes). Nothing has been changed."
)
# A console page from before the settings were in minutes posts seconds under other names.
OLDER_SETTINGS_FORM = translatable(
    "This console page is from before an update. Please reload it and change the settings"
    " again. Nothing has been changed."
)
SETTINGS_SAVED = translatable("Settings saved.")
# htmx stops polling on this status (hx-trigger="every 15s" in live/schedule.html).
STOP_POLLING = 286


@dataclass(frozen=True, slots=True)
class StageBar:
    title: str
    y: float
    planned_x: float
    planned_width: float
    actual_x: float | None
    actual_width: float


@dataclass(frozen=True, slots=True)
class PersonBar:
    seat: int
    name: str
    spoken_s: float
    passes: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class RoundChart:
    round: RoundFact
    bars: tuple[PersonBar, ...]
    # Where an even split of what was spoken in the round would reach (a reference, not a goal).
    even_y: float | None


async def _facts(
    svc: Services, request: Request, session_id: str, token: str | None
) -> AirtimeReport:
    hub = await session_hub(svc, session_id)
    await _facilitator_only(svc, request, hub, token)
    return await in_thread(_report, svc.registry.store, session_id, svc.clock())


async def _facilitator_only(
    svc: Services, request: Request, hub: SessionHub, token: str | None
) -> Grant:
    """A facilitator's cookie or bearer token; any other screen of the session is refused."""
    presented = request.cookies.get(cookie_name(hub.record.id, Role.FACILITATOR)) or token
    if presented is None:
        presented = next(
            (
                found
                for role in (Role.PARTICIPANT, Role.ROOM)
                if (found := request.cookies.get(cookie_name(hub.record.id, role)))
            ),
            None,
        )
    try:
        grant = await authorize(svc, presented, hub, None)
    except Problem as denied:
        raise denied.on_page(FOR_FACILITATORS) from denied
    if grant.role is not Role.FACILITATOR:
        raise not_allowed(FACILITATORS_ONLY).on_page(FOR_FACILITATORS)
    return grant


def _report(store: EventStore, session_id: str, now: float) -> AirtimeReport:
    return airtime_report(session_id, store.load(session_id), now)


@router.get("/s/{session_id}/summary", response_class=HTMLResponse, include_in_schema=False)
async def summary_page(
    session_id: str, request: Request, svc: SERVICES, token: TOKEN
) -> HTMLResponse:
    facts = await _facts(svc, request, session_id, token)
    return svc.templates.TemplateResponse(
        request,
        "summary.html",
        {
            "facts": facts,
            "timeline": stage_timeline(facts),
            "timeline_height": ROW_HEIGHT * len(facts.stages) + ROW_HEIGHT,
            "rounds": [round_chart(r) for r in facts.rounds],
            "chart_width": CHART_WIDTH,
            "label_width": LABEL_WIDTH,
            "bar_area_height": BAR_AREA_HEIGHT,
        },
    )


@router.get(
    "/s/{session_id}/summary.json",
    operation_id="summary_json",
    summary="The timing summary as JSON",
    description="Stages as planned and as they happened, each round's airtime by seat, and"
    " the changes made to the plan." + FACILITATORS_DOWNLOAD,
    # Its example is added to the finished schema (api_docs.install_examples).
    responses={200: {"model": AirtimeReport}, **responses(401, 403, 404)},
)
async def summary_json(session_id: str, request: Request, svc: SERVICES, token: TOKEN) -> Response:
    facts = await _facts(svc, request, session_id, token)
    return Response(
        facts.model_dump_json(),
        media_type="application/json",
        headers=_download(f"peer-rounds-{session_id}-timing.json"),
    )


@router.get(
    "/s/{session_id}/summary/airtime.csv",
    response_class=Response,
    operation_id="summary_airtime_csv",
    summary="Airtime by turn, as CSV",
    description="One row a turn: round, seat, name, seconds spoken, passes, outcome and"
    " share of the round." + FACILITATORS_DOWNLOAD,
    responses={200: {"content": CSV}, **responses(401, 403, 404)},
)
async def airtime_csv(session_id: str, request: Request, svc: SERVICES, token: TOKEN) -> Response:
    facts = await _facts(svc, request, session_id, token)
    rows = (
        [
            round_.title,
            turn.seat,
            turn.name,
            round(turn.spoken_s, 1),
            turn.passes,
            turn.outcome.value,
            "" if turn.share is None else round(turn.share, 4),
        ]
        for round_ in facts.rounds
        for turn in round_.turns
    )
    header = ["round", "seat", "name", "spoken_s", "passes", "outcome", "share_of_round"]
    return _csv(f"peer-rounds-{session_id}-airtime.csv", header, rows)


@router.get(
    "/s/{session_id}/summary/stages.csv",
    response_class=Response,
    operation_id="summary_stages_csv",
    summary="Stages, planned and actual, as CSV",
    description="One row a stage: kind, status, planned start and length, and when it actually ran."
    + FACILITATORS_DOWNLOAD,
    responses={200: {"content": CSV}, **responses(401, 403, 404)},
)
async def stages_csv(session_id: str, request: Request, svc: SERVICES, token: TOKEN) -> Response:
    facts = await _facts(svc, request, session_id, token)
    rows = (
        [
            stage.title,
            stage.kind.value,
            stage.status.value,
            round(stage.planned_start_s, 1),
            round(stage.planned_s, 1),
            stage.added_during_session,
            "" if stage.actual_start_s is None else round(stage.actual_start_s, 1),
            "" if stage.actual_s is None else round(stage.actual_s, 1),
        ]
        for stage in facts.stages
    )
    header = [
        "stage",
        "kind",
        "status",
        "planned_start_s",
        "planned_s",
        "added_during_session",
        "actual_start_s",
        "actual_s",
    ]
    return _csv(f"peer-rounds-{session_id}-stages.csv", header, rows)


@router.get(
    "/s/{session_id}/summary/changes.csv",
    response_class=Response,
    operation_id="summary_changes_csv",
    summary="Time changes, as CSV",
    description="One row a change to the plan: a stage added, replanned or extended, a speaker's"
    " time extended or paused, the session paused." + FACILITATORS_DOWNLOAD,
    responses={200: {"content": CSV}, **responses(401, 403, 404)},
)
async def changes_csv(session_id: str, request: Request, svc: SERVICES, token: TOKEN) -> Response:
    facts = await _facts(svc, request, session_id, token)
    rows = (
        [change.title or "", change.kind.value, change.name or "", round(change.seconds, 1)]
        for change in facts.adjustments
    )
    header = ["stage", "change", "speaker", "seconds"]
    return _csv(f"peer-rounds-{session_id}-changes.csv", header, rows)


@router.get(
    "/s/{session_id}/console/schedule", response_class=HTMLResponse, include_in_schema=False
)
async def console_schedule(
    session_id: str, request: Request, svc: SERVICES, token: TOKEN
) -> HTMLResponse:
    """The console's schedule block as of now; 286 tells htmx to stop asking once not live."""
    hub = await session_hub(svc, session_id)
    grant = await _facilitator_only(svc, request, hub, token)
    if hub.state.status is not SessionStatus.LIVE:
        return HTMLResponse("", status_code=STOP_POLLING)
    view = view_for(hub.state, Role.FACILITATOR, grant.person_id, now=svc.clock())
    return svc.templates.TemplateResponse(
        request, "live/schedule.html", {"view": view, "session": hub.record}
    )


@router.post("/s/{session_id}/settings", response_class=HTMLResponse, include_in_schema=False)
async def change_settings(
    session_id: str,
    request: Request,
    svc: SERVICES,
    near_end_cue_min: Annotated[str | None, Form()] = None,
    minimum_share_min: Annotated[str | None, Form()] = None,
    maximum_share_min: Annotated[str | None, Form()] = None,
    sound_cue: Annotated[str | None, Form()] = None,
    alert_sound: Annotated[str | None, Form()] = None,
    hide_numbers: Annotated[str | None, Form()] = None,
) -> Response:
    """The console's settings panel: htmx gets a calm notice, a plain form post goes back.

    Lengths are typed in minutes (app/web/minutes.py); the session keeps seconds.
    """
    hub = await session_hub(svc, session_id)
    grant = await _facilitator_only(svc, request, hub, None)
    by_htmx = request.headers.get("hx-request") == "true"
    if near_end_cue_min is None or minimum_share_min is None or maximum_share_min is None:
        return _settings_answer(svc, request, hub, by_htmx, OLDER_SETTINGS_FORM, 422)
    try:
        wanted = SessionSettings.model_validate(
            {
                "near_end_cue_s": seconds_in(near_end_cue_min),
                "minimum_share_s": seconds_in(minimum_share_min),
                "maximum_share_s": seconds_in(maximum_share_min),
                "sound_cue": sound_cue is not None,
                "alert_sound": alert_sound is not None,
                "show_numbers_to_participants": hide_numbers is None,
            }
        )
    except ValueError:  # a pydantic ValidationError is a ValueError too
        return _settings_answer(svc, request, hub, by_htmx, settings_help(), 422)
    try:
        await submit(hub, ChangeSettings(id=new_command_id(), settings=wanted), grant.actor)
    except Problem as refused:
        return _settings_answer(svc, request, hub, by_htmx, refused.message, refused.status)
    return _settings_answer(svc, request, hub, by_htmx, SETTINGS_SAVED, 200)


def settings_help() -> str:
    """SETTINGS_HELP in the language of the request at hand, with the settings' bounds."""
    return gettext(SETTINGS_HELP) % {
        "cue": SessionSettings.MAX_NEAR_END_CUE_S // 60,
        "minimum": SessionSettings.MAX_MINIMUM_SHARE_S // 60,
        "longest_from": SessionSettings.MIN_MAXIMUM_SHARE_S // 60,
        "longest_to": SessionSettings.MAX_MAXIMUM_SHARE_S // 60,
    }


def _settings_answer(
    svc: Services, request: Request, hub: SessionHub, by_htmx: bool, message: str, status: int
) -> Response:
    if by_htmx:
        # htmx swaps only successful answers: a refusal is still a calm notice to read.
        return svc.templates.TemplateResponse(
            request, "live/notice.html", {"message": message, "tone": "calm"}
        )
    if status == 200:
        return RedirectResponse(f"/s/{hub.record.id}/console", status_code=303)
    return message_page(svc, request, FOR_FACILITATORS, message, status)


def _download(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }


def _csv(filename: str, header: list[str], rows: Iterable[Sequence[object]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[plain_cell(value) for value in row] for row in rows])
    return Response(
        buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=_download(filename)
    )


def stage_timeline(facts: AirtimeReport) -> tuple[StageBar, ...]:
    """Each stage as two bars on one time axis: as planned (outline) and as it happened."""
    ends = [s.planned_start_s + s.planned_s for s in facts.stages] + [
        (s.actual_start_s or 0.0) + (s.actual_s or 0.0) for s in facts.stages
    ]
    span = max([1.0, *ends])
    scale = (CHART_WIDTH - LABEL_WIDTH) / span
    return tuple(
        StageBar(
            title=stage.title,
            y=index * ROW_HEIGHT,
            planned_x=LABEL_WIDTH + stage.planned_start_s * scale,
            planned_width=stage.planned_s * scale,
            actual_x=None
            if stage.actual_start_s is None
            else LABEL_WIDTH + stage.actual_start_s * scale,
            actual_width=(stage.actual_s or 0.0) * scale,
        )
        for index, stage in enumerate(facts.stages)
    )


def round_chart(fact: RoundFact) -> RoundChart:
    """Everyone's airtime in the order they were asked: a spread to look at, not a ranking."""
    count = len(fact.turns)
    tallest = max([1.0, *(t.spoken_s for t in fact.turns)])
    slot = (CHART_WIDTH - 40) / max(count, 1)
    width = max(4.0, slot * 0.7)

    def height(seconds: float) -> float:
        return BAR_AREA_HEIGHT * seconds / tallest

    bars = tuple(
        PersonBar(
            seat=turn.seat,
            name=turn.name,
            spoken_s=turn.spoken_s,
            passes=turn.passes,
            x=40 + index * slot + (slot - width) / 2,
            y=BAR_AREA_HEIGHT - height(turn.spoken_s),
            width=width,
            height=height(turn.spoken_s),
        )
        for index, turn in enumerate(fact.turns)
    )
    even = fact.spoken_s / count if count and fact.spoken_s > 0 else None
    return RoundChart(
        round=fact, bars=bars, even_y=None if even is None else BAR_AREA_HEIGHT - height(even)
    )
