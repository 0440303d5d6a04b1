"""Groups across weeks: the pages facilitators use between sessions, and starting a session.

Every group page and action finds the group through ``Groups.get_for(group_id, account)``:
someone who does not facilitate a group gets the same calm "not found" as for a group that
does not exist, so nothing about other groups leaks.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy
import structlog
from anyio import to_thread
from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, ValidationError

from app.accounts.identity import name_problem
from app.agenda.carry_over import (
    ACTION_LABELS,
    ActionKind,
    CarriedAction,
    SessionGuideline,
)
from app.agenda.stages import StageKind, StagePlan
from app.agenda.templates import MAX_STAGES, AgendaTemplate
from app.groups.rules import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    GroupKind,
    MeetingPattern,
    PendingAction,
    action_date_problem,
    actions_for_meeting,
    default_review_date,
    retention_cutoff,
    review_due,
    this_weeks_meeting,
    upcoming_meetings,
    welcomes_new_members,
)
from app.realtime.registry import SessionNotCreated
from app.session.commands import GroupPlan, Role
from app.session.state import Presence
from app.store.accounts import Accounts
from app.store.groups import Action, Group, GroupRecords, Groups, new_id
from app.store.templates import StoredTemplate, Templates
from app.web.access import AccessDenied, authorize, cookie_name, current_token_version
from app.web.accounts import (
    ACCOUNTS,
    SERVICES,
    AccountServices,
    SignedIn,
    install_account_errors,
    make_account_services,
    page,
    require_form,
    require_signed_in,
)
from app.web.accounts import router as accounts_router
from app.web.api import issue
from app.web.pages import enter_as
from app.web.plain_text import control_character_problem
from app.web.services import Services
from app.web.spreadsheet import plain_cell

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)

MAX_GROUP_NAME = 120
MAX_DETAIL = 300
PURGE_EVERY_S = 6 * 60 * 60
ATTENDANCE_SHOWN = 12
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class GroupNotFound(Exception):
    """No such group for this facilitator: answered with a calm 404."""


async def group_not_found_handler(request: Request, exc: Exception) -> Response:
    svc: Services = request.app.state.services
    return page(
        svc,
        request,
        "message.html",
        404,
        title="We couldn't find that group",
        message="There is no group here that you facilitate. If you were invited, please "
        "open the invitation link you were sent.",
    )


class TemplateNotFound(Exception):
    """Not a seed, and not this facilitator's own template: answered with a calm 404."""


async def template_not_found_handler(request: Request, exc: Exception) -> Response:
    svc: Services = request.app.state.services
    return page(
        svc,
        request,
        "message.html",
        404,
        title="We couldn't find that agenda template",
        message="It may have been someone else's. You can copy any of the templates listed "
        "on the agenda templates page.",
    )


def install(app: FastAPI, engine: sqlalchemy.Engine, clock: Callable[[], float]) -> None:
    """Accounts, groups and stored templates for `app`: stores, seeds, routers, error pages."""
    svc: Services = app.state.services
    templates = Templates(engine)
    templates.ensure_seeds(clock())
    app.state.account_services = make_account_services(
        Accounts(engine), Groups(engine), templates, svc.settings.resolved_secret_key(), clock
    )
    install_account_errors(app)
    # The console's housekeeping form is rendered with the live fragments too (no request).
    svc.templates.env.globals["action_kinds"] = ACTION_LABELS
    app.add_exception_handler(GroupNotFound, group_not_found_handler)
    app.add_exception_handler(TemplateNotFound, template_not_found_handler)
    app.include_router(accounts_router)
    app.include_router(router)


# --- retention: the periodic purge --------------------------------------------------------


def purge_expired(groups: Groups, today: date) -> int:
    """Forget every group's session records older than the group keeps them; how many."""
    return sum(
        groups.purge_sessions_before(group.id, retention_cutoff(today, group.retention_days))
        for group in groups.all_groups()
    )


async def purge_expired_forever(app: FastAPI, interval_s: float = PURGE_EVERY_S) -> None:
    accounts: AccountServices = app.state.account_services
    while True:
        try:
            purged = await to_thread.run_sync(purge_expired, accounts.groups, accounts.today())
        except sqlalchemy.exc.SQLAlchemyError as error:
            log.warning("retention_purge_failed", error=str(error))
        else:
            if purged:
                log.info("retention_purged", sessions=purged)
        await asyncio.sleep(interval_s)


