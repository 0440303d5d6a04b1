"""The facilitator console in each facilitator's language: no word escapes the pseudo-language
in any state a console goes through, from the waiting room to the end (docs/translating.md), and
a Spanish facilitator reads it in Spanish."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.web.languages import LANGUAGE_COOKIE
from tests.support.api import SAME_ORIGIN, accepted, bearer, client_of, join, new_session
from tests.support.translations import AGENDA_WORDS, PSEUDO, untranslated, write_pseudo_catalog

pytestmark = pytest.mark.anyio

NAMES = ("Priya", "Tom", "Lee", "Mere", "Jo")
# Keys are named as the keyboard shows them, in every language.
KEY_CAPS = re.compile(r"(<kbd[^>]*>)(?:N|P|S|U|H|Esc|Alt)(</kbd>)")
# The round's first stage, and the one that asks who would like to Take Time.
ROUND = "Round of Good News"
# What a group's session brings from earlier weeks (templates/groups/session_actions.html) is
# the group pages' part, checked with them (tests/web/test_translations_groups.py).
GROUP_NOTES = re.compile(r'<section id="group-notes".*?</section>', re.DOTALL)
INVITE = "Who would like to Take Time today?"


# An element each state shows, so the check reads the state it says it reads.
REACHED = {
    "before the start, someone waiting": "start-session",
    "a burst of people waiting": "waiting-burst",
    "settings refused": "notice",
    "settings refused, a page": "main",
    "settings from an older page": "notice",
    "settings saved": "notice",
    "a word to join, joining closed": "join-word-now",
    "a round, not started": "start-round",
    "a round: speaking, next, in line, passed, stepped out; a hand and support": "round-order",
    "the hand seen, the speaker's timer paused": "hand-lower-",
    "the schedule, late": "floor-signal",
    "the schedule, far too late": "schedule-advice",
    "everything paused": "paused-panel",
    "Taking Time: choosing": "choose-taker",
    "Taking Time: a question agreed": "agreed-question",
    "Taking Time: reflection": "taking-heading",
    "someone removed": "departed",
    "ended, someone to follow up": "follow-up-done",
    "ended, follow-up done": "follow-up-count",
}


SETTINGS = {"near_end_cue_min": "0.5", "minimum_share_min": "1.5", "maximum_share_min": "4"}
BY_HTMX = {**SAME_ORIGIN, "HX-Request": "true"}


@pytest.fixture
async def app(tmp_path: Path) -> FastAPI:
    locales = tmp_path / "locales"
    write_pseudo_catalog(locales)
    return create_app(Settings(data_dir=tmp_path, locales_dir=locales))


class Console:
    """One session driven through the JSON API, its console read as Sam's browser reads it."""

    def __init__(self, app: FastAPI, api: httpx.AsyncClient, created: Any) -> None:
        self.app = app
        self.api = api
        self.session_id: str = created["session_id"]
        self.sam: str = created["facilitators"][0]["token"]
        self.join_code: str = created["join_code"]
        self.people: dict[str, Any] = {}

    async def page(self) -> str:
        page = await self.api.get(f"/s/{self.session_id}/console")
        assert page.status_code == 200, page.text
        return page.text

    async def schedule(self, minutes_from_now: float) -> str:
        """The schedule block as the console polls it, `minutes_from_now` later."""
        services = self.app.state.services
        later = time.time() + minutes_from_now * 60
        self.app.state.services = replace(services, clock=lambda: later)
        try:
            block = await self.api.get(f"/s/{self.session_id}/console/schedule")
        finally:
            self.app.state.services = services
        assert block.status_code == 200, block.text
        return block.text

    async def settings_answers(self) -> dict[str, str]:
        """The settings panel's answers: by htmx (a notice) and as a plain form (a page)."""
        url = f"/s/{self.session_id}/settings"
        answers = {
            "settings refused": await self.api.post(
                url, data={**SETTINGS, "near_end_cue_min": "90"}, headers=BY_HTMX
            ),
            "settings refused, a page": await self.api.post(
                url, data={**SETTINGS, "near_end_cue_min": "90"}, headers=SAME_ORIGIN
            ),
            "settings from an older page": await self.api.post(
                url, data={"near_end_cue_s": "30"}, headers=BY_HTMX
            ),
            "settings saved": await self.api.post(url, data=SETTINGS, headers=BY_HTMX),
        }
        return {name: answer.text for name, answer in answers.items()}

    async def facilitate(self, kind: str, **fields: Any) -> None:
        await accepted(self.api, self.session_id, self.sam, kind, **fields)

    async def by(self, name: str, kind: str, **fields: Any) -> None:
        response = await self.api.post(
            f"/api/sessions/{self.session_id}/commands",
            json={"type": kind, "id": str(uuid.uuid4()), **fields},
            headers=bearer(self.people[name]["token"]),
        )
        assert response.status_code == 200, response.text

    async def join(self, name: str, *, admit: bool = True) -> None:
        self.people[name] = await join(self.api, self.session_id, name)
        if admit:
            await self.facilitate("admit", participant_id=self.people[name]["participant_id"])

    async def stage_id(self, title: str) -> str:
        view = await self.api.get(f"/api/sessions/{self.session_id}/view", headers=bearer(self.sam))
        return str(next(s["id"] for s in view.json()["stages"] if s["title"] == title))


