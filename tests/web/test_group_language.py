"""A group's default language on its pages and its sessions' (docs/translating.md): a device that
asks for a language we ship reads it, English included; the group's default speaks for a device
that asks for none we ship, or none at all; a person's own choice beats both."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.session.command_base import Role
from app.web.languages import LANGUAGE_COOKIE
from app.web.links import issue
from app.web.local_time import day_words
from tests.support.api import in_process_websocket, new_session
from tests.support.groups import (
    BASE,
    browser,
    create_group,
    group_form,
    post,
    register,
    today,
)

pytestmark = pytest.mark.anyio


SPANISH_WEEKDAYS = {"lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"}


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path))


HTML_LANG = re.compile(r'<html lang="([^"]+)">')


def language_of(page: httpx.Response, status: int = 200) -> str:
    assert page.status_code == status, page.text
    found = HTML_LANG.search(page.text)
    assert found is not None
    return found.group(1)


async def a_spanish_groups_session(app: FastAPI, client: httpx.AsyncClient) -> tuple[str, str]:
    """Sam's group Riverside, Spanish by default, and its session started: (group path,
    session id)."""
    await register(client)
    path = await create_group(client, language="es")
    started = await post(client, f"{path}/sessions")
    assert started.status_code == 303, started.text
    entered = await client.get(started.headers["location"], follow_redirects=True)
    found = re.search(r"/s/([^/]+)/console", str(entered.url))
    assert found is not None
    return path, found.group(1)


async def join_code_and_room_token(app: FastAPI, session_id: str) -> tuple[str, str]:
    svc = app.state.services
    hub = await svc.registry.get(session_id)
    room = issue(svc, hub, Role.ROOM, "room", hub.record.token_secret_version)
    return hub.record.join_code, room


def a_device(app: FastAPI, headers: dict[str, str], cookie: str | None) -> httpx.AsyncClient:
    device = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers={"Origin": BASE, **headers}
    )
    if cookie is not None:
        device.cookies.set(LANGUAGE_COOKIE, cookie)
    return device


@pytest.mark.parametrize(
    ("accept_language", "cookie", "expected"),
    [
        (None, None, "es"),  # a device that asks for no language
        ("pt-BR,pt;q=0.9", None, "es"),  # one that asks only for languages we do not ship
        ("en-US,en;q=0.9", None, "en"),  # the device's language is the person's
        ("pt-BR,en;q=0.5", None, "en"),
        (None, "en", "en"),  # the person's own choice beats the group's
        ("es", "en", "en"),
    ],
)
async def test_the_groups_default_reaches_the_join_page_phone_console_and_room(
    app: FastAPI, accept_language: str | None, cookie: str | None, expected: str
) -> None:
    headers = {} if accept_language is None else {"Accept-Language": accept_language}
    async with browser(app) as sam:
        path, session_id = await a_spanish_groups_session(app, sam)
        code, room_token = await join_code_and_room_token(app, session_id)
        sam.headers.update(headers)
        if cookie is not None:
            sam.cookies.set(LANGUAGE_COOKIE, cookie)
        group_page = await sam.get(path)
        console = await sam.get(f"/s/{session_id}/console")
    async with a_device(app, headers, cookie) as phone:
        join_page = await phone.get(f"/join/{code}")
        phone_page = await phone.post(
            f"/join/{code}", data={"name": "Lucía"}, follow_redirects=True
        )
    async with a_device(app, headers, cookie) as room_screen:
        room = await room_screen.get(f"/enter/{room_token}", follow_redirects=True)

    assert f"/s/{session_id}/me" in str(phone_page.url)
    assert f"/s/{session_id}/room" in str(room.url)
    assert {
        "group page": language_of(group_page),
        "console": language_of(console),
        "join page": language_of(join_page),
        "phone": language_of(phone_page),
        "room view": language_of(room),
    } == dict.fromkeys(("group page", "console", "join page", "phone", "room view"), expected)


async def test_a_groups_session_is_titled_with_its_day_in_the_groups_language(
    app: FastAPI,
) -> None:
    async with browser(app) as sam:
        _path, session_id = await a_spanish_groups_session(app, sam)
    hub = await app.state.services.registry.get(session_id)
    with app.state.services.languages.speaking("es"):
        assert hub.record.title == day_words(today())
    assert hub.record.title.split()[0] in SPANISH_WEEKDAYS


async def test_the_consoles_action_form_answers_in_the_groups_language(app: FastAPI) -> None:
    async with browser(app) as sam:
        _path, session_id = await a_spanish_groups_session(app, sam)
        refused = await sam.post(f"/groups/sessions/{session_id}/actions", data={"kind": "handout"})

    assert language_of(refused, status=422) == "es"
    assert "Esa acción no se anotó" in refused.text


async def test_a_groups_calendar_feed_speaks_its_language(app: FastAPI) -> None:
    """A calendar app asks for no language: a Spanish group's feed is in Spanish."""
    next_week = today() + timedelta(weeks=1)
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam, language="es")
        await post(sam, f"{path}/meetings/{next_week.isoformat()}/cancel", reason="Nochebuena")
        feed = await sam.get(f"{path}/meetings.ics")

    unfolded = feed.content.decode().replace("\r\n ", "")
    with app.state.services.languages.speaking("es"):
        day = day_words(next_week)
    assert "SUMMARY:Reunión cancelada: Riverside" in unfolded
    assert f"DESCRIPTION:No hay reunión el {day}: Nochebuena." in unfolded
    assert "LOCATION:Community hall" in unfolded


