"""Words that carry a name or a title (a refusal, a stale click) reach each person's screen in
their own language with the name as it was typed, while logs and the JSON API keep the English
sentence (app/translatable.py `Words`, app/web/languages.py `translated`)."""

from __future__ import annotations

import contextlib
import html
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import example, given
from hypothesis import strategies as st

from app.config import Settings
from app.main import create_app
from app.plain_text import quoted
from app.realtime.protocol import Reject
from app.session.decisions import Rejected, RejectionCode
from app.session.flow_steps import FlowStep, already_done_by, done_by
from app.translatable import Words
from app.web.languages import LOCALES_DIR, Languages, translated
from app.web.problems import refusal
from tests.support.api import (
    InProcessSocket,
    accepted,
    client_of,
    command,
    in_process_websocket,
    join,
    new_session,
    version_of,
)
from tests.support.translations import PSEUDO, pseudo, write_pseudo_catalog

pytestmark = pytest.mark.anyio

SPANISH = Languages.from_directory(LOCALES_DIR)


@pytest.fixture(scope="module")
def pseudo_languages(tmp_path_factory: pytest.TempPathFactory) -> Languages:
    locales = tmp_path_factory.mktemp("locales")
    write_pseudo_catalog(locales)
    return Languages.from_directory(locales)


def test_words_are_the_english_sentence_and_keep_their_message_and_values() -> None:
    words = Words("%(minutes)s min", minutes="5")
    assert words == "5 min"
    assert isinstance(words, str)
    assert (words.message, dict(words.values)) == ("%(minutes)s min", {"minutes": "5"})
    assert Words("%(percent)s%%", percent="45") == "45%"


def test_words_are_translated_by_their_message_with_their_values_put_in(
    pseudo_languages: Languages,
) -> None:
    with pseudo_languages.speaking(PSEUDO):
        assert translated(Words("%(minutes)s min", minutes="5%")) == "⟦5% míñ⟧"
        assert translated("under a minute") == pseudo("under a minute")
        nested = Words("%(minutes)s min", minutes=Words("under a minute"))
        assert translated(nested) == f"⟦{pseudo('under a minute')} míñ⟧"
    assert translated(Words("%(minutes)s min", minutes="5")) == "5 min"


def test_a_refusal_keeps_its_words_on_the_way_to_the_screen_and_a_model_would_not() -> None:
    words = Words("%(name)s has left the session.", name="Priya")
    problem = refusal(Rejected(RejectionCode.INVALID, words))
    assert isinstance(problem.message, Words)
    assert problem.message.message == "%(name)s has left the session."
    # Why the way from the engine to the screen holds no pydantic model (docs/architecture.md).
    assert type(Reject(id=None, code="invalid", message=words).message) is str


@contextlib.asynccontextmanager
async def round_under_way(tmp_path: Path, speaker: str) -> AsyncIterator[Round]:
    """A live session whose round has `speaker` speaking and Tom next, in-process."""
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app) as api:
        created = await new_session(api)
        sid, sam = created["session_id"], created["facilitators"][0]["token"]
        people = {name: await join(api, sid, name) for name in (speaker, "Tom")}
        for person in people.values():
            await accepted(api, sid, sam, "admit", participant_id=person["participant_id"])
        for kind in ("start_session", "advance_stage", "start_round"):
            await accepted(api, sid, sam, kind)
        yield Round(app, api, sid, sam, created["facilitators"][1]["token"], people)


@dataclass(frozen=True)
class Round:
    app: FastAPI
    api: httpx.AsyncClient
    session_id: str
    sam: str
    ana: str
    people: dict[str, Any]

    def screen(self, role: str, language: str) -> AbstractAsyncContextManager[InProcessSocket]:
        """A phone's or a console's page's live connection (html), on a device that reads
        `language`."""
        return in_process_websocket(
            self.app,
            f"/ws/sessions/{self.session_id}/{role}?format=html",
            headers={"Accept-Language": language},
        )

    async def notice_on(self, socket: InProcessSocket, token: str, kind: str, **fields: str) -> str:
        """The words of the notice the screen of `token` shows when it sends `kind`."""
        await socket.send_json({"type": "hello", "token": token})
        await socket.send_json({"type": kind, "id": str(uuid.uuid4()), **fields})
        while 'id="notice"' not in (frame := await socket.receive_text()):
            pass
        found = re.search(r'<p class="notice__text">(.*?)</p>', frame, re.DOTALL)
        assert found is not None, frame
        return html.unescape(found[1])


async def test_a_refusal_naming_the_speaker_reaches_a_spanish_phone_in_spanish(
    tmp_path: Path,
) -> None:
    speaker = "Zoë “50%” {x}"
    async with round_under_way(tmp_path, speaker) as live:
        tom = live.people["Tom"]["token"]
        async with live.screen("participant", "es-MX,es;q=0.9") as spanish:
            on_a_spanish_phone = await live.notice_on(spanish, tom, "share")
        async with live.screen("participant", "en") as english:
            on_an_english_phone = await live.notice_on(english, tom, "share")
        by_the_api = await command(live.api, live.session_id, tom, "share")

    assert on_a_spanish_phone == f"Ahora mismo no es tu turno: está hablando {speaker}."
    english_sentence = f"It isn't your turn just now — {speaker} is speaking."
    assert on_an_english_phone == english_sentence
    assert by_the_api.json() == {"code": "not_your_turn", "message": english_sentence}


async def test_a_stale_click_on_a_spanish_console_says_who_was_quicker_in_spanish(
    tmp_path: Path,
) -> None:
    async with round_under_way(tmp_path, "Priya") as live:
        seen = await version_of(live.api, live.session_id, live.sam)
        await accepted(live.api, live.session_id, live.sam, "share")
        async with live.screen("facilitator", "es") as console:
            notice = await live.notice_on(console, live.ana, "share", expected_version=str(seen))
        by_the_api = await command(
            live.api, live.session_id, live.ana, "share", expected_version=seen
        )

    assert notice == "Sam ya pasó a la siguiente persona (Tom)."
    assert by_the_api.json() == {
        "code": "stale",
        "message": "Sam already moved to the next speaker (Tom).",
    }


def test_every_step_of_the_flow_is_said_in_spanish_with_its_names_kept() -> None:
    values = {"name": "Zoë", "next": "Wiremu", "title": quoted("Check-in"), "step": "x"}
    with SPANISH.speaking("es"):
        for step in FlowStep:
            for words in (
                done_by(step, values, "Sam"),
                already_done_by(step, values, "Sam"),
                already_done_by(step, values, None),
            ):
                said = translated(words)
                assert said != words
                for name in ("Sam", "Zoë", "Wiremu", quoted("Check-in")):
                    assert (name in said) == (name in words), (said, words)


NAMES = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)


@given(name=NAMES)
# A name that is also words of the catalog is still a name (once said in Spanish).
@example(name="how to reach it")
def test_any_name_reads_as_it_did_and_stays_as_typed_in_translation(name: str) -> None:
    refusals = {
        Words("%(name)s has left the session.", name=name): f"{name} has left the session.",
        Words("It is already %(name)s's turn.", name=name): f"It is already {name}'s turn.",
        Words("%(title)s is already on.", title=quoted(name)): f"{quoted(name)} is already on.",
        already_done_by(FlowStep.NEXT_SPEAKER, {"name": name}, "Sam"): (
            f"Sam already moved to the next speaker ({name})."
        ),
    }
    for words, english in refusals.items():
        assert words == english
        with SPANISH.speaking("es"):
            said = translated(words)
        assert said != english
        assert str(words.values.get("name", words.values.get("title"))) in said
