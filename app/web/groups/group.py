"""A group itself: the list of one's groups, making a group, its page and its settings."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from app.accounts.identity import name_problem
from app.groups.meeting_times import MeetingTime, meeting_time
from app.groups.rules import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    GroupKind,
    MeetingPattern,
    retention_cutoff,
    upcoming_meetings,
)
from app.groups.support_resources import PLACEHOLDERS
from app.groups.time_zones import MAX_ZONE_NAME, pickable_zones, zone_named
from app.store.groups import Group, new_id
from app.store.templates import StoredTemplate
from app.translatable import Words, translatable
from app.web.account_services import AccountServices
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.form_values import (
    MAX_DETAIL,
    known_zones,
    parse_date,
    text_problem,
    zone_problem,
)
from app.web.groups.group_page import group_page
from app.web.languages import SOURCE_LANGUAGE, gettext
from app.web.rendering import page
from app.web.services import Services
from app.web.signing_in import SignedIn, require_form, require_signed_in

router = APIRouter(include_in_schema=False)

MAX_GROUP_NAME = 120
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
RETENTION_BETWEEN = translatable(
    "Please choose how many days records are kept: between %(least)s and %(most)s."
)


class GroupFields(BaseModel):
    """The group form, as typed: checked by group_fields_problem() before anything is kept."""

    form_key: str = ""
    name: str = ""
    kind: str = ""
    meeting_pattern: str = ""
    first_meeting_on: str = ""
    meeting_time: str = ""
    # A form sent without the field (a script) means UTC; the page's own field starts empty
    # and proposes the browser's zone, so nobody is put in UTC without seeing it.
    time_zone: str = "UTC"
    where: str = "room"
    venue: str = ""
    template_key: str = ""
    retention_days: str = str(DEFAULT_RETENTION_DAYS)
    new_members_every: str = ""
    # A form sent without the field (a script) keeps the source language.
    language: str = SOURCE_LANGUAGE

    def as_typed(self) -> dict[str, str]:
        """What to show again in a refused form (trimmed, so nothing huge is echoed)."""
        return {
            "name": self.name.strip()[:MAX_GROUP_NAME],
            "kind": self.kind,
            "meeting_pattern": self.meeting_pattern,
            "first_meeting_on": self.first_meeting_on[:10],
            "meeting_time": self.meeting_time[:5],
            "time_zone": self.time_zone.strip()[:MAX_ZONE_NAME],
            "where": self.where,
            "venue": self.venue.strip()[:MAX_DETAIL],
            "template_key": self.template_key,
            "retention_days": self.retention_days[:5],
            "new_members_every": self.new_members_every[:3],
            "language": self.language[:16],
        }


def group_fields_problem(
    fields: GroupFields, usable: list[StoredTemplate], languages: Collection[str]
) -> str | None:
    """What to change in the group form, kindly put; None when a group can be made of it.
    `languages`: the codes this server ships."""
    problem = name_problem(fields.name.strip(), Words("the group's name"), MAX_GROUP_NAME)
    venue = fields.venue.strip()
    retention = fields.retention_days.strip()
    every = fields.new_members_every.strip()
    checks = [
        (fields.kind in set(GroupKind), translatable("Please choose what kind of group this is.")),
        (
            fields.meeting_pattern in set(MeetingPattern),
            translatable("Please choose how often the group meets."),
        ),
        (
            parse_date(fields.first_meeting_on) is not None,
            translatable("Please give the date of the first meeting."),
        ),
        (
            _TIME.match(fields.meeting_time.strip()) is not None,
            translatable("Please give the meeting time, such as 18:30."),
        ),
        (
            fields.template_key in {t.key for t in usable},
            translatable("Please choose an agenda for the group's sessions."),
        ),
        (
            retention.isdigit() and MIN_RETENTION_DAYS <= int(retention) <= MAX_RETENTION_DAYS,
            gettext(RETENTION_BETWEEN) % {"least": MIN_RETENTION_DAYS, "most": MAX_RETENTION_DAYS},
        ),
        (
            not every or (every.isdigit() and 1 <= int(every) <= 52),
            translatable("Please give how often new members are welcomed as a number of meetings."),
        ),
        (
            fields.language in languages,
            translatable("Please choose the group's language from the list."),
        ),
    ]
    problem = problem or next((gettext(message) for ok, message in checks if not ok), None)
    problem = problem or zone_problem(fields.time_zone, known_zones())
    if problem is None and venue:
        problem = text_problem(venue, translatable("the venue"))
    return problem


def group_from(fields: GroupFields, group_id: str, created_at: float) -> Group:
    """The group the (already checked) form describes."""
    first_on = parse_date(fields.first_meeting_on)
    assert first_on is not None, "checked by group_fields_problem()"
    every = fields.new_members_every.strip()
    return Group(
        id=group_id,
        name=fields.name.strip(),
        kind=GroupKind(fields.kind),
        meeting_pattern=MeetingPattern(fields.meeting_pattern),
        first_meeting_on=first_on,
        meeting_time=fields.meeting_time.strip(),
        time_zone=zone_named(fields.time_zone, known_zones()) or fields.time_zone,
        online=fields.where == "online",
        venue=fields.venue.strip(),
        template_key=fields.template_key,
        retention_days=int(fields.retention_days.strip()),
        new_members_every=int(every) if every else None,
        created_at=created_at,
        language=fields.language,
    )


GROUP_FORM = Annotated[GroupFields, Form()]


def _next_meeting(group: Group, today: date) -> MeetingTime | None:
    upcoming = upcoming_meetings(group.first_meeting_on, group.meeting_pattern, today, count=1)
    return meeting_time(upcoming[0], group.meeting_time, group.time_zone) if upcoming else None


def _groups_list(
    svc: Services,
    accounts: AccountServices,
    request: Request,
    me: SignedIn,
    groups: list[Group],
    usable: list[StoredTemplate],
    status_code: int = 200,
    form: dict[str, str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    return page(
        svc,
        request,
        "groups/list.html",
        status_code,
        me=me,
        groups=groups,
        next_meetings={g.id: _next_meeting(g, accounts.today(g.time_zone)) for g in groups},
        templates=usable,
        kinds=list(GroupKind),
        patterns=list(MeetingPattern),
        time_zones=pickable_zones(known_zones()),
        form=form or {},
        error=error,
        password_changed=status_code == 200 and request.query_params.get("password_changed") == "1",
    )


@router.get("/groups", response_class=HTMLResponse)
async def list_groups(request: Request, svc: SERVICES, accounts: ACCOUNTS) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    groups = await to_thread.run_sync(accounts.groups.for_facilitator, me.account.id)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    return _groups_list(svc, accounts, request, me, groups, usable)


@router.post("/groups", response_class=HTMLResponse)
async def create_group(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, fields: GROUP_FORM
) -> Response:
    me = await require_form(request, accounts, fields.form_key)
    usable = await to_thread.run_sync(accounts.templates.usable_by, me.account.id)
    problem = group_fields_problem(fields, usable, svc.languages.catalogs)
    if problem is not None:
        groups = await to_thread.run_sync(accounts.groups.for_facilitator, me.account.id)
        return _groups_list(
            svc, accounts, request, me, groups, usable, 422, fields.as_typed(), problem
        )
    group = group_from(fields, new_id(), accounts.clock())
    chosen = next(t for t in usable if t.key == group.template_key)
    await to_thread.run_sync(
        accounts.groups.create,
        group,
        me.account.id,
        list(chosen.template.guidelines),
        accounts.today(group.time_zone),
        PLACEHOLDERS,
    )
    return RedirectResponse(f"/groups/{group.id}", status_code=303)


@router.get("/groups/{group_id}", response_class=HTMLResponse)
async def show_group(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> HTMLResponse:
    return await group_page(request, svc, accounts, mine)


@router.post("/groups/{group_id}/settings", response_class=HTMLResponse)
async def change_group(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING, fields: GROUP_FORM
) -> Response:
    group = mine.group
    usable = await to_thread.run_sync(accounts.templates.usable_by, mine.me.account.id)
    problem = group_fields_problem(fields, usable, svc.languages.catalogs)
    if problem is not None:
        return await group_page(
            request, svc, accounts, mine, 422, error=problem, settings=fields.as_typed()
        )
    changed = group_from(fields, group.id, group.created_at)
    await to_thread.run_sync(accounts.groups.update, changed)
    if changed.retention_days < group.retention_days:
        cutoff = retention_cutoff(accounts.today(changed.time_zone), changed.retention_days)
        await to_thread.run_sync(accounts.groups.purge_sessions_before, group.id, cutoff)
    return RedirectResponse(f"/groups/{group.id}", status_code=303)
