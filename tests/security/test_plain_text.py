"""Names, titles and the agreed question are plain text: control characters are refused with a
calm message at every door (API, forms, websocket), and markup is shown as the text it is."""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.plain_text import PlainName, quoted
from tests.support.api import (
    SAME_ORIGIN,
    accepted,
    bearer,
    command,
    join,
    new_session,
    version_of,
)
from tests.support.live_server import Client, LiveServer, create_session

pytestmark = pytest.mark.anyio

HIDDEN = "It has a hidden control character in it (such as a tab)."
ONE_LINE = "Please write it on one line, without line breaks."
INVISIBLE = "It has an invisible formatting character in it (such as a direction mark"
CONTROL = [
    pytest.param("Pri\x00ya", HIDDEN, id="nul"),
    pytest.param("Pri\tya", HIDDEN, id="tab"),
    pytest.param("Pri\x1bya", HIDDEN, id="escape"),
    pytest.param("Pri\x7fya", HIDDEN, id="delete"),
    pytest.param("Pri\nya", ONE_LINE, id="line-break"),
    pytest.param("Pri\r\nya", ONE_LINE, id="crlf"),
    pytest.param("Pri\x85ya", HIDDEN, id="c1-next-line"),
    pytest.param("Pri\x9bya", HIDDEN, id="c1-control-sequence"),
    pytest.param("Pri\u202eay", INVISIBLE, id="right-to-left-override"),
    pytest.param("\u2067Priya", INVISIBLE, id="right-to-left-isolate"),
    pytest.param("Pri\u200fya", INVISIBLE, id="right-to-left-mark"),
    pytest.param("Pri\u061cya", INVISIBLE, id="arabic-letter-mark"),
    pytest.param("Pri\u200bya", INVISIBLE, id="zero-width-space"),
    pytest.param("Pri\u2060ya", INVISIBLE, id="word-joiner"),
    pytest.param("Pri\ufeffya", INVISIBLE, id="zero-width-no-break-space"),
]
MARKUP = "<img src=x onerror=alert(1)>"


def first_message(response: httpx.Response) -> str:
    detail: list[dict[str, Any]] = response.json()["detail"]
    return str(detail[0]["msg"])


@pytest.mark.parametrize(("name", "why"), CONTROL)
async def test_names_with_control_characters_are_refused_by_the_api(
    api: httpx.AsyncClient, name: str, why: str
) -> None:
    created = await new_session(api)
    sid = created["session_id"]
    response = await api.post(f"/api/sessions/{sid}/participants", json={"name": name})
    assert response.status_code == 422
    assert first_message(response).startswith(why)
    create = await api.post(
        "/api/sessions", json={"title": name, "group_name": "G", "facilitator_names": ["Sam"]}
    )
    assert create.status_code == 422
    assert first_message(create).startswith(why)


async def test_a_name_pasted_with_a_line_break_at_the_end_is_fine(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    joined = await join(api, created["session_id"], "Priya\r\n")
    view = await api.get(
        f"/api/sessions/{created['session_id']}/view", headers=bearer(joined["token"])
    )
    assert view.json()["you"]["name"] == "Priya"


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("set_agreed_question", {"question": "What\nhelped?"}),
        ("insert_stage", {"kind": "break", "title": "A\tpause", "minutes": 5}),
        ("insert_stage", {"kind": "break", "title": "Pause", "minutes": 5, "prompt": "\x00"}),
    ],
)
async def test_commands_with_control_characters_change_nothing(
    api: httpx.AsyncClient, kind: str, fields: dict[str, Any]
) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    before = await version_of(api, sid, sam)
    response = await command(api, sid, sam, kind, **fields)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["message"].startswith("Please check “")
    assert await version_of(api, sid, sam) == before


