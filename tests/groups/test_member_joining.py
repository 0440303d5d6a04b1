"""Members join their group's session through their own link, linked to their member record;
a prospective member waits until the name check is recorded. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.realtime.hub import SessionHub
from app.session.command_base import Actor, Role
from app.session.commands import Admit, EndSession
from app.session.decisions import Rejected
from app.session.state import ERASED_NAME, Presence
from app.store.database import create_database_engine
from app.web.services import Services
from tests.support.groups import browser, create_group, groups_of, post, register, today

pytestmark = pytest.mark.anyio

NOT_YET = (
    "Name check not recorded yet for Kim — ask the group first, then record it on the group page."
)


def without_tags(html: str) -> str:
    """A page's words, a name inside its own element (`<bdi>`) read with the sentence."""
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> FastAPI:
    # A snapshot after every other commit, so erasing a name has snapshots to deal with too.
    return create_app(Settings(data_dir=tmp_path, database_url=database_url, snapshot_every=2))


async def hub_of(app: FastAPI, session_id: str) -> SessionHub:
    svc: Services = app.state.services
    hub = await svc.registry.get(session_id)
    assert hub is not None
    return hub


async def add_member(client: httpx.AsyncClient, app: FastAPI, path: str, name: str) -> str:
    """The member's own link (a path), for a member added now."""
    await post(client, f"{path}/members", preferred_name=name)
    group_id = path.rsplit("/", 1)[-1]
    member = next(m for m in groups_of(app).members(group_id) if m.preferred_name == name)
    shown = await post(client, f"{path}/members/{member.id}/link")
    found = re.search(r"/apologies/[\w.-]+", shown.text)
    assert found is not None
    return found.group(0)


async def name_check(client: httpx.AsyncClient, app: FastAPI, path: str, name: str) -> None:
    group_id = path.rsplit("/", 1)[-1]
    member = next(m for m in groups_of(app).members(group_id) if m.preferred_name == name)
    response = await post(client, f"{path}/members/{member.id}/name-check")
    assert response.status_code == 303


async def start_session(client: httpx.AsyncClient, path: str) -> str:
    response = await post(client, f"{path}/sessions")
    assert response.status_code == 303, response.text
    found = re.search(r"/s/([^/]+)/console", response.headers["location"])
    assert found is not None
    return found.group(1)


async def join_through(app: FastAPI, link: str) -> tuple[httpx.Response, httpx.Response]:
    """A member's phone: opens their link, presses "Join this week's session"."""
    async with browser(app) as phone:
        shown = await phone.get(link)
        joined = await phone.post(f"{link}/join")
        return shown, joined


