"""`peer-rounds serve` runs the server; `peer-rounds demo` sets up a demo group and runs it."""

from __future__ import annotations

import argparse
import asyncio
import uuid

import uvicorn
from fastapi import FastAPI

from app import log_redaction
from app.config import Settings
from app.main import create_app
from app.session.commands import Actor, Admit, Join, Role, StartSession
from app.web.api import CreatedSession, links_for
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
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    app = create_app(settings)
    if args.command == "demo":
        print_links(asyncio.run(create_demo(app)))
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ws_max_size=settings.max_message_bytes,
        log_level="info",
    )
    server = uvicorn.Server(config)
    log_redaction.install()
    server.run()


async def create_demo(app: FastAPI) -> CreatedSession:
    svc: Services = app.state.services
    hub = await svc.registry.create(
        title="Tuesday evening support group",
        group_name="Riverside Peer Support (demo)",
        template_key="peer-support-plus-weekly",
        facilitator_names=["Sam", "Ana"],
    )
    facilitator = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    for name in DEMO_PEOPLE:
        person = Actor(role=Role.PARTICIPANT, id=str(uuid.uuid4())[:12])
        await hub.execute(Join(id=str(uuid.uuid4()), name=name), person)
        await hub.execute(Admit(id=str(uuid.uuid4()), participant_id=person.id), facilitator)
    await hub.execute(StartSession(id=str(uuid.uuid4())), facilitator)
    return links_for(svc, hub)


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
