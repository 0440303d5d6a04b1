"""The facilitators' timing summary in each person's language: no word escapes the
pseudo-language, Spanish reads as Spanish (a share "45 %"), and lengths said in words
follow the page's language (docs/translating.md)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.realtime.hub import Committed
from app.realtime.registry import SERVER
from app.session.commands import RecordOutage
from app.web.languages import LANGUAGE_COOKIE, LOCALES_DIR, Languages
from app.web.lengths import duration_words, minutes_words, percent_words
from tests.support.api import accepted, bearer, client_of, join, new_session
from tests.support.translations import AGENDA_WORDS, PSEUDO, untranslated, write_pseudo_catalog

pytestmark = pytest.mark.anyio

NAMES = ("Priya", "Tom", "Lee")


@pytest.fixture
async def app(tmp_path: Path) -> FastAPI:
    locales = tmp_path / "locales"
    write_pseudo_catalog(locales)
    return create_app(Settings(data_dir=tmp_path, locales_dir=locales))


async def a_session_with_every_kind_of_change(app: FastAPI, api: httpx.AsyncClient) -> Any:
    """Priya shares and is given more time, Tom passes, Lee's time pauses, everything pauses,
    the round is given more time and a stage is added; the server was away for 12 s."""
    created = await new_session(api, ("Sam",))
    session_id, sam = created["session_id"], created["facilitators"][0]["token"]
    people = {name: await join(api, session_id, name) for name in NAMES}

    async def ok(token: str, command: str, **fields: Any) -> None:
        await accepted(api, session_id, token, command, **fields)

    for person in people.values():
        await ok(sam, "admit", participant_id=person["participant_id"])
    await ok(sam, "start_session")
    view = (await api.get(f"/api/sessions/{session_id}/view", headers=bearer(sam))).json()
    good_news = next(s["id"] for s in view["stages"] if s["title"] == "Round of Good News")
    await ok(sam, "go_to_stage", stage_id=good_news)
    await ok(sam, "start_round")
    await ok(sam, "extend_time", seconds=60, target="speaker")
    await ok(people["Priya"]["token"], "share")
    await ok(people["Tom"]["token"], "pass")
    await ok(sam, "pause_timer")
    await ok(sam, "resume_timer")
    await ok(sam, "pause_session")
    await ok(sam, "resume_session")
    await ok(sam, "extend_time", seconds=300, target="stage")
    await ok(sam, "insert_stage", title="A closing round", kind="round", minutes=5)
    await ok(people["Lee"]["token"], "share")
    hub = await app.state.services.registry.get(session_id)
    now = time.time()
    assert isinstance(
        await hub.execute(RecordOutage(id="away", down_at=now - 20, back_at=now - 8), SERVER),
        Committed,
    )
    return created


async def test_no_word_escapes_translation_on_the_timing_summary(app: FastAPI) -> None:
    async with client_of(app) as api:
        api.cookies.set(LANGUAGE_COOKIE, PSEUDO)
        before = await new_session(api, ("Sam",), title="Monday group")
        not_started = await api.get(
            f"/s/{before['session_id']}/summary", headers=bearer(before["facilitators"][0]["token"])
        )
        created = await a_session_with_every_kind_of_change(app, api)
        sam = created["facilitators"][0]["token"]
        going = await api.get(f"/s/{created['session_id']}/summary", headers=bearer(sam))
        participant = await join(api, created["session_id"], "Mere")
        await api.get(f"/enter/{participant['token']}")
        refused = await api.get(f"/s/{created['session_id']}/summary")
        await accepted(api, created["session_id"], sam, "end_session")
        ended = await api.get(f"/s/{created['session_id']}/summary", headers=bearer(sam))

    data = (
        *NAMES,
        "Mere",
        "Sam",
        "Tuesday group",
        "Monday group",
        "Riverside",
        "Peer Rounds",
        "A closing round",
        *AGENDA_WORDS,
        # The timeline's labels, cut short as the chart cuts them.
        *(f"{title[:27]}…" for title in AGENDA_WORDS),
        "CSV",
        "JSON",
    )
    for name, page in {
        "not started": not_started,
        "going": going,
        "ended": ended,
        "not a facilitator": refused,
    }.items():
        assert 'lang="qps"' in page.text, name
        assert untranslated(page.text, data) == [], name
    assert "⟦12 š⟧" in going.text


async def test_a_spanish_facilitator_reads_the_summary_in_spanish(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app) as api:
        created = await a_session_with_every_kind_of_change(app, api)
        page = await api.get(
            f"/s/{created['session_id']}/summary",
            headers={**bearer(created["facilitators"][0]["token"]), "Accept-Language": "es"},
        )
    assert '<html lang="es">' in page.text
    assert "Resumen de tiempos" in page.text
    assert "Agenda: lo previsto y lo real" in page.text
    assert "12 s sin servidor; todos los relojes esperaron" in page.text
    assert re.search(r"<td>\d+\xa0%</td>", page.text)


@pytest.mark.parametrize(
    ("language", "seconds", "minutes", "duration"),
    [
        ("en", 30, "under a minute", "30 s"),
        ("en", 125.4, "2 min", "2 min 5 s"),
        ("en", 120, "2 min", "2 min"),
        ("es", 30, "menos de un minuto", "30 s"),
        ("es", 125.4, "2 min", "2 min 5 s"),
    ],
)
def test_lengths_are_said_in_the_pages_language(
    language: str, seconds: float, minutes: str, duration: str
) -> None:
    with Languages.from_directory(LOCALES_DIR).speaking(language):
        assert minutes_words(seconds) == minutes
        assert duration_words(seconds) == duration


@pytest.mark.parametrize(("language", "text"), [("en", "45%"), ("es", "45\xa0%")])
def test_a_share_is_written_as_the_language_writes_a_percentage(language: str, text: str) -> None:
    with Languages.from_directory(LOCALES_DIR).speaking(language):
        assert percent_words(0.449) == text
