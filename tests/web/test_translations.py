"""Every word is translatable and translated: the catalogs hold what the code marks, Spanish
translates all of it, and a pseudo-language run of each translated screen finds no word that
escaped (docs/translating.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.web.languages import LANGUAGE_COOKIE, LOCALES_DIR
from tests.support.api import SAME_ORIGIN, in_process, new_session
from tests.support.translations import (
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
        assert sorted(PLACEHOLDER.findall(str(found.string))) == sorted(
            PLACEHOLDER.findall(str(message.id))
        ), message.id


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
        chosen = await api.post(
            "/language", data={"language": "es", "back": join_path}, headers=SAME_ORIGIN
        )
        again = await api.get(join_path, headers={"Accept-Language": "en"})
        back_to_english = await api.post(
            "/language", data={"language": "en", "back": join_path}, headers=SAME_ORIGIN
        )

    assert chosen.status_code == 303
    assert chosen.headers["location"] == join_path
    assert "Tu nombre" in again.text
    assert back_to_english.cookies[LANGUAGE_COOKIE] == "en"


@pytest.mark.parametrize("back", ["//elsewhere.example/x", "https://elsewhere.example", "/\\x"])
async def test_the_way_back_never_leaves_the_site(tmp_path: Path, back: str) -> None:
    async with in_process(tmp_path) as api:
        response = await api.post(
            "/language", data={"language": "es", "back": back}, headers=SAME_ORIGIN
        )
    assert response.headers["location"] == "/"


async def test_a_language_the_server_does_not_have_changes_nothing(tmp_path: Path) -> None:
    async with in_process(tmp_path) as api:
        response = await api.post(
            "/language", data={"language": "tlh", "back": "/"}, headers=SAME_ORIGIN
        )
    assert response.status_code == 303
    assert LANGUAGE_COOKIE not in response.cookies
