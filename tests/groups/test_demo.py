"""`peer-rounds demo`: the live demo session, and a group a facilitator can log in to."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI

from app.agenda.stages import StageKind
from app.cli import DEMO_EMAIL, DEMO_PASSWORD, create_demos, print_login
from app.session.command_base import Actor, Role
from app.session.commands import AdvanceStage, StartSession
from app.web.services import Services
from tests.support.groups import browser, form_key, groups_of

pytestmark = pytest.mark.anyio


async def test_the_demo_facilitator_finds_last_weeks_promise_in_this_weeks_session(
    app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    links, login = await create_demos(app)
    print_login(login)
    printed = capsys.readouterr().out
    async with browser(app) as client:
        logged_in = await client.post(
            "/account/login", data={"email": login.email, "password": login.password}
        )
        groups = await client.get("/groups")
        found = re.search(r'href="(/groups/[^"#]+)"', groups.text)
        assert found is not None
        group = await client.get(found.group(1))
        started = await client.post(
            f"{found.group(1)}/sessions", data={"form_key": await form_key(client)}
        )
        console = await client.get(started.headers["location"])
        session_id = started.headers["location"].split("/")[2]
        svc: Services = app.state.services
        hub = await svc.registry.get(session_id)
        assert hub is not None
        sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        await hub.execute(StartSession(id=str(uuid.uuid4())), sam)
        while hub.state.current_stage.kind is not StageKind.INVITE_TAKING_TIME:  # type: ignore[union-attr]
            await hub.execute(AdvanceStage(id=str(uuid.uuid4())), sam)
        inviting = await client.get(f"/s/{session_id}/console")

    assert links.facilitators  # the live demo session is still made
    assert DEMO_EMAIL in printed
    assert DEMO_PASSWORD in printed
    assert logged_in.status_code == 303
    assert len(re.findall(r"present: Priya, Tom, Mere, Lee", group.text)) == 2
    assert "Priya is guaranteed a chance to Take Time first" in group.text
    assert 'id="carried-over"' in console.text
    assert "Priya is guaranteed a chance to Take Time first" in console.text
    assert re.search(
        r'id="guaranteed-time">.*<strong><bdi>Priya</bdi></strong>', inviting.text, re.S
    )


async def test_running_the_demo_again_keeps_the_group_it_made(app: FastAPI) -> None:
    _links, first = await create_demos(app)
    _links, second = await create_demos(app)

    assert first.created
    assert not second.created
    assert len(groups_of(app).all_groups()) == 1