async def test_a_session_that_is_no_groups_reads_as_before(app: FastAPI) -> None:
    async with browser(app) as sam:
        await a_spanish_groups_session(app, sam)
        created = await new_session(sam, ("Sam",))
        join_page = await sam.get(f"/join/{created['join_code']}")

    assert language_of(join_page) == "en"


async def test_the_group_page_says_and_changes_the_groups_language(app: FastAPI) -> None:
    async with browser(app) as sam:
        await register(sam)
        path = await create_group(sam)
        english = await sam.get(path)
        changed = await post(sam, f"{path}/settings", **group_form(language="es"))
        spanish = await sam.get(path)
        refused = await post(sam, f"{path}/settings", **group_form(language="tlh"))

    assert language_of(english) == "en"
    assert re.search(r'<option value="en" lang="en" selected>English</option>', english.text)
    assert changed.status_code == 303
    assert language_of(spanish) == "es"
    assert re.search(r'<option value="es" lang="es" selected>Español</option>', spanish.text)
    assert refused.status_code == 422
    assert "language from the list" in refused.text or "idioma" in refused.text


@pytest.mark.parametrize(
    ("headers", "welcome"),
    [({}, "Te damos la bienvenida"), ({"Accept-Language": "en-GB"}, "Welcome")],
)
async def test_a_phones_live_updates_follow_the_same_rule(
    app: FastAPI, headers: dict[str, str], welcome: str
) -> None:
    """The phone's screen over its websocket, chosen when the socket opens, in-process."""
    async with browser(app) as sam:
        _path, session_id = await a_spanish_groups_session(app, sam)
    code, _room = await join_code_and_room_token(app, session_id)
    async with a_device(app, headers, None) as phone:
        await phone.post(f"/join/{code}", data={"name": "Lucía"})
        cookie = "; ".join(f"{name}={value}" for name, value in phone.cookies.items())
    path = f"/ws/sessions/{session_id}/participant?format=html"
    async with in_process_websocket(app, path, headers={**headers, "cookie": cookie}) as socket:
        first = await socket.receive_text()

    assert f"{welcome}, <bdi>Lucía</bdi>" in first


async def test_a_group_forms_refusal_names_its_field_in_the_pages_language(app: FastAPI) -> None:
    """The field a check is about is said in the sentence's language, not left in English."""
    async with browser(app) as sam:
        await register(sam)
        sam.cookies.set(LANGUAGE_COOKIE, "es")
        no_name = await post(sam, "/groups", **group_form(name=" "))
        path = await create_group(sam)
        no_member = await post(sam, f"{path}/members", preferred_name="")

    assert no_name.status_code == no_member.status_code == 422
    assert "Escribe el nombre del grupo, por favor." in no_name.text
    assert "Escribe su nombre preferido, por favor." in no_member.text