# --- helpers --------------------------------------------------------------------------------


async def _group_for(accounts: AccountServices, me: SignedIn, group_id: str) -> Group:
    group = await to_thread.run_sync(accounts.groups.get_for, group_id, me.account.id)
    if group is None:
        raise GroupNotFound
    return group


def _known_zone(name: str) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _text_problem(text: str, what: str, limit: int) -> str | None:
    if not text:
        return f"Please enter {what}."
    if len(text) > limit:
        return f"Please keep {what} to {limit} characters or fewer."
    problem = control_character_problem(text)
    return None if problem is None else f"Please check {what}: {problem}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _member_links(svc: Services) -> URLSafeSerializer:
    return URLSafeSerializer(svc.settings.resolved_secret_key(), salt="peer-rounds-member")


async def _group_page(
    request: Request,
    svc: Services,
    accounts: AccountServices,
    me: SignedIn,
    group: Group,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
    invitation_url: str | None = None,
    form: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
) -> HTMLResponse:
    today = accounts.today(group.time_zone)

    def gather() -> dict[str, Any]:
        groups = accounts.groups
        upcoming = upcoming_meetings(group.first_meeting_on, group.meeting_pattern, today)
        return {
            "facilitators": groups.facilitator_names(group.id),
            "members": groups.members(group.id),
            "guidelines": groups.guidelines(group.id),
            "sessions": groups.sessions(group.id),
            "actions": groups.actions(group.id),
            "calendar": [
                {
                    "on": on,
                    "welcomes_new_members": welcomes_new_members(
                        group.first_meeting_on, group.meeting_pattern, on, group.new_members_every
                    ),
                    "apologies": groups.apologies(group.id, on),
                }
                for on in upcoming
            ],
        }

    records = await to_thread.run_sync(gather)
    # Read from each session's own log: only the recent ones, so the page stays quick.
    attendance = {
        s.session_id: await _attendance(svc, s.session_id)
        for s in records["sessions"][:ATTENDANCE_SHOWN]
    }
    return page(
        svc,
        request,
        "groups/group.html",
        status_code,
        me=me,
        group=group,
        today=today,
        this_week=this_weeks_meeting(group.first_meeting_on, group.meeting_pattern, today),
        attendance=attendance,
        error=error,
        notice=notice,
        invitation_url=invitation_url,
        form=form or {},
        settings=settings or _as_form(group),
        templates=await to_thread.run_sync(accounts.templates.usable_by, me.account.id),
        kinds=list(GroupKind),
        patterns=list(MeetingPattern),
        **records,
    )


def _as_form(group: Group) -> dict[str, str]:
    return {
        "name": group.name,
        "kind": group.kind.value,
        "meeting_pattern": group.meeting_pattern.value,
        "first_meeting_on": group.first_meeting_on.isoformat(),
        "meeting_time": group.meeting_time,
        "time_zone": group.time_zone,
        "where": "online" if group.online else "room",
        "venue": group.venue,
        "template_key": group.template_key,
        "retention_days": str(group.retention_days),
        "new_members_every": ""
        if group.new_members_every is None
        else str(group.new_members_every),
    }


async def _attendance(svc: Services, session_id: str) -> list[str]:
    """Who was present: derived from the session itself, never kept separately."""
    hub = await svc.registry.get(session_id)
    if hub is None:
        return []
    return [
        p.name for p in hub.state.participants.values() if p.presence is not Presence.WAITING_ROOM
    ]


# --- pages ----------------------------------------------------------------------------------


@router.get("/privacy", response_class=HTMLResponse)
async def privacy(request: Request, svc: SERVICES) -> HTMLResponse:
    return page(svc, request, "groups/privacy.html")


@router.get("/groups", response_class=HTMLResponse)
async def list_groups(request: Request, svc: SERVICES, accounts: ACCOUNTS) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    groups = await to_thread.run_sync(accounts.groups.for_facilitator, me.account.id)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    return page(
        svc,
        request,
        "groups/list.html",
        me=me,
        groups=groups,
        templates=usable,
        kinds=list(GroupKind),
        patterns=list(MeetingPattern),
        form={},
        error=None,
        password_changed=request.query_params.get("password_changed") == "1",
    )


