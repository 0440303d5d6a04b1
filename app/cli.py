"""`peer-rounds serve` runs the server; `peer-rounds demo` sets up a demo group and runs it."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import dataclasses
import gc
import logging
import os
import platform
from dataclasses import dataclass
from datetime import date, timedelta

import uvicorn
from fastapi import FastAPI

from app.accounts.passwords import hash_password
from app.agenda.carry_over import ActionKind
from app.config import Settings
from app.groups.rules import DEFAULT_RETENTION_DAYS, GroupKind, MeetingPattern
from app.groups.support_resources import PLACEHOLDERS
from app.main import create_app
from app.observability.logging import install_for_uvicorn
from app.realtime.hub import SessionHub
from app.realtime.registry import new_command_id
from app.realtime.registry import new_id as new_person_id
from app.session.command_base import Actor, Role
from app.session.commands import Admit, EndSession, Join, StartSession
from app.store.accounts import Account, EmailTaken
from app.store.groups import Action, Group, new_id
from app.web.account_services import AccountServices
from app.web.commands import submit
from app.web.connections import ConnectionLimits, ServingConfig
from app.web.groups.group_sessions import session_plan
from app.web.links import CreatedSession, links_for
from app.web.services import Services

DEMO_PEOPLE = ("Priya", "Tom", "Mere", "Lee", "Jo")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="peer-rounds", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("serve", "run the server"),
        ("demo", "create a demo group and session, print its links, then run the server"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--host", default=None)
        sub.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    limit_malloc_arenas()
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    app = create_app(settings)
    if args.command == "demo":
        links, login = asyncio.run(create_demos(app))
        print_links(links)
        print_login(login)
    config = ServingConfig(
        app,
        ConnectionLimits.of(settings),
        host=settings.host,
        port=settings.port,
        ws_max_size=settings.max_message_bytes,
        ws_ping_interval=settings.ws_ping_interval_s,
        ws_ping_timeout=settings.ws_ping_timeout_s,
        log_level=settings.log_level,
    )
    server = uvicorn.Server(config)
    install_for_uvicorn(settings.log_format, settings.log_level)
    logging.getLogger("uvicorn.error").addFilter(ClientMistakesAsWarnings())
    # What the process has loaded to serve (some 150,000 objects) lives as long as it does: out
    # of the collector's sight, a full collection under load no longer walks it each time
    # (bench/README.md, "Full collections").
    gc.freeze()
    tune_full_collections()
    server.run()


# Python's default starts a full collection after 10 collections of the middle generation.
FULL_COLLECTION_AFTER = 100


def tune_full_collections() -> None:
    """Full collections a tenth as often. Each walks every open socket's objects, about 120 µs
    a socket here (bench/socket_memory.py): at 1,300 sockets some 150 ms in which no screen is
    sent anything, and under load one came every few seconds, because the session state each
    version replaces lives about a second, long enough to count as old. That state is freed by
    reference counting; a full collection only finds cycles, which serving rarely makes (RSS
    stays flat under load with one every few minutes: bench/README.md, "Full collections")."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)


# glibc's malloc.h: the most arenas malloc may make, as the MALLOC_ARENA_MAX variable sets it.
M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def limit_malloc_arenas() -> bool:
    """At most two malloc arenas, unless the environment says otherwise (MALLOC_ARENA_MAX).

    glibc gives each thread that allocates an arena of its own, up to eight a core, and an
    arena keeps what it freed in holes only it reuses. Here every screen's connection reads the
    database in a worker thread, so screens coming and going leave such holes in each of the
    workers' arenas: under a heavy churn of screens the process grew a fifth more than with two
    (bench/README.md, "Screens that come and go"). Two are seldom contended: the event loop
    does nearly all the allocating. Made before any thread starts; only glibc has arenas."""
    if "MALLOC_ARENA_MAX" in os.environ or platform.libc_ver()[0] != "glibc":
        return False
    return bool(ctypes.CDLL(None).mallopt(M_ARENA_MAX, MALLOC_ARENAS))


class ClientMistakesAsWarnings(logging.Filter):
    """uvicorn logs a text frame that is not UTF-8 as an error with its traceback, though it is
    the client's mistake, answered already (close 1007): one warning line says all of it, and
    a client cannot fill the log with tracebacks by sending them."""

    MESSAGES = frozenset({"Invalid UTF-8 sequence received from client."})

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in self.MESSAGES:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


async def create_demos(app: FastAPI) -> tuple[CreatedSession, DemoLogin]:
    return await create_demo(app), await create_demo_group(app)


async def create_demo(app: FastAPI) -> CreatedSession:
    svc: Services = app.state.services
    hub = await svc.registry.create(
        title="Tuesday evening support group",
        group_name="Riverside Peer Support (demo)",
        template_key="peer-support-plus-weekly",
        facilitator_names=["Sam", "Ana"],
    )
    facilitator = await _seat_everyone(hub, DEMO_PEOPLE)
    await submit(hub, StartSession(id=new_command_id()), facilitator)
    return links_for(svc, hub)


