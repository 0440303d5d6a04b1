"""A session's links and joining it: what the API, the pages and the group pages hand out.

A token in a link (`/enter/{token}`) is turned into an HttpOnly cookie by `enter_as`, so it
does not stay in URLs or logs.
"""

from __future__ import annotations

from fastapi import Request, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from app.plain_text import PlainName, PlainTitle
from app.realtime.hub import SessionHub
from app.realtime.registry import SessionNotCreated, new_command_id, new_id
from app.session.command_base import Actor, GroupPlan, Role
from app.session.commands import Join
from app.web.access import PAGE_OF_ROLE, cookie_name, current_token_version
from app.web.commands import submit
from app.web.cookies import keep_in_browser
from app.web.problems import Problem
from app.web.rate_limits import SESSION_JOINS_TOO_FAST, client_address, rate_limits_of
from app.web.services import Services
from app.web.tokens import Grant


class CreateSessionRequest(BaseModel):
    """A one-off session (a group's session is started from its page). `template_key`: one of
    `list_templates`; the facilitators' names in the order their links are given."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Tuesday evening",
                    "group_name": "Riverside Peer Support",
                    "template_key": "peer-support-plus-weekly",
                    "facilitator_names": ["Sam", "Ana"],
                }
            ]
        }
    )

    title: PlainTitle
    group_name: PlainTitle
    template_key: str = Field(default="peer-support-plus-weekly", max_length=120)
    facilitator_names: list[PlainName] = Field(min_length=1, max_length=6)


class Link(BaseModel):
    id: str
    name: str
    token: str
    url: str


class CreatedSession(BaseModel):
    """A session's links: each facilitator's and the room's token (keep them private) and the
    join code and link for participants."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_id": "9f2c4e1a7b3d",
                    "join_code": "KXR4TM",
                    "join_url": "https://rounds.example.org/join/KXR4TM",
                    "facilitators": [
                        {
                            "id": "f1",
                            "name": "Sam",
                            "token": "<Sam's token>",
                            "url": "https://rounds.example.org/enter/<Sam's token>",
                        }
                    ],
                    "room": {
                        "id": "room",
                        "name": "Room view",
                        "token": "<the room's token>",
                        "url": "https://rounds.example.org/enter/<the room's token>",
                    },
                }
            ]
        }
    )

    session_id: str
    join_code: str
    join_url: str
    facilitators: list[Link]
    room: Link


class Joined(BaseModel):
    """Who joined: their id in the session's views, and their own token and link."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_id": "9f2c4e1a7b3d",
                    "participant_id": "p-priya",
                    "token": "<Priya's token>",
                    "url": "https://rounds.example.org/enter/<Priya's token>",
                    "waiting_room": True,
                }
            ]
        }
    )

    session_id: str
    participant_id: str
    token: str
    url: str
    waiting_room: bool = True


def enter_url(svc: Services, token: str) -> str:
    return f"{svc.settings.base_url()}/enter/{token}"


def issue(svc: Services, hub: SessionHub, role: Role, person_id: str, token_version: int) -> str:
    """A token for `person_id`; `token_version` is the stored one (current_token_version)."""
    return svc.tokens.issue(
        Grant(session_id=hub.record.id, role=role, person_id=person_id, token_version=token_version)
    )


def links_for(svc: Services, hub: SessionHub, token_version: int | None = None) -> CreatedSession:
    """Every link of a session. `token_version` defaults to the hub's, right for a new session."""
    version = hub.record.token_secret_version if token_version is None else token_version
    facilitators = []
    for facilitator in hub.state.facilitators.values():
        token = issue(svc, hub, Role.FACILITATOR, facilitator.id, version)
        facilitators.append(
            Link(id=facilitator.id, name=facilitator.name, token=token, url=enter_url(svc, token))
        )
    room_token = issue(svc, hub, Role.ROOM, "room", version)
    return CreatedSession(
        session_id=hub.record.id,
        join_code=hub.record.join_code,
        join_url=f"{svc.settings.base_url()}/join/{hub.record.join_code}",
        facilitators=facilitators,
        room=Link(id="room", name="Room view", token=room_token, url=enter_url(svc, room_token)),
    )


async def start_session(
    svc: Services,
    *,
    title: str,
    group_name: str,
    template_key: str,
    facilitator_names: list[str],
    group_plan: GroupPlan | None = None,
) -> SessionHub:
    """A new session; a refused one is a Problem (422) saying why."""
    try:
        return await svc.registry.create(
            title=title,
            group_name=group_name,
            template_key=template_key,
            facilitator_names=facilitator_names,
            group_plan=group_plan,
        )
    except SessionNotCreated as refused:
        raise Problem(str(refused), status=status.HTTP_422_UNPROCESSABLE_CONTENT) from refused


async def join_with_code(
    request: Request, svc: Services, hub: SessionHub, name: str, word: str | None = None
) -> Joined:
    """Join with the session's code (the API or the join page), within the session's limits.

    From any address but the machine itself: at most `Settings.max_waiting` people waiting at
    once, and `Settings.joins_per_session_per_minute` joins a minute into the session, however
    many addresses they come from (docs/security.md, "Seats and the waiting room").
    """
    limits = rate_limits_of(request.app)
    if not limits.limits(client_address(request)):
        return await join_session(svc, hub, name, word=word)
    wait = limits.wait_to_join(hub.record.id)
    if wait is not None:
        raise Problem(
            SESSION_JOINS_TOO_FAST,
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            code="slow_down",
            headers={"Retry-After": str(wait)},
        )
    joined = await join_session(
        svc, hub, name, waiting_room_cap=svc.settings.max_waiting, word=word
    )
    limits.joined(hub.record.id)
    return joined


async def join_session(
    svc: Services,
    hub: SessionHub,
    name: str,
    member_id: str | None = None,
    name_check_pending: bool = False,
    waiting_room_cap: int | None = None,
    word: str | None = None,
) -> Joined:
    """Join as a new participant: by the session's code, or (member_id) by a member's link.

    A refusal (the session is full, say) is raised as a Problem.
    """
    participant_id = new_id()
    join = Join(
        id=new_command_id(),
        name=name,
        member_id=member_id,
        name_check_pending=name_check_pending,
        waiting_room_cap=waiting_room_cap,
        word=word,
    )
    await submit(hub, join, Actor(role=Role.PARTICIPANT, id=participant_id))
    token = issue(svc, hub, Role.PARTICIPANT, participant_id, await current_token_version(svc, hub))
    return Joined(
        session_id=hub.record.id,
        participant_id=participant_id,
        token=token,
        url=enter_url(svc, token),
    )


def enter_as(svc: Services, hub: SessionHub, role: Role, token: str) -> RedirectResponse:
    """Into the session's screen for `role`, the token kept in a cookie from now on."""
    response = RedirectResponse(f"/s/{hub.record.id}/{PAGE_OF_ROLE[role]}", status_code=303)
    keep_in_browser(
        response,
        svc.settings,
        cookie_name(hub.record.id, role),
        token,
        svc.settings.token_max_age_s,
    )
    return response
