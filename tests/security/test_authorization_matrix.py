"""Who may run which command: every command type, for every role, in its own session or another.

Through the real JSON API in-process (the websocket endpoint hands the same actor, proven by the
same token, to the same hub). The setting is a live round in session A:

- Sam and Ana facilitate; Priya is admitted and speaking; Tom is admitted and waits his turn;
  Wen is in the waiting room. Session B is another session, facilitated by Zed.

Roles: the facilitator (Sam); a participant acting on herself (Priya, naming herself where a
command names someone); a participant acting on someone else (Priya naming Tom); a participant
still in the waiting room (Wen); the room view; and each of those holding a token of session A
used on session B, which is also how a facilitator of another session (Zed, with B's token, on A)
is tried. A denied command changes nothing: the session's version stays where it was.
"Allowed" means authorization lets it through; the engine may still say it has nothing to do
(the round has already started) or that it does not fit the moment (no Taking Time is on).
What is expected comes from each command's declaration (`senders` in app/session/commands.py,
and `what_to_do_instead` on the commands only the server sends, which every client is refused),
so a new command is covered as soon as it exists; PINNED keeps a few facts by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.session import commands as c
from app.session.command_base import CommandBase
from app.session.command_base import Role as Sender
from app.session.commands import SERVER_ONLY, Command
from app.web.rate_limits import RateLimitPolicy, RateLimits
from tests.support.api import accepted, client_of, command, join, new_session, version_of

# Every command for every role, own session and another: some 400 cases, a long run.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]

Role = Literal["facilitator", "self", "other", "waiting", "room"]
ROLES: tuple[Role, ...] = ("facilitator", "self", "other", "waiting", "room")
A, D, NA = "allow", "deny", "n/a"  # NA: the command names nobody, so nobody else to act on

COMMAND_TYPES: tuple[type[CommandBase], ...] = get_args(get_args(Command)[0])


def declared(kind: type[CommandBase]) -> tuple[str, str, str, str, str]:
    """The row the command's own declaration (`senders`) promises, in the ROLES' order."""
    if kind.what_to_do_instead is not None:
        return (D, D, NA, D, D)  # only the server sends it: no client may
    participant = A if Sender.PARTICIPANT in kind.senders else D
    return (
        A if Sender.FACILITATOR in kind.senders else D,
        participant,
        # A participant acts for nobody else, whatever the command.
        D if "participant_id" in kind.model_fields else NA,
        # From the waiting room one may leave.
        participant if kind is c.Leave else D,
        D,  # the room view only watches
    )


EXPECTED: dict[str, tuple[str, str, str, str, str]] = {
    kind.model_fields["type"].default: declared(kind) for kind in COMMAND_TYPES
}

# Facts written out by hand, so that a wrong declaration fails here and not only in production.
PINNED: dict[tuple[str, Role], str] = {
    **{(kind, "room"): D for kind in EXPECTED},
    ("admit", "self"): D,
    ("admit", "other"): D,
    ("remove_participant", "self"): D,
    ("remove_participant", "other"): D,
    ("readmit", "self"): D,
    ("readmit", "other"): D,
    ("acknowledge_hand", "self"): D,
    ("acknowledge_hand", "other"): D,
    ("end_session", "self"): D,
    ("raise_hand", "facilitator"): D,
    # After the end, a facilitator marks the follow-up of support requests done; nobody else.
    ("follow_up_done", "facilitator"): A,
    ("follow_up_done", "self"): D,
    ("share", "facilitator"): A,
    ("share", "self"): A,
    ("share", "other"): D,
    ("pause_timer", "self"): A,  # the speaker, or a facilitator
    ("leave", "waiting"): A,  # it is OK to leave, even from the waiting room
    # Sent by the server for the group page, create_session and join by the server alone.
    ("record_name_check", "facilitator"): D,
    ("forget_member", "facilitator"): D,
    ("set_support_resources", "facilitator"): D,
    ("create_session", "facilitator"): D,
    ("join", "self"): D,
    ("record_outage", "facilitator"): D,  # only the server knows when it was away
    ("record_outage", "self"): D,
}


def test_the_declarations_keep_the_pinned_facts() -> None:
    for (kind, role), expected in PINNED.items():
        assert EXPECTED[kind][ROLES.index(role)] == expected, (kind, role)


@dataclass
class World:
    """Session A in a live round, and session B beside it."""

    api: httpx.AsyncClient
    a: dict[str, Any]
    b: dict[str, Any]
    ids: dict[str, str]
    tokens: dict[str, str]

    @property
    def sam(self) -> str:
        return str(self.a["facilitators"][0]["token"])

    @property
    def zed(self) -> str:
        return str(self.b["facilitators"][0]["token"])

    def token_of(self, role: Role) -> str:
        if role == "facilitator":
            return self.sam
        if role == "room":
            return str(self.a["room"]["token"])
        return self.tokens["Wen" if role == "waiting" else "Priya"]

    def target_of(self, role: Role) -> str:
        """Whom a command names: Tom for facilitators and for `other`, else the sender."""
        if role in ("facilitator", "other"):
            return self.ids["Tom"]
        return self.ids["Wen" if role == "waiting" else "Priya"]


async def live_round(api: httpx.AsyncClient) -> World:
    a = await new_session(api)
    b = await new_session(api, ("Zed",))
    sid, sam = a["session_id"], a["facilitators"][0]["token"]
    ids: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for name in ("Priya", "Tom", "Wen"):
        joined = await join(api, sid, name)
        ids[name], tokens[name] = joined["participant_id"], joined["token"]
    for name in ("Priya", "Tom"):
        await accepted(api, sid, sam, "admit", participant_id=ids[name])
    for kind in ("start_session", "advance_stage"):
        await accepted(api, sid, sam, kind)
    await accepted(api, sid, sam, "start_round", order_policy="join_order")
    return World(api, a, b, ids, tokens)


def fields_for(kind: str, world: World, role: Role) -> dict[str, Any]:
    """A well-formed command of `kind`, naming whom `role` acts on where it names anyone."""
    target = world.target_of(role)
    fields: dict[str, dict[str, Any]] = {
        "create_session": {
            "title": "Again",
            "group_name": "Riverside",
            "template_key": "peer-support-plus-weekly",
            "facilitators": [{"id": "f9", "name": "Mallory"}],
        },
        "go_to_stage": {"stage_id": "s1"},
        "skip_stage": {"stage_id": "s3"},
        "insert_stage": {"kind": "break", "title": "A pause", "minutes": 5},
        "move_stage": {"stage_id": "s4", "to_index": 5},
        "set_stage_budget": {"stage_id": "s3", "minutes": 4},
        "accept_schedule_suggestion": {"stage_id": "s2", "share_s": 60, "speakers_to_come": 2},
        "reorder_round": {"order": [world.ids["Tom"], world.ids["Priya"]]},
        "extend_time": {"seconds": 60},
        "record_outage": {"down_at": 1_000.0, "back_at": 1_012.0},
        "join": {"name": "Again"},
        "record_name_check": {"member_id": "a-member"},
        "forget_member": {"member_id": "a-member"},
        "set_agreed_question": {"question": "What helped?"},
        "change_settings": {"settings": {"minimum_share_s": 90}},
        "set_joining": {"open": False},
        "release_promise": {"promise": "a-promise"},
    }
    names_someone = {
        "share",
        "pass",
        "pass_for_now",
        "skip_turn",
        "return_to",
        "admit",
        "remove_participant",
        "readmit",
        "step_out",
        "come_back",
        "lower_hand",
        "acknowledge_hand",
        "clear_support_request",
        "choose_taker",
    }
    chosen = dict(fields.get(kind, {}))
    if kind in names_someone:
        chosen["participant_id"] = target
    return chosen


@pytest.fixture(scope="module")
async def app_client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    data_dir: Path = tmp_path_factory.mktemp("matrix")
    app = create_app(Settings(data_dir=data_dir))
    # This is who may do what, not how often (tests/security/test_rate_limits.py): the denials
    # share one world, and one person's hundred-odd of them come faster on a quiet machine than
    # a person's allowance of commands (40 in 2 seconds) lets through.
    app.state.rate_limits = RateLimits(
        RateLimitPolicy(command_burst="10000 per 2 seconds", command_sustained="100000/minute")
    )
    async with client_of(app) as api:
        yield api


@pytest.fixture(scope="module")
async def shared_world(app_client: httpx.AsyncClient) -> World:
    """For denials only: a denial changes nothing, so they can all share one world."""
    return await live_round(app_client)


OWN_CELLS = [
    pytest.param(kind, role, EXPECTED[kind][index], id=f"{kind}-{role}")
    for kind in EXPECTED
    for index, role in enumerate(ROLES)
    if EXPECTED[kind][index] != NA
]


@pytest.mark.parametrize(("kind", "role", "expected"), OWN_CELLS)
async def test_own_session(
    kind: str, role: Role, expected: str, app_client: httpx.AsyncClient, shared_world: World
) -> None:
    # An allowed command may change the world, so it gets one of its own.
    world = shared_world if expected == D else await live_round(app_client)
    sid = world.a["session_id"]
    before = await version_of(app_client, sid, world.sam)
    token = world.token_of(role)
    response = await command(app_client, sid, token, kind, **fields_for(kind, world, role))
    body = response.json()
    if expected == A:
        assert response.status_code != 403, body
        assert body.get("code") != "not_allowed", body
        return
    assert (response.status_code, body["code"]) == (403, "not_allowed"), body
    assert await version_of(app_client, sid, world.sam) == before


ANOTHER_SESSION_CELLS = [
    pytest.param(kind, role, id=f"{kind}-{role}") for kind in EXPECTED for role in ROLES
]


@pytest.mark.parametrize(("kind", "role"), ANOTHER_SESSION_CELLS)
async def test_a_token_of_one_session_is_refused_by_another(
    kind: str, role: Role, app_client: httpx.AsyncClient, shared_world: World
) -> None:
    """Session A's tokens on session B, each role: always denied, nothing changes."""
    world = shared_world
    other = world.b["session_id"]
    before = await version_of(app_client, other, world.zed)
    token = world.token_of(role)
    response = await command(app_client, other, token, kind, **fields_for(kind, world, role))
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_allowed",
        # A command only the server sends is refused before any token is looked at.
        "message": SERVER_ONLY.get(kind, "This link is for a different session or screen."),
    }
    assert await version_of(app_client, other, world.zed) == before


@pytest.mark.parametrize("kind", list(EXPECTED))
async def test_a_facilitator_of_another_session_is_refused(
    kind: str, app_client: httpx.AsyncClient, shared_world: World
) -> None:
    """Zed facilitates session B; his token on session A is refused for every command."""
    world = shared_world
    sid = world.a["session_id"]
    before = await version_of(app_client, sid, world.sam)
    response = await command(
        app_client, sid, world.zed, kind, **fields_for(kind, world, "facilitator")
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert await version_of(app_client, sid, world.sam) == before


async def test_reading_a_view_follows_the_same_rules(shared_world: World) -> None:
    world, api = shared_world, shared_world.api
    sid, other = world.a["session_id"], world.b["session_id"]
    expected_roles: list[tuple[Role, str]] = [
        ("facilitator", "facilitator"),
        ("self", "participant"),
        ("room", "room"),
    ]
    for role, view_role in expected_roles:
        headers = {"Authorization": f"Bearer {world.token_of(role)}"}
        own = await api.get(f"/api/sessions/{sid}/view", headers=headers)
        assert own.json()["role"] == view_role
        foreign = await api.get(f"/api/sessions/{other}/view", headers=headers)
        assert foreign.status_code == 403