async def _seat_everyone(hub: SessionHub, names: tuple[str, ...]) -> Actor:
    """Everyone named joins and is let in (by the first facilitator, who is returned)."""
    facilitator = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    for name in names:
        person = Actor(role=Role.PARTICIPANT, id=new_person_id())
        await submit(hub, Join(id=new_command_id(), name=name), person)
        await submit(hub, Admit(id=new_command_id(), participant_id=person.id), facilitator)
    return facilitator


DEMO_EMAIL = "sam@demo.peer-rounds.example"
DEMO_PASSWORD = "riverside-demo"
DEMO_GROUP = "Riverside Peer Support (demo group)"
DEMO_REGULARS = ("Priya", "Tom", "Mere", "Lee")


@dataclass(frozen=True, slots=True)
class DemoLogin:
    url: str
    email: str
    password: str
    created: bool


async def create_demo_group(app: FastAPI) -> DemoLogin:
    """A facilitator account and a weekly group that met twice and promised Priya time today.

    Only made once per database: a second `peer-rounds demo` finds the account there already.
    """
    svc: Services = app.state.services
    accounts: AccountServices = app.state.account_services
    login = DemoLogin(
        url=f"{svc.settings.base_url()}/account/login",
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        created=False,
    )
    account = Account(
        id=new_id(),
        email=DEMO_EMAIL,
        display_name="Sam",
        password_hash=hash_password(DEMO_PASSWORD),
        credential_version=1,
        created_at=accounts.clock(),
    )
    try:
        accounts.accounts.create(account)
    except EmailTaken:
        return login
    today = accounts.today()
    template = accounts.templates.latest("peer-support-plus-weekly")
    assert template is not None, "the seed templates are stored when the app is created"
    group = Group(
        id=new_id(),
        name=DEMO_GROUP,
        kind=GroupKind.WELLBEING,
        meeting_pattern=MeetingPattern.WEEKLY,
        first_meeting_on=today - timedelta(weeks=2),
        meeting_time="18:30",
        time_zone="UTC",
        online=False,
        venue="Riverside Community Hall, Room 2",
        template_key=template.key,
        retention_days=DEFAULT_RETENTION_DAYS,
        created_at=accounts.clock(),
    )
    accounts.groups.create(
        group,
        account.id,
        list(template.template.guidelines),
        group.first_meeting_on,
        PLACEHOLDERS,
    )
    for name in DEMO_REGULARS:
        member_id = accounts.groups.add_member(group.id, name, group.first_meeting_on)
        accounts.groups.record_name_check(group.id, member_id, group.first_meeting_on)
    for weeks_ago in (2, 1):
        await _past_session(svc, accounts, group, today - timedelta(weeks=weeks_ago))
    accounts.groups.add_action(
        group.id,
        Action(
            id=new_id(),
            kind=ActionKind.GUARANTEED_TIME,
            detail="The group agreed Priya is guaranteed a chance to Take Time first.",
            peer_name="Priya",
            due_on=today,
            recorded_at=accounts.clock(),
        ),
    )
    return dataclasses.replace(login, created=True)


async def _past_session(
    svc: Services, accounts: AccountServices, group: Group, meeting_on: date
) -> None:
    """A session held on `meeting_on`: the regulars came, the agenda ran, it ended."""
    template = accounts.templates.latest(group.template_key)
    assert template is not None
    plan, carried = session_plan(accounts, group, meeting_on, template)
    hub = await svc.registry.create(
        title=f"{meeting_on:%A} {meeting_on.day} {meeting_on:%B}",
        group_name=group.name,
        template_key=template.key,
        facilitator_names=["Sam"],
        group_plan=plan,
    )
    facilitator = await _seat_everyone(hub, DEMO_REGULARS)
    await submit(hub, StartSession(id=new_command_id()), facilitator)
    await submit(hub, EndSession(id=new_command_id()), facilitator)
    accounts.groups.record_session(group.id, hub.record.id, meeting_on, accounts.clock(), carried)


def print_login(login: DemoLogin) -> None:
    lines = [
        "A demo group with two past sessions and a promise carried over"
        + (" is ready." if login.created else " is already there."),
        f"  Log in as a facilitator: {login.url}",
        f"    email {login.email}   password {login.password}",
        "  Then open the group and press “Start this week's session”.",
        "",
    ]
    print("\n".join(lines), flush=True)


def print_links(links: CreatedSession) -> None:
    lines = [
        "",
        "Peer Rounds demo — a weekly Peer Support Plus session is ready.",
        "Five demo participants are already in the room; join as yourself to try the phone view.",
        "",
    ]
    for facilitator in links.facilitators:
        lines.append(f"  Facilitator console ({facilitator.name}):  {facilitator.url}")
    lines += [
        f"  Room view (projector / screen share): {links.room.url}",
        f"  Join as a participant (code {links.join_code}): {links.join_url}",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