class GroupFields(BaseModel):
    """The group form, as typed: checked by group_fields_problem() before anything is kept."""

    form_key: str = ""
    name: str = ""
    kind: str = ""
    meeting_pattern: str = ""
    first_meeting_on: str = ""
    meeting_time: str = ""
    time_zone: str = "UTC"
    where: str = "room"
    venue: str = ""
    template_key: str = ""
    retention_days: str = str(DEFAULT_RETENTION_DAYS)
    new_members_every: str = ""

    def as_typed(self) -> dict[str, str]:
        """What to show again in a refused form (trimmed, so nothing huge is echoed)."""
        return {
            "name": self.name.strip()[:MAX_GROUP_NAME],
            "kind": self.kind,
            "meeting_pattern": self.meeting_pattern,
            "first_meeting_on": self.first_meeting_on[:10],
            "meeting_time": self.meeting_time[:5],
            "time_zone": self.time_zone.strip()[:64],
            "where": self.where,
            "venue": self.venue.strip()[:MAX_DETAIL],
            "template_key": self.template_key,
            "retention_days": self.retention_days[:5],
            "new_members_every": self.new_members_every[:3],
        }


def group_fields_problem(fields: GroupFields, usable: list[StoredTemplate]) -> str | None:
    """What to change in the group form, kindly put; None when a group can be made of it."""
    problem = name_problem(fields.name.strip(), "the group's name", MAX_GROUP_NAME)
    venue = fields.venue.strip()
    retention = fields.retention_days.strip()
    every = fields.new_members_every.strip()
    checks = [
        (fields.kind in set(GroupKind), "Please choose what kind of group this is."),
        (
            fields.meeting_pattern in set(MeetingPattern),
            "Please choose how often the group meets.",
        ),
        (
            _parse_date(fields.first_meeting_on) is not None,
            "Please give the date of the first meeting.",
        ),
        (
            _TIME.match(fields.meeting_time.strip()) is not None,
            "Please give the meeting time, such as 18:30.",
        ),
        (
            _known_zone(fields.time_zone.strip()),
            "Please give the group's time zone, such as Europe/London or Pacific/Auckland.",
        ),
        (
            fields.template_key in {t.key for t in usable},
            "Please choose an agenda for the group's sessions.",
        ),
        (
            retention.isdigit() and MIN_RETENTION_DAYS <= int(retention) <= MAX_RETENTION_DAYS,
            f"Please choose how many days records are kept: between {MIN_RETENTION_DAYS} "
            f"and {MAX_RETENTION_DAYS}.",
        ),
        (
            not every or (every.isdigit() and 1 <= int(every) <= 52),
            "Please give how often new members are welcomed as a number of meetings.",
        ),
    ]
    problem = problem or next((message for ok, message in checks if not ok), None)
    if problem is None and venue:
        problem = _text_problem(venue, "the venue", MAX_DETAIL)
    return problem


def group_from(fields: GroupFields, group_id: str, created_at: float) -> Group:
    """The group the (already checked) form describes."""
    first_on = _parse_date(fields.first_meeting_on)
    assert first_on is not None, "checked by group_fields_problem()"
    every = fields.new_members_every.strip()
    return Group(
        id=group_id,
        name=fields.name.strip(),
        kind=GroupKind(fields.kind),
        meeting_pattern=MeetingPattern(fields.meeting_pattern),
        first_meeting_on=first_on,
        meeting_time=fields.meeting_time.strip(),
        time_zone=fields.time_zone.strip(),
        online=fields.where == "online",
        venue=fields.venue.strip(),
        template_key=fields.template_key,
        retention_days=int(fields.retention_days.strip()),
        new_members_every=int(every) if every else None,
        created_at=created_at,
    )


GROUP_FORM = Annotated[GroupFields, Form()]


@router.post("/groups", response_class=HTMLResponse)
async def create_group(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, fields: GROUP_FORM
) -> Response:
    me = await require_form(request, accounts, fields.form_key)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    problem = group_fields_problem(fields, usable)
    if problem is not None:
        return page(
            svc,
            request,
            "groups/list.html",
            422,
            me=me,
            groups=await to_thread.run_sync(accounts.groups.for_facilitator, me.account.id),
            templates=usable,
            kinds=list(GroupKind),
            patterns=list(MeetingPattern),
            form=fields.as_typed(),
            error=problem,
            password_changed=False,
        )
    group = group_from(fields, new_id(), accounts.clock())
    chosen = next(t for t in usable if t.key == group.template_key)
    await to_thread.run_sync(
        accounts.groups.create,
        group,
        me.account.id,
        list(chosen.template.guidelines),
        accounts.today(group.time_zone),
    )
    return RedirectResponse(f"/groups/{group.id}", status_code=303)


