"""Every word is translatable and translated: the catalogs hold what the code marks, Spanish
translates all of it, and a pseudo-language run of each translated screen finds no word that
escaped (docs/translating.md)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.web.languages import LANGUAGE_COOKIE, LOCALES_DIR
from app.web.script_words import script_messages
from tests.support.api import BASE_URL, SAME_ORIGIN, accepted, bearer, in_process, join, new_session
from tests.support.translations import (
    AGENDA_WORDS,
    PLACEHOLDER,
    PSEUDO,
    extracted,
    untranslated,
    write_pseudo_catalog,
)

pytestmark = pytest.mark.anyio

PRODUCT = "Peer Rounds"


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def test_the_catalog_template_holds_exactly_what_the_code_marks() -> None:
    """`make messages` was run after the words last changed."""
    template = read_catalog(LOCALES_DIR / "messages.pot")
    assert {m.id for m in template if m.id} == {m.id for m in extracted() if m.id}


def test_spanish_translates_every_word_with_the_same_placeholders() -> None:
    spanish = read_catalog(LOCALES_DIR / "es" / "LC_MESSAGES" / "messages.po")
    translated = {m.id: m for m in spanish if m.id}
    for message in extracted():
        if not message.id:
            continue
        found = translated.get(message.id)
        assert found is not None, f"not in the Spanish catalog: {message.id!r}"
        assert found.string, f"not translated: {message.id!r}"
        assert not found.fuzzy, f"still marked fuzzy: {message.id!r}"
        for form in forms(found.string):
            assert set(PLACEHOLDER.findall(form)) == set(
                PLACEHOLDER.findall(forms(message.id)[0])
            ), message.id


def forms(text: str | tuple[str, ...] | list[str]) -> list[str]:
    """A message's one form, or a plural message's several."""
    return [text] if isinstance(text, str) else [str(form) for form in text]


@pytest.fixture
async def pseudo_api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    locales = tmp_path / "locales"
    write_pseudo_catalog(locales)
    async with in_process(tmp_path, locales_dir=locales) as api:
        api.cookies.set(LANGUAGE_COOKIE, PSEUDO)
        yield api


async def test_no_word_escapes_translation_on_the_join_screens(
    pseudo_api: httpx.AsyncClient,
) -> None:
    created = await new_session(pseudo_api, title="Tuesday group", group_name="Riverside")
    code = created["join_code"]
    data = ("Tuesday group", "Riverside", code, PRODUCT, "qps", "English")

    screens = {
        "join": await pseudo_api.get(f"/join/{code}"),
        "join, no name given": await pseudo_api.post(
            f"/join/{code}", data={"name": "  "}, headers=SAME_ORIGIN
        ),
        "unknown code": await pseudo_api.get("/join/NOSUCH"),
        "a link that does not work": await pseudo_api.get("/enter/not-a-link"),
    }

    for name, response in screens.items():
        assert 'lang="qps"' in response.text, name
        assert untranslated(response.text, data) == [], name


async def test_a_spanish_speaking_phone_reads_the_join_page_in_spanish(tmp_path: Path) -> None:
    async with in_process(tmp_path) as api:
        created = await new_session(api)
        page = await api.get(
            f"/join/{created['join_code']}", headers={"Accept-Language": "es-MX,es;q=0.9"}
        )
    assert '<html lang="es">' in page.text
    assert "Tu nombre" in page.text
    assert "Unirme" in page.text


async def test_a_person_chooses_their_language_and_it_is_kept_on_their_device(
    tmp_path: Path,
) -> None:
    async with in_process(tmp_path) as api:
        created = await new_session(api)
        join_path = f"/join/{created['join_code']}"
        from_the_join_page = {"Origin": BASE_URL, "Referer": f"{BASE_URL}{join_path}?x=1"}
        chosen = await api.post("/language", data={"language": "es"}, headers=from_the_join_page)
        again = await api.get(join_path, headers={"Accept-Language": "en"})
        back_to_english = await api.post(
            "/language", data={"language": "en"}, headers=from_the_join_page
        )

    assert chosen.status_code == 303
    assert chosen.headers["location"] == f"{join_path}?x=1"
    assert "httponly" in chosen.headers["set-cookie"].lower()
    assert "samesite=lax" in chosen.headers["set-cookie"].lower()
    assert "Tu nombre" in again.text
    assert back_to_english.cookies[LANGUAGE_COOKIE] == "en"


@pytest.mark.parametrize(
    "referer", ["https://elsewhere.example/x", "http://testserver//elsewhere.example/x", "", "/x"]
)
async def test_the_way_back_never_leaves_the_site(tmp_path: Path, referer: str) -> None:
    async with in_process(tmp_path) as api:
        response = await api.post(
            "/language",
            data={"language": "es"},
            headers={"Origin": BASE_URL, "Referer": referer},
        )
    assert response.headers["location"] == "/"


async def test_a_language_the_server_does_not_have_changes_nothing(tmp_path: Path) -> None:
    async with in_process(tmp_path) as api:
        response = await api.post("/language", data={"language": "tlh"}, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert LANGUAGE_COOKIE not in response.cookies


async def test_no_word_escapes_translation_on_a_phone_through_a_whole_round(
    pseudo_api: httpx.AsyncClient,
) -> None:
    created = await new_session(pseudo_api)
    session_id, sam = created["session_id"], created["facilitators"][0]["token"]
    people = {name: await join(pseudo_api, session_id, name) for name in ("Priya", "Tom", "Mere")}
    data = (
        *people,
        "Tuesday group",
        "Riverside",
        created["join_code"],
        PRODUCT,
        *AGENDA_WORDS,
    )

    async def phone(name: str) -> str:
        await pseudo_api.get(f"/enter/{people[name]['token']}")
        page = await pseudo_api.get(f"/s/{session_id}/me")
        assert page.status_code == 200, page.text
        return page.text

    async def facilitate(kind: str, **fields: str) -> None:
        await accepted(pseudo_api, session_id, sam, kind, **fields)

    async def by(name: str, kind: str) -> None:
        response = await pseudo_api.post(
            f"/api/sessions/{session_id}/commands",
            json={"type": kind, "id": str(uuid.uuid4())},
            headers=bearer(people[name]["token"]),
        )
        assert response.status_code == 200, response.text

    screens = {"waiting room": await phone("Priya")}
    for person in people.values():
        await facilitate("admit", participant_id=person["participant_id"])
    screens["let in, before the start"] = await phone("Priya")
    await facilitate("start_session")
    await facilitate("advance_stage")
    await facilitate("start_round")
    screens["speaking"] = await phone("Priya")
    screens["next"] = await phone("Tom")
    screens["in line"] = await phone("Mere")
    await by("Mere", "raise_hand")
    await by("Mere", "request_support")
    screens["hand raised, support asked"] = await phone("Mere")
    await by("Priya", "pass_for_now")
    screens["passed for now"] = await phone("Priya")
    await by("Tom", "step_out")
    screens["stepped out"] = await phone("Tom")
    await facilitate("end_session")
    screens["ended"] = await phone("Mere")

    for name, html in screens.items():
        assert 'lang="qps"' in html, name
        assert untranslated(html, data) == [], name


def script_words_of(html: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="script-words">(.*?)</script>', html)
    assert found is not None
    words: dict[str, str] = json.loads(found.group(1))
    return words


async def test_the_scripts_words_reach_the_page_translated(pseudo_api: httpx.AsyncClient) -> None:
    created = await new_session(pseudo_api)
    words = script_words_of((await pseudo_api.get(f"/join/{created['join_code']}")).text)
    assert set(words) == set(script_messages())
    assert "Reconnecting… Everything is kept; this page will catch up by itself." in words
    untranslated_words = [english for english, said in words.items() if not said.startswith("⟦")]
    assert untranslated_words == []


async def test_an_english_page_carries_no_script_words(tmp_path: Path) -> None:
    async with in_process(tmp_path) as api:
        created = await new_session(api)
        page = await api.get(f"/join/{created['join_code']}", headers={"Accept-Language": "en"})
    assert script_words_of(page.text) == {}


async def test_no_word_escapes_translation_on_the_room_view(pseudo_api: httpx.AsyncClient) -> None:
    created = await new_session(pseudo_api)
    session_id, sam = created["session_id"], created["facilitators"][0]["token"]
    priya = await join(pseudo_api, session_id, "Priya")
    data = (
        "Priya",
        "Tuesday group",
        "Riverside",
        created["join_code"],
        created["join_url"],
        PRODUCT,
        *AGENDA_WORDS,
    )

    async def room() -> str:
        await pseudo_api.get(f"/enter/{created['room']['token']}")
        page = await pseudo_api.get(f"/s/{session_id}/room")
        assert page.status_code == 200, page.text
        return page.text

    screens = {"before the start": await room()}
    await accepted(pseudo_api, session_id, sam, "admit", participant_id=priya["participant_id"])
    await accepted(pseudo_api, session_id, sam, "start_session")
    screens["welcome"] = await room()
    await accepted(pseudo_api, session_id, sam, "advance_stage")
    await accepted(pseudo_api, session_id, sam, "start_round")
    screens["speaking"] = await room()
    await accepted(pseudo_api, session_id, sam, "end_session")
    screens["ended"] = await room()

    for name, html in screens.items():
        assert untranslated(html, data) == [], name