@pytest.mark.parametrize(("name", "why"), CONTROL)
async def test_the_forms_refuse_control_characters_and_keep_what_was_typed(
    api: httpx.AsyncClient, name: str, why: str
) -> None:
    code = (await new_session(api))["join_code"]
    joined = await api.post(f"/join/{code}", data={"name": name}, headers=SAME_ORIGIN)
    assert joined.status_code == 422
    assert why in joined.text
    created = await api.post(
        "/sessions",
        data={"title": name, "group_name": "Riverside", "facilitator_name": "Sam"},
        headers=SAME_ORIGIN,
    )
    assert created.status_code == 422
    assert why in created.text
    assert 'value="Riverside"' in created.text


async def test_the_websocket_refuses_control_characters(server: LiveServer) -> None:
    created = create_session(server)
    lead = await Client.open(
        server, created["session_id"], "facilitator", created["facilitators"][0]["token"]
    )
    before = lead.version
    reject = await lead.send_command("insert_stage", kind="break", title="A\x00b", minutes=5)
    assert reject["type"] == "reject"
    assert reject["code"] == "invalid"
    assert reject["message"] == f"Please check “title”: {HIDDEN[0].lower()}{HIDDEN[1:]}" + (
        " Please type it again with ordinary letters, numbers and punctuation."
    )
    assert (await lead.send_command("start_session"))["version"] == before + 1
    await lead.close()


async def test_markup_in_a_name_is_shown_as_text_on_every_screen(api: httpx.AsyncClient) -> None:
    created = await new_session(api)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    marked = await join(api, sid, MARKUP)
    await accepted(api, sid, sam, "admit", participant_id=marked["participant_id"])
    for link in (sam, created["room"]["token"], marked["token"]):
        assert (await api.get(f"/enter/{link}")).is_redirect
    await shown_as_text(api, f"/s/{sid}/me")  # "You're in, <name>"
    for kind in ("start_session", "advance_stage", "start_round"):
        await accepted(api, sid, sam, kind)
    # Now they are speaking: the console and the room show the speaker's name.
    for screen in ("console", "room"):
        await shown_as_text(api, f"/s/{sid}/{screen}")


async def shown_as_text(api: httpx.AsyncClient, path: str) -> None:
    page = await api.get(path)
    assert page.status_code == 200
    assert MARKUP not in page.text, path
    assert html.escape(MARKUP, quote=False) in page.text, path


# --- the rule, as a property ---------------------------------------------------------------------
# Rule: letters, marks, digits, punctuation, symbols and spaces of every script are plain text;
# controls (C0, C1), bidirectional controls, zero-width characters and lone surrogates never are,
# wherever in the text they stand.

NAME = TypeAdapter(PlainName)
REFUSED = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    + list("\u200b\u200c\u200d\u2060\ufeff")
    + ["\ud800", "\udbff", "\udc00", "\udfff"]
)
any_script = st.text(
    st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=40
).filter(lambda text: text.strip())


@given(any_script)
def test_text_of_any_script_is_a_name(name: str) -> None:
    assert NAME.validate_python(name) == name.strip()


@pytest.mark.parametrize("name", ["Tāne Rāwiri", "Zoë", "李", "محمد", "שרה", "Ngāi Tahu", "Đặng"])
def test_names_people_have_are_names(name: str) -> None:
    assert NAME.validate_python(name) == name


@given(before=any_script, refused=st.sampled_from(REFUSED), after=any_script)
def test_a_refused_character_is_refused_wherever_it_stands(
    before: str, refused: str, after: str
) -> None:
    with pytest.raises(ValidationError) as refusal:
        NAME.validate_python((before + refused + after)[:40])
    # Ours, with its calm sentence; a lone surrogate is pydantic's own refusal of a `str`.
    assert refusal.value.errors()[0]["type"] in ("control_characters", "string_unicode")


@given(st.text())
def test_a_quotation_has_one_pair_of_double_quotes_whatever_it_quotes(text: str) -> None:
    shown = quoted(text)
    assert shown[0] == "“"
    assert shown[-1] == "”"
    inside = shown[1:-1]
    assert not {"“", "”", '"'} & set(inside)
    assert len(inside) == len(text)