async def test_a_member_joins_through_their_link_and_the_console_knows_them(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        priya_link = await add_member(sam, app, path, "Priya")
        await name_check(sam, app, path, "Priya")
        session_id = await start_session(sam, path)
        hub = await hub_of(app, session_id)
        async with browser(app) as kim:
            by_code = await kim.post(f"/join/{hub.record.join_code}", data={"name": "Kim"})
        shown, joined = await join_through(app, priya_link)
        _, again = await join_through(app, priya_link)
        console = await sam.get(f"/s/{session_id}/console")

    assert by_code.status_code == 303
    assert 'id="join-todays-session"' in shown.text
    assert joined.status_code == again.status_code == 303
    assert joined.headers["location"] == f"/s/{session_id}/me"
    (priya_member,) = groups_of(app).members(path.rsplit("/", 1)[-1])
    people = {p.name: p for p in hub.state.participants.values()}
    assert set(people) == {"Priya", "Kim"}  # joining again is the same seat, not a second one
    assert people["Priya"].member_id == priya_member.id
    assert people["Kim"].member_id is None
    priya, kim_row = people["Priya"].id, people["Kim"].id
    assert re.search(rf'id="membership-{priya}">— member<', console.text)
    assert re.search(rf'id="membership-{kim_row}">— not a member yet<', console.text)
    assert f'id="admit-{priya}"' in console.text


async def test_a_prospective_member_waits_until_the_name_check_is_recorded(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        kim_link = await add_member(sam, app, path, "Kim")
        session_id = await start_session(sam, path)
        await join_through(app, kim_link)
        hub = await hub_of(app, session_id)
        (kim,) = hub.state.participants.values()
        console_before = await sam.get(f"/s/{session_id}/console")
        group_before = await sam.get(path)
        facilitator = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        refused = await hub.execute(Admit(id=str(uuid.uuid4()), participant_id=kim.id), facilitator)
        await name_check(sam, app, path, "Kim")
        console_after = await sam.get(f"/s/{session_id}/console")
        group_after = await sam.get(path)
        admitted = await hub.execute(
            Admit(id=str(uuid.uuid4()), participant_id=kim.id), facilitator
        )

    assert isinstance(refused, Rejected)
    assert refused.message == NOT_YET
    assert NOT_YET in without_tags(console_before.text)
    assert f'id="admit-{kim.id}"' not in console_before.text
    assert "prospective member" in console_before.text
    (member,) = groups_of(app).members(path.rsplit("/", 1)[-1])
    assert f'id="prospective-{member.id}"' in group_before.text
    assert f'id="prospective-{member.id}"' not in group_after.text
    assert member.name_checked_on == today()
    assert NOT_YET not in without_tags(console_after.text)
    assert f'id="admit-{kim.id}"' in console_after.text
    assert not isinstance(admitted, Rejected)
    assert hub.state.participants[kim.id].presence is Presence.PRESENT


async def test_the_join_button_is_there_only_while_todays_session_is_on(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        link = await add_member(sam, app, path, "Priya")
        before_shown, before_join = await join_through(app, link)
        session_id = await start_session(sam, path)
        hub = await hub_of(app, session_id)
        facilitator = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        await hub.execute(EndSession(id=str(uuid.uuid4())), facilitator)
        after_shown, after_join = await join_through(app, link)

    for shown, refused in ((before_shown, before_join), (after_shown, after_join)):
        assert shown.status_code == 200
        assert 'id="join-todays-session"' not in shown.text
        assert refused.status_code == 409
        assert "no session of the group to join just now" in refused.text
        assert "Can't make it?" in refused.text  # the rest of their page is still there
    assert hub.state.participants == {}


async def test_a_prospective_members_link_names_the_meeting_that_welcomes_new_members(
    app: FastAPI,
) -> None:
    first = today() - timedelta(weeks=1)  # meeting 1 was last week; meeting 5 welcomes next
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam, first_meeting_on=first.isoformat(), new_members_every="4")
        kim_link = await add_member(sam, app, path, "Kim")
        priya_link = await add_member(sam, app, path, "Priya")
        await name_check(sam, app, path, "Priya")
        async with browser(app) as phone:
            kim_page = await phone.get(kim_link)
            priya_page = await phone.get(priya_link)

    welcoming = first + timedelta(weeks=4)
    found = re.search(r'id="welcoming-meeting">(.*?)</p>', kim_page.text)
    assert found is not None
    assert f"{welcoming:%A} {welcoming.day} {welcoming:%B}" in found.group(1)
    assert 'id="name-check-note"' in kim_page.text
    assert 'id="welcoming-meeting"' not in priya_page.text
    assert 'id="name-check-note"' not in priya_page.text


async def test_attendance_lists_members_by_record_and_erasing_one_leaves_no_name(
    app: FastAPI, database_url: str, tmp_path: Path
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        priya_link = await add_member(sam, app, path, "Priya")
        mere_link = await add_member(sam, app, path, "Mere")
        await name_check(sam, app, path, "Priya")
        async with browser(app) as mere:
            await mere.post(mere_link, data={"meeting_on": today().isoformat()})
        for peer in ("Priya", "Tom"):
            await post(
                sam,
                f"{path}/actions",
                kind="guaranteed_time",
                detail=f"{peer} has time first",
                peer_name=peer,
                due_on=today().isoformat(),
            )
        session_id = await start_session(sam, path)
        await join_through(app, priya_link)
        hub = await hub_of(app, session_id)
        async with browser(app) as tom:
            await tom.post(f"/join/{hub.record.join_code}", data={"name": "Tom"})
        facilitator = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        for person in list(hub.state.participants):
            await hub.execute(Admit(id=str(uuid.uuid4()), participant_id=person), facilitator)
        await hub.execute(EndSession(id=str(uuid.uuid4())), facilitator)
        kept = await sam.get(path)
        group_id = path.rsplit("/", 1)[-1]
        for member in groups_of(app).members(group_id):
            await post(sam, f"{path}/members/{member.id}/remove")
        after = await sam.get(path)

    assert re.search(r"present: (Priya \(member\), Tom|Tom, Priya \(member\))<", kept.text)
    # The promise made to Priya goes with her; Tom's (he is not a member) stays.
    actions = groups_of(app).actions(path.rsplit("/", 1)[-1])
    assert [a.peer_name for a in actions] == ["Tom"]
    assert "present: Tom<" in after.text
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = [
                connection.execute(sqlalchemy.text(f"SELECT * FROM {table}")).all()
                for table in ("session_commits", "session_snapshots", "member_apologies")
            ]
    finally:
        engine.dispose()
    text = json.dumps([[list(map(str, row)) for row in rows] for rows in stored])
    assert stored[0]  # the session's record is kept
    assert "Priya" not in text
    assert "Mere" not in text
    assert "Tom" in text  # a guest's name goes with the session, by the retention rule
    # A process that loads the session from the database sees an arrival, not a name.
    reloaded = create_app(Settings(data_dir=tmp_path / "another", database_url=database_url))
    reloaded_svc: Services = reloaded.state.services
    fresh = await reloaded_svc.registry.get(session_id)
    assert fresh is not None
    assert sorted(p.name for p in fresh.state.participants.values()) == [ERASED_NAME, "Tom"]
    assert fresh.state.apologies == ()


async def test_a_member_erased_during_todays_session_is_no_longer_named_on_its_screens(
    app: FastAPI, database_url: str
) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        priya_link = await add_member(sam, app, path, "Priya")
        await name_check(sam, app, path, "Priya")
        session_id = await start_session(sam, path)
        await join_through(app, priya_link)
        hub = await hub_of(app, session_id)
        (priya,) = hub.state.participants.values()
        facilitator = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
        await hub.execute(Admit(id=str(uuid.uuid4()), participant_id=priya.id), facilitator)
        (member,) = groups_of(app).members(path.rsplit("/", 1)[-1])
        await post(sam, f"{path}/members/{member.id}/remove")
        console = await sam.get(f"/s/{session_id}/console")
        # The session goes on, and what it stores from now on does not name her either.
        for _ in range(3):
            await hub.execute(EndSession(id=str(uuid.uuid4())), facilitator)

    assert hub.state.participants[priya.id].name == ERASED_NAME
    assert "Priya" not in console.text
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = [
                connection.execute(sqlalchemy.text(f"SELECT * FROM {table}")).all()
                for table in ("session_commits", "session_snapshots")
            ]
    finally:
        engine.dispose()
    assert "Priya" not in json.dumps([[list(map(str, row)) for row in rows] for rows in stored])


async def test_after_an_ended_session_members_join_the_new_one_of_the_day(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        link = await add_member(sam, app, path, "Priya")
        await name_check(sam, app, path, "Priya")
        ended_id = await start_session(sam, path)
        ended = await hub_of(app, ended_id)
        facilitator = Actor(role=Role.FACILITATOR, id=next(iter(ended.state.facilitators)))
        await ended.execute(EndSession(id=str(uuid.uuid4())), facilitator)
        new_id = await start_session(sam, path)
        shown, joined = await join_through(app, link)

    assert new_id != ended_id
    assert 'id="join-todays-session"' in shown.text
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/s/{new_id}/me"
    assert ended.state.participants == {}