@router.post("/groups/{group_id}/settings", response_class=HTMLResponse)
async def change_group(
    group_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, fields: GROUP_FORM
) -> Response:
    me = await require_form(request, accounts, fields.form_key)
    group = await _group_for(accounts, me, group_id)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    problem = group_fields_problem(fields, usable)
    if problem is not None:
        return await _group_page(
            request, svc, accounts, me, group, 422, error=problem, settings=fields.as_typed()
        )
    changed = group_from(fields, group.id, group.created_at)
    await to_thread.run_sync(accounts.groups.update, changed)
    if changed.retention_days < group.retention_days:
        cutoff = retention_cutoff(accounts.today(), changed.retention_days)
        await to_thread.run_sync(accounts.groups.purge_sessions_before, group.id, cutoff)
    return RedirectResponse(f"/groups/{group.id}", status_code=303)


@router.get("/groups/{group_id}", response_class=HTMLResponse)
async def show_group(
    group_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    group = await _group_for(accounts, me, group_id)
    return await _group_page(request, svc, accounts, me, group)


# --- co-facilitators --------------------------------------------------------------------------


@router.post("/groups/{group_id}/invitations", response_class=HTMLResponse)
async def invite(
    group_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    token = secrets.token_urlsafe(24)
    await to_thread.run_sync(
        accounts.groups.invite, _hash(token), group.id, me.account.id, accounts.clock()
    )
    url = f"{svc.settings.base_url()}/invitations/{token}"
    return await _group_page(request, svc, accounts, me, group, invitation_url=url)


@router.get("/invitations/{token}", response_class=HTMLResponse)
async def invitation(
    token: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    group = await to_thread.run_sync(accounts.groups.invitation_group, _hash(token))
    if group is None:
        return _spent_invitation(svc, request)
    return page(svc, request, "groups/invitation.html", me=me, group=group, token=token)


def _spent_invitation(svc: Services, request: Request) -> HTMLResponse:
    return page(
        svc,
        request,
        "message.html",
        404,
        title="This invitation can't be used",
        message="It may have been used already. Please ask the facilitator who invited you "
        "for a new link.",
    )


@router.post("/invitations/{token}")
async def accept_invitation(
    token: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group_id = await to_thread.run_sync(accounts.groups.accept, _hash(token), me.account.id)
    if group_id is None:
        return _spent_invitation(svc, request)
    return RedirectResponse(f"/groups/{group_id}", status_code=303)


# --- members, name checks, apologies --------------------------------------------------------


@router.post("/groups/{group_id}/members", response_class=HTMLResponse)
async def add_member(
    group_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    preferred_name: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    name = preferred_name.strip()
    problem = name_problem(name, "their preferred name")
    if problem is not None:
        return await _group_page(
            request,
            svc,
            accounts,
            me,
            group,
            422,
            error=problem,
            form={"preferred_name": name[:40]},
        )
    await to_thread.run_sync(
        accounts.groups.add_member, group.id, name, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/name-check")
async def record_name_check(
    group_id: str,
    member_id: str,
    request: Request,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    await to_thread.run_sync(
        accounts.groups.record_name_check, group.id, member_id, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/remove")
async def remove_member(
    group_id: str,
    member_id: str,
    request: Request,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    await to_thread.run_sync(accounts.groups.remove_member, group.id, member_id)
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/link", response_class=HTMLResponse)
async def member_link(
    group_id: str,
    member_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    members = await to_thread.run_sync(accounts.groups.members, group.id)
    member = next((m for m in members if m.id == member_id), None)
    if member is None:
        raise GroupNotFound
    token = _member_links(svc).dumps([group.id, member.id])
    url = f"{svc.settings.base_url()}/apologies/{token}"
    return await _group_page(
        request,
        svc,
        accounts,
        me,
        group,
        notice=f"{member.preferred_name}'s own link, to send apologies or suggest a guideline "
        f"(share it only with them): {url}",
    )


def _member_of_link(
    svc: Services, accounts: AccountServices, token: str
) -> tuple[Group, str] | None:
    try:
        group_id, member_id = _member_links(svc).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    group = accounts.groups.get(str(group_id))
    if group is None:
        return None
    member = next((m for m in accounts.groups.members(group.id) if m.id == member_id), None)
    return None if member is None else (group, member.id)


def _member_page(
    svc: Services,
    request: Request,
    accounts: AccountServices,
    group: Group,
    token: str,
    status_code: int = 200,
    **outcome: object,
) -> HTMLResponse:
    """A member's own page (from their link): apologies, and a guideline to propose."""
    upcoming = upcoming_meetings(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    context: dict[str, object] = {"sent": None, "proposed": None, "error": None, **outcome}
    return page(
        svc,
        request,
        "groups/apologies.html",
        status_code,
        group=group,
        token=token,
        meetings=upcoming,
        **context,
    )


@router.get("/apologies/{token}", response_class=HTMLResponse)
async def apologies_form(
    token: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> HTMLResponse:
    found = await to_thread.run_sync(_member_of_link, svc, accounts, token)
    if found is None:
        return _unknown_member_link(svc, request)
    group, _member_id = found
    return _member_page(svc, request, accounts, group, token)


def _unknown_member_link(svc: Services, request: Request) -> HTMLResponse:
    return page(
        svc,
        request,
        "message.html",
        404,
        title="This link doesn't work any more",
        message="Please ask your facilitator for a new one. Thank you for letting us know.",
    )


@router.post("/apologies/{token}", response_class=HTMLResponse)
async def send_apologies(
    token: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    meeting_on: Annotated[str, Form()] = "",
) -> HTMLResponse:
    found = await to_thread.run_sync(_member_of_link, svc, accounts, token)
    if found is None:
        return _unknown_member_link(svc, request)
    group, member_id = found
    upcoming = upcoming_meetings(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    chosen = _parse_date(meeting_on)
    if chosen is None or chosen not in upcoming:
        return _member_page(
            svc,
            request,
            accounts,
            group,
            token,
            422,
            error="Please choose one of the meetings listed.",
        )
    await to_thread.run_sync(accounts.groups.send_apology, member_id, chosen, accounts.clock())
    return _member_page(svc, request, accounts, group, token, sent=chosen)


@router.post("/apologies/{token}/guideline", response_class=HTMLResponse)
async def member_proposes_guideline(
    token: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    text: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Any member may propose a guideline; the group agrees it (or not) at a meeting."""
    found = await to_thread.run_sync(_member_of_link, svc, accounts, token)
    if found is None:
        return _unknown_member_link(svc, request)
    group, _member_id = found
    wording = text.strip()
    problem = _text_problem(wording, "the guideline", MAX_DETAIL)
    if problem is not None:
        return _member_page(svc, request, accounts, group, token, 422, error=problem)
    await to_thread.run_sync(
        accounts.groups.propose_guideline, group.id, wording, accounts.today(group.time_zone)
    )
    return _member_page(svc, request, accounts, group, token, proposed=wording)


# --- guidelines -----------------------------------------------------------------------------


@router.post("/groups/{group_id}/guidelines", response_class=HTMLResponse)
async def propose_guideline(
    group_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    wording = text.strip()
    problem = _text_problem(wording, "the guideline", MAX_DETAIL)
    if problem is not None:
        return await _group_page(
            request, svc, accounts, me, group, 422, error=problem, form={"guideline": wording[:300]}
        )
    await to_thread.run_sync(
        accounts.groups.propose_guideline, group.id, wording, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#guidelines", status_code=303)


@router.post("/groups/{group_id}/guidelines/{guideline_id}/agree", response_class=HTMLResponse)
async def agree_guideline(
    group_id: str,
    guideline_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    review_on: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    today = accounts.today(group.time_zone)
    review = _parse_date(review_on) if review_on.strip() else default_review_date(today)
    if review is None or review <= today:
        return await _group_page(
            request,
            svc,
            accounts,
            me,
            group,
            422,
            error="Please choose a review date after today.",
        )
    await to_thread.run_sync(accounts.groups.agree_guideline, group.id, guideline_id, today, review)
    return RedirectResponse(f"/groups/{group.id}#guidelines", status_code=303)


# --- housekeeping actions -------------------------------------------------------------------


def action_problem(
    kind: str, detail: str, peer_name: str, due_on: date | None, today: date
) -> str | None:
    if kind not in set(ActionKind):
        return "Please choose what kind of action this is."
    problem = _text_problem(detail, "what was agreed", MAX_DETAIL)
    if problem is None and ActionKind(kind).names_a_peer:
        problem = name_problem(peer_name, "the peer's preferred name")
    if problem is None and due_on is None:
        return "Please give the date of the meeting this action is for."
    if problem is None and due_on is not None:
        problem = action_date_problem(due_on, today)
    return problem


def _new_action(kind: str, detail: str, peer_name: str, due_on: date, at: float) -> Action:
    action_kind = ActionKind(kind)
    return Action(
        id=new_id(),
        kind=action_kind,
        detail=detail,
        peer_name=peer_name if action_kind.names_a_peer else None,
        due_on=due_on,
        recorded_at=at,
    )


@router.post("/groups/{group_id}/actions", response_class=HTMLResponse)
async def record_action(
    group_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    detail: Annotated[str, Form()] = "",
    peer_name: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    due = _parse_date(due_on)
    today = accounts.today(group.time_zone)
    problem = action_problem(kind, detail.strip(), peer_name.strip(), due, today)
    if problem is not None or due is None:
        form = {"detail": detail.strip()[:300], "peer_name": peer_name.strip()[:40]}
        return await _group_page(request, svc, accounts, me, group, 422, error=problem, form=form)
    action = _new_action(kind, detail.strip(), peer_name.strip(), due, accounts.clock())
    await to_thread.run_sync(accounts.groups.add_action, group.id, action)
    return RedirectResponse(f"/groups/{group.id}#actions", status_code=303)


@router.post("/groups/sessions/{session_id}/actions", response_class=HTMLResponse)
async def record_action_from_console(
    session_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    kind: Annotated[str, Form()] = "",
    detail: Annotated[str, Form()] = "",
    peer_name: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
) -> Response:
    """The console's summary-stage form: the console's own link is the facilitator's proof."""
    hub = await svc.registry.get(session_id)
    group_id = await to_thread.run_sync(accounts.groups.group_of_session, session_id)
    if hub is None or group_id is None:
        raise GroupNotFound
    try:
        await authorize(
            svc,
            request.cookies.get(cookie_name(session_id, Role.FACILITATOR)),
            hub,
            Role.FACILITATOR,
        )
    except AccessDenied as denied:
        return page(
            svc,
            request,
            "message.html",
            denied.status,
            title="Please use your link",
            message=denied.message,
        )
    group = await to_thread.run_sync(accounts.groups.get, group_id)
    if group is None:
        raise GroupNotFound
    due = _parse_date(due_on)
    today = accounts.today(group.time_zone)
    problem = action_problem(kind, detail.strip(), peer_name.strip(), due, today)
    if problem is not None or due is None:
        return page(
            svc,
            request,
            "groups/action_result.html",
            422,
            title="That action wasn't recorded",
            error=problem,
            recorded=None,
            console_url=f"/s/{session_id}/console",
        )
    action = _new_action(kind, detail.strip(), peer_name.strip(), due, accounts.clock())
    await to_thread.run_sync(accounts.groups.add_action, group_id, action)
    return page(
        svc,
        request,
        "groups/action_result.html",
        title="Recorded for next time",
        error=None,
        recorded=action,
        console_url=f"/s/{session_id}/console",
    )


# --- starting this week's session -----------------------------------------------------------


def session_plan(
    accounts: AccountServices, group: Group, meeting_on: date, template: StoredTemplate
) -> tuple[GroupPlan, list[str]]:
    """What the session brings from the group, and the ids of the actions it carries."""
    groups = accounts.groups
    guidelines = tuple(
        SessionGuideline(text=g.text, review_due=review_due(g.review_on, meeting_on))
        for g in groups.guidelines(group.id)
        if g.agreed_on is not None
    )
    actions = groups.actions(group.id)
    carried_ids = actions_for_meeting(
        (PendingAction(a.id, a.kind, a.due_on, a.carried_into) for a in actions), meeting_on
    )
    carried = tuple(
        CarriedAction(kind=a.kind, detail=a.detail, peer_name=a.peer_name)
        for a in actions
        if a.id in carried_ids
    )
    plan = GroupPlan(
        agenda=template.template.stages,
        guidelines=guidelines,
        carried_over=carried,
        apologies=tuple(groups.apologies(group.id, meeting_on)),
    )
    return plan, carried_ids


@router.post("/groups/{group_id}/sessions", response_class=HTMLResponse)
async def start_this_weeks_session(
    group_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    meeting_on = this_weeks_meeting(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    held = await to_thread.run_sync(accounts.groups.sessions, group.id)
    already = next((s for s in held if s.meeting_on == meeting_on), None)
    if already is not None:
        # Pressed again (or by a co-facilitator): back to the same session, never a second one.
        return await _rejoin(svc, already.session_id, me)
    template = await to_thread.run_sync(accounts.templates.latest, group.template_key)
    if meeting_on is None or template is None:
        return await _group_page(
            request,
            svc,
            accounts,
            me,
            group,
            409,
            error="There is no meeting of this group in the coming week, so there is no "
            "session to start yet.",
        )
    plan, carried_ids = await to_thread.run_sync(
        session_plan, accounts, group, meeting_on, template
    )
    others = [
        n
        for n in await to_thread.run_sync(accounts.groups.facilitator_names, group.id)
        if n != me.account.display_name
    ]
    try:
        hub = await svc.registry.create(
            title=f"{meeting_on:%A} {meeting_on.day} {meeting_on:%B}",
            group_name=group.name,
            template_key=template.key,
            facilitator_names=[me.account.display_name, *others][:6],
            group_plan=plan,
        )
    except SessionNotCreated as refused:
        return await _group_page(request, svc, accounts, me, group, 422, error=str(refused))
    await to_thread.run_sync(
        accounts.groups.record_session,
        group.id,
        hub.record.id,
        meeting_on,
        accounts.clock(),
        carried_ids,
    )
    starter = next(iter(hub.state.facilitators))
    token = issue(svc, hub, Role.FACILITATOR, starter, hub.record.token_secret_version)
    return enter_as(svc, hub, Role.FACILITATOR, token)


async def _rejoin(svc: Services, session_id: str, me: SignedIn) -> Response:
    hub = await svc.registry.get(session_id)
    if hub is None:
        raise GroupNotFound
    facilitators = hub.state.facilitators.values()
    mine = next((f for f in facilitators if f.name == me.account.display_name), None)
    person = (mine or next(iter(facilitators))).id
    version = await current_token_version(svc, hub)
    return enter_as(svc, hub, Role.FACILITATOR, issue(svc, hub, Role.FACILITATOR, person, version))


# --- retention, export, purge -----------------------------------------------------------------


@router.post("/groups/{group_id}/purge", response_class=HTMLResponse)
async def purge_group(
    group_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    confirm_name: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    group = await _group_for(accounts, me, group_id)
    if confirm_name.strip() != group.name:
        return await _group_page(
            request,
            svc,
            accounts,
            me,
            group,
            422,
            error="To remove the group, please type its name exactly as shown. Nothing has "
            "been removed.",
        )
    await to_thread.run_sync(accounts.groups.purge_group, group.id)
    return RedirectResponse("/groups", status_code=303)


def export_document(records: GroupRecords) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(asdict(records), default=str))
    return document


@router.get("/groups/{group_id}/export.json")
async def export_json(group_id: str, request: Request, accounts: ACCOUNTS) -> Response:
    me = await require_signed_in(request, accounts)
    group = await _group_for(accounts, me, group_id)
    records = await to_thread.run_sync(accounts.groups.records, group)
    return Response(
        json.dumps(export_document(records), ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="group-records.json"'},
    )


@router.get("/groups/{group_id}/export.csv")
async def export_csv(group_id: str, request: Request, accounts: ACCOUNTS) -> Response:
    me = await require_signed_in(request, accounts)
    group = await _group_for(accounts, me, group_id)
    records = await to_thread.run_sync(accounts.groups.records, group)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record", "date", "kind", "detail", "name"])
    for member in records.members:
        writer.writerow(["member", member.added_on, "", "", plain_cell(member.preferred_name)])
    for guideline in records.guidelines:
        writer.writerow(
            ["guideline", guideline.agreed_on or "", "", plain_cell(guideline.text), ""]
        )
    for session in records.sessions:
        writer.writerow(["session", session.meeting_on, "", "", ""])
    for action in records.actions:
        writer.writerow(
            [
                "action",
                action.due_on,
                action.kind.value,
                plain_cell(action.detail),
                plain_cell(action.peer_name or ""),
            ]
        )
    for name, on in records.apologies:
        writer.writerow(["apology", on, "", "", plain_cell(name)])
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="group-records.csv"'},
    )


# --- agenda templates ---------------------------------------------------------------------------


@router.get("/templates", response_class=HTMLResponse)
async def list_templates(request: Request, svc: SERVICES, accounts: ACCOUNTS) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    return page(svc, request, "groups/templates.html", me=me, templates=usable)


async def _usable_template(accounts: AccountServices, me: SignedIn, key: str) -> StoredTemplate:
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    found = next((t for t in usable if t.key == key), None)
    if found is None:
        raise TemplateNotFound
    return found


BLANK_STAGE_ROWS = 3


@router.get("/templates/{key}", response_class=HTMLResponse)
async def edit_template(
    key: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    stored = await _usable_template(accounts, me, key)
    return _template_page(svc, request, me, stored, stored.template, None)


def _template_page(
    svc: Services,
    request: Request,
    me: SignedIn,
    stored: StoredTemplate,
    shown: AgendaTemplate | dict[str, Any],
    error: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        svc,
        request,
        "groups/template_edit.html",
        status_code,
        me=me,
        stored=stored,
        shown=shown,
        blank_rows=BLANK_STAGE_ROWS,
        stage_kinds=list(StageKind),
        mine=stored.owner_account_id == me.account.id,
        error=error,
    )


@router.post("/templates/{key}", response_class=HTMLResponse)
async def save_template(
    key: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    guidelines: Annotated[str, Form()] = "",
    stage_kind: Annotated[list[str] | None, Form()] = None,
    stage_title: Annotated[list[str] | None, Form()] = None,
    stage_minutes: Annotated[list[str] | None, Form()] = None,
    stage_prompt: Annotated[list[str] | None, Form()] = None,
) -> Response:
    me = await require_form(request, accounts, form_key)
    stored = await _usable_template(accounts, me, key)
    rows = list(
        zip(
            stage_kind or [],
            stage_title or [],
            stage_minutes or [],
            stage_prompt or [],
            strict=False,
        )
    )[: MAX_STAGES + BLANK_STAGE_ROWS]
    shown = {
        "name": name.strip()[:120],
        "description": description.strip()[:600],
        "guidelines": [line.strip()[:300] for line in guidelines.splitlines() if line.strip()],
        "stages": [
            {"kind": k, "title": t.strip()[:120], "minutes": m[:6], "prompt": p.strip()[:300]}
            for k, t, m, p in rows
            if t.strip()
        ],
    }
    problem = _template_problem(name, description, guidelines, rows)
    if problem is None:
        mine = stored.owner_account_id == me.account.id
        try:
            template = AgendaTemplate(
                key=key if mine else f"{key.split('~')[0]}~{new_id().lower()}",
                name=name,
                description=description.strip(),
                stages=tuple(
                    StagePlan(
                        kind=StageKind(k),
                        title=t.strip(),
                        minutes=float(m),
                        prompt=p.strip() or None,
                    )
                    for k, t, m, p in rows
                    if t.strip()
                ),
                guidelines=tuple(line for line in guidelines.splitlines() if line.strip()),
            )
        except (ValidationError, ValueError):
            problem = (
                "Please check each agenda item: a title of up to 120 characters, a kind, "
                "and between 1 and 240 minutes."
            )
        else:
            await to_thread.run_sync(
                accounts.templates.save, template, me.account.id, accounts.clock()
            )
            return RedirectResponse(f"/templates/{template.key}?saved=1", status_code=303)
    return _template_page(svc, request, me, stored, shown, problem, 422)


def _template_problem(
    name: str, description: str, guidelines: str, rows: list[tuple[str, str, str, str]]
) -> str | None:
    stages = [row for row in rows if row[1].strip()]
    if not stages:
        return (
            "A session needs at least one agenda item. Please give at least one item a "
            "title. Nothing has been saved."
        )
    problem = name_problem(name.strip(), "the template's name", 120)
    for line in [description, *guidelines.splitlines()]:
        problem = problem or (
            None
            if control_character_problem(line) is None
            else "Please check the wording: " + str(control_character_problem(line))
        )
    if problem is None and len(stages) > MAX_STAGES:
        problem = f"Please keep the agenda to {MAX_STAGES} items or fewer."
    if problem is None and any(k not in set(StageKind) for k, _t, _m, _p in stages):
        problem = "Please choose a kind for each agenda item."
    return problem