async def every_state_of_a_console(
    app: FastAPI, api: httpx.AsyncClient
) -> tuple[Console, dict[str, str]]:
    """The console as it reads in each state it goes through, by name."""
    created = await new_session(api, ("Sam", "Ana"))
    console = Console(app, api, created)
    await api.get(f"/enter/{console.sam}")
    screens = {"nobody here yet": await console.page()}
    for name in NAMES[:3]:
        await console.join(name)
    await console.join("Mere", admit=False)
    screens["before the start, someone waiting"] = await console.page()
    await console.join("Jo", admit=False)
    for extra in range(6):
        await console.join(f"Guest {extra}", admit=False)
    screens["a burst of people waiting"] = await console.page()
    for name in ("Mere", "Jo"):
        await console.facilitate("admit", participant_id=console.people[name]["participant_id"])
    await console.facilitate("send_waiting_away")
    await console.facilitate("start_session")
    screens["a stage"] = await console.page()
    screens.update(await console.settings_answers())
    await console.facilitate("set_join_word", word="Heron")
    await console.facilitate("set_joining", open=False)
    screens["a word to join, joining closed"] = await console.page()

    await console.facilitate("go_to_stage", stage_id=await console.stage_id(ROUND))
    screens["a round, not started"] = await console.page()
    await console.facilitate("start_round", order_policy="join_order")
    await console.by("Priya", "pass_for_now")
    await console.by("Tom", "share")
    await console.by("Jo", "step_out")
    await console.by("Mere", "raise_hand")
    await console.by("Mere", "request_support")
    screens[
        "a round: speaking, next, in line, passed, stepped out; a hand and support"
    ] = await console.page()
    await console.facilitate(
        "acknowledge_hand", participant_id=console.people["Mere"]["participant_id"]
    )
    await console.facilitate("pause_timer")
    screens["the hand seen, the speaker's timer paused"] = await console.page()
    screens["the schedule, late"] = await console.schedule(minutes_from_now=30)
    screens["the schedule, far too late"] = await console.schedule(minutes_from_now=240)
    await console.facilitate("pause_session")
    screens["everything paused"] = await console.page()
    await console.facilitate("resume_session")

    await console.facilitate("go_to_stage", stage_id=await console.stage_id(INVITE))
    screens["who would like to Take Time, nobody yet"] = await console.page()
    await console.by("Lee", "offer_to_take_time", offered=True)
    screens["who would like to Take Time, someone offered"] = await console.page()
    await console.facilitate("advance_stage")
    screens["Taking Time: choosing"] = await console.page()
    await console.facilitate("choose_taker", participant_id=console.people["Lee"]["participant_id"])
    screens["Taking Time: voicing"] = await console.page()
    await console.facilitate("set_agreed_question", question="What helped?")
    screens["Taking Time: a question agreed"] = await console.page()
    await console.facilitate("start_round", order_policy="join_order")
    screens["Taking Time: the Round of Sharing"] = await console.page()
    await console.facilitate("invite_reflection")
    screens["Taking Time: reflection"] = await console.page()
    await console.by("Lee", "share")
    screens["Taking Time: complete"] = await console.page()

    await console.facilitate(
        "remove_participant", participant_id=console.people["Tom"]["participant_id"]
    )
    screens["someone removed"] = await console.page()
    await console.facilitate("end_session")
    screens["ended, someone to follow up"] = await console.page()
    await console.facilitate("follow_up_done")
    screens["ended, follow-up done"] = await console.page()
    return console, screens


async def test_no_word_escapes_translation_on_the_console(app: FastAPI) -> None:
    async with client_of(app) as api:
        api.cookies.set(LANGUAGE_COOKIE, PSEUDO)
        console, screens = await every_state_of_a_console(app, api)
    data = (
        console.join_code,
        *NAMES,
        *(f"Guest {extra}" for extra in range(6)),
        "Sam",
        "Ana",
        "Tuesday group",
        "Riverside",
        "Peer Rounds",
        "Heron",
        "What helped?",
        *AGENDA_WORDS,
    )
    for name, element in REACHED.items():
        assert f'id="{element}' in screens[name], name
    for name, html in screens.items():
        links = tuple(re.findall(r'href="([^"]+)"', html))
        words = KEY_CAPS.sub(r"\1\2", GROUP_NOTES.sub("", html))
        assert untranslated(words, (*data, *links)) == [], name


async def test_a_spanish_facilitator_runs_the_round_in_spanish(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app) as api:
        api.headers["Accept-Language"] = "es-MX,es;q=0.9"
        console = Console(app, api, await new_session(api, ("Sam", "Ana")))
        await api.get(f"/enter/{console.sam}")
        for name in NAMES[:3]:
            await console.join(name)
        await console.facilitate("start_session")
        await console.facilitate("go_to_stage", stage_id=await console.stage_id(ROUND))
        await console.facilitate("start_round", order_policy="join_order")
        page = await console.page()
        refused = await console.settings_answers()

    assert '<html lang="es">' in page
    for words in ("Hablando ahora", "Siguiente persona", "Pasar por ahora", "Sala de espera"):
        assert words in page, words
    assert "Siguen:</span> <strong><bdi>Tom</bdi></strong>, luego <bdi>Lee</bdi>" in page
    # The console's scripts say their words in Spanish too (reordering, shortcuts).
    assert "Pulsa S otra vez para avanzar, o Escape para quedarte." in page
    assert "No se ha cambiado nada." in refused["settings refused"]
    assert "Ajustes guardados." in refused["settings saved"]
