"""The group pages, home and a member's own page in each person's language: a pseudo-language
run of every screen finds no word that escaped translation (docs/translating.md), and a Spanish
facilitator reads the group's days and meeting times as Spanish says them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.templates import SEED_TEMPLATES
from app.config import Settings
from app.groups.support_resources import PLACEHOLDERS
from app.main import create_app
from app.web.languages import LANGUAGE_COOKIE
from tests.support.groups import browser, create_group, post, register, today
from tests.support.translations import AGENDA_WORDS, PSEUDO, untranslated, write_pseudo_catalog

pytestmark = pytest.mark.anyio

# What people wrote or chose themselves, and the product's name: never translated.
DATA = (
    "Peer Rounds",
    "Riverside",
    "Sam",
    "Zoë",
    "Community hall",
    "Hall closed",
    "We share the quiet.",
    "Time for Zoë",
    "Lifeline",
    "0800 543 354",
    "24/7",
    "Europe/London",
    "London",
    "JSON",
    "CSV",
    *(template.name for template in SEED_TEMPLATES),
    *(template.description for template in SEED_TEMPLATES),
    *(text for resource in PLACEHOLDERS for text in resource.__dict__.values()),
    *AGENDA_WORDS,
)
LINK = re.compile(r"https?://[^\s<\"⟧]+")


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    locales = tmp_path / "locales"
    write_pseudo_catalog(locales)
    return create_app(Settings(data_dir=tmp_path, locales_dir=locales))


def escaped(page: httpx.Response) -> list[str]:
    """The words of `page` left outside the pseudo-language, links aside."""
    assert 'lang="qps"' in page.text
    return untranslated(LINK.sub(" ", page.text), DATA)


def group_notes(console: httpx.Response) -> httpx.Response:
    """The group's part of the console (templates/groups/session_actions.html), alone: the
    console around it is translated on its own."""
    found = re.search(r'<section id="group-notes".*?</section>', console.text, re.DOTALL)
    assert found is not None
    return httpx.Response(200, text=f'<html lang="qps">{found.group(0)}</html>')


async def test_no_word_escapes_translation_on_the_group_pages(app: FastAPI) -> None:
    next_week = today() + timedelta(days=7)
    screens: dict[str, httpx.Response] = {}
    async with browser(app) as sam:
        await register(sam)
        sam.cookies.set(LANGUAGE_COOKIE, PSEUDO)
        screens["home"] = await sam.get("/")
        screens["home, refused"] = await sam.post("/sessions", data={"title": " "})
        screens["no groups yet"] = await sam.get("/groups")
        screens["an unknown time zone"] = await post(
            sam, "/groups", name="Riverside", time_zone="Europe/Londn"
        )
        path = await create_group(sam, time_zone="Europe/London", new_members_every="4")
        group_id = path.rsplit("/", 1)[-1]
        await post(sam, f"{path}/members", preferred_name="Zoë")
        await post(sam, f"{path}/guidelines", text="We share the quiet.")
        await post(sam, f"{path}/guidelines-reviewed")
        await post(
            sam,
            f"{path}/actions",
            kind="guaranteed_time",
            detail="Time for Zoë",
            peer_name="Zoë",
            due_on=today().isoformat(),
        )
        await post(sam, f"{path}/meetings/{next_week.isoformat()}/cancel", reason="Hall closed")
        screens["a guideline refused"] = await post(sam, f"{path}/guidelines", text="")
        await post(sam, f"{path}/meetings/{today().isoformat()}/cancel", reason="Hall closed")
        group_page = (await sam.get(path)).text
        for pattern, fields in (
            (rf"/groups/{group_id}/guidelines/([^/]+)/retire", {}),
            (rf"/groups/{group_id}/members/([^/]+)/name-check", {}),
            (
                rf"/groups/{group_id}/support-resources/([^/]+)/confirm",
                {"name": "Lifeline", "how_to_reach": "0800 543 354", "when_available": "24/7"},
            ),
        ):
            found = re.search(pattern, group_page)
            assert found is not None, pattern
            await post(sam, found.group(0), **fields)
        member_id = re.search(
            rf"/groups/{group_id}/members/([^/]+)/link", (await sam.get(path)).text
        )
        assert member_id is not None
        screens["a member's link"] = await post(sam, f"{path}/members/{member_id.group(1)}/link")
        apologies = re.search(r"/apologies/[^\s<\"]+", screens["a member's link"].text)
        assert apologies is not None
        screens["an invitation made"] = await post(sam, f"{path}/invitations")
        invitation = re.search(r"/invitations/[^\s<\"]+", screens["an invitation made"].text)
        assert invitation is not None
        screens["the invitation"] = await sam.get(invitation.group(0))
        started = await post(sam, f"{path}/sessions")
        console = await sam.get(started.headers["location"], follow_redirects=True)
        session_id = re.search(r"/s/([^/]+)/console", str(console.url))
        assert session_id is not None
        screens["the console's group notes"] = group_notes(console)
        screens["an action from the console"] = await sam.post(
            f"/groups/sessions/{session_id.group(1)}/actions",
            data={"kind": "handout", "detail": "Time for Zoë", "due_on": next_week.isoformat()},
        )
        screens["an action refused"] = await sam.post(
            f"/groups/sessions/{session_id.group(1)}/actions", data={"kind": "handout"}
        )
        screens["the group, with everything"] = await sam.get(path)
        screens["your groups"] = await sam.get("/groups")
        screens["agenda templates"] = await sam.get("/templates")
        key = SEED_TEMPLATES[0].key
        screens["a template"] = await sam.get(f"/templates/{key}")
        screens["a template refused"] = await post(sam, f"/templates/{key}", name="Mine")
        screens["what we keep"] = await sam.get("/privacy")
        zoe = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        async with zoe:
            zoe.cookies.set(LANGUAGE_COOKIE, PSEUDO)
            screens["a member's own page"] = await zoe.get(apologies.group(0))
            screens["apologies for a cancelled meeting"] = await zoe.post(
                apologies.group(0),
                data={"meeting_on": next_week.isoformat()},
                headers={"Origin": "http://testserver"},
            )
            screens["apologies sent"] = await zoe.post(
                apologies.group(0),
                data={"meeting_on": (next_week + timedelta(days=7)).isoformat()},
                headers={"Origin": "http://testserver"},
            )

    refused = {
        "home, refused",
        "an unknown time zone",
        "a guideline refused",
        "an action refused",
        "a template refused",
    }
    assert {name: page.status_code for name, page in screens.items()} == {
        name: 422 if name in refused else 200 for name in screens
    } | {"apologies for a cancelled meeting": 409}
    assert "Europe/London" in screens["an unknown time zone"].text  # "Did you mean …?"
    everything = screens["the group, with everything"].text
    for shown in (
        'id="retired-guidelines"',
        'id="this-week-cancelled"',
        "Lifeline",
        "tag--cancelled",
    ):
        assert shown in everything, shown
    assert 'id="prospective-' not in everything
    assert {name: escaped(page) for name, page in screens.items()} == {name: [] for name in screens}
