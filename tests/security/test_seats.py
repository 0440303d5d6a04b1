"""Seats and the waiting room (issue 16): someone with the join code, joining from many
addresses, must not lock a session, and the facilitators can clear what they sent in one action.

The joins come from addresses of the documentation ranges (RFC 5737): the machine itself is
never limited (app/web/rate_limits.py), so tests from loopback would prove nothing.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.session.decide.people import (
    JOINING_CLOSED,
    WAITING_ROOM_FULL,
    WORD_NEEDED,
    WRONG_WORD,
)
from app.web.access import SENT_AWAY
from app.web.rate_limits import SESSION_JOINS_TOO_FAST
from tests.support.api import LOOPBACK_CLIENT, SAME_ORIGIN, bearer, client_of, new_session

pytestmark = pytest.mark.anyio

# Seven networks, as in the issue: each may join 30 times a minute.
ATTACKERS = [(f"198.51.100.{n}", 40000 + n) for n in range(1, 8)]
SOMEONE_REAL = ("203.0.113.50", 50000)


class Everyone:
    """One app, seen from the attackers' addresses and from a real person's phone."""

    def __init__(self, attackers: list[httpx.AsyncClient], real: httpx.AsyncClient) -> None:
        self.attackers = attackers
        self.real = real


@asynccontextmanager
async def everyone_of(data_dir: Path, **settings: Any) -> AsyncIterator[Everyone]:
    app = create_app(Settings(data_dir=data_dir, **settings))
    async with AsyncExitStack() as stack:
        attackers = [await stack.enter_async_context(client_of(app, a)) for a in ATTACKERS]
        real = await stack.enter_async_context(client_of(app, SOMEONE_REAL))
        yield Everyone(attackers, real)


@pytest.fixture
async def everyone(tmp_path: Path) -> AsyncIterator[Everyone]:
    """With the settings as shipped."""
    async with everyone_of(tmp_path) as found:
        yield found


@pytest.fixture
async def no_join_rate(tmp_path: Path) -> AsyncIterator[Everyone]:
    """With the per-session join rate out of the way, to see the waiting room's own cap."""
    async with everyone_of(tmp_path, joins_per_session_per_minute=1000) as found:
        yield found


async def join(client: httpx.AsyncClient, session_id: str, name: str) -> httpx.Response:
    return await client.post(f"/api/sessions/{session_id}/participants", json={"name": name})


async def command(
    client: httpx.AsyncClient, session_id: str, token: str, **fields: Any
) -> httpx.Response:
    return await client.post(
        f"/api/sessions/{session_id}/commands",
        json={"id": str(uuid.uuid4()), **fields},
        headers=bearer(token),
    )


async def waiting_room(client: httpx.AsyncClient, session_id: str, token: str) -> list[Any]:
    view = await client.get(f"/api/sessions/{session_id}/view", headers=bearer(token))
    assert view.status_code == 200, view.text
    waiting: list[Any] = view.json()["waiting_room"]
    return waiting


async def flood(everyone: Everyone, session_id: str) -> tuple[list[str], list[httpx.Response]]:
    """Join 40 times from every attacker's address: the tokens that got in, and the refusals."""
    tokens, refusals = [], []
    for number, attacker in enumerate(everyone.attackers):
        for attempt in range(40):
            joined = await join(attacker, session_id, f"Bot {number}-{attempt}")
            if joined.status_code == 201:
                tokens.append(joined.json()["token"])
            else:
                refusals.append(joined)
    return tokens, refusals


async def test_a_session_takes_twenty_joins_a_minute_whatever_the_addresses(
    everyone: Everyone,
) -> None:
    created = await new_session(everyone.real)
    sid, code = created["session_id"], created["join_code"]
    bots, refusals = await flood(everyone, sid)
    assert len(bots) == 20
    assert len(refusals) == 40 * len(ATTACKERS) - 20
    session_refusals = [r for r in refusals if r.json()["message"] == SESSION_JOINS_TOO_FAST]
    # Each address also has 30 a minute of its own: past that, its own refusal comes first.
    assert len(session_refusals) == 30 * len(ATTACKERS) - 20
    assert all(r.status_code == 429 and r.json()["code"] == "slow_down" for r in refusals)
    assert all(1 <= int(r.headers["retry-after"]) <= 60 for r in refusals)
    page = await everyone.real.post(f"/join/{code}", data={"name": "Priya"}, headers=SAME_ORIGIN)
    assert page.status_code == 429
    assert SESSION_JOINS_TOO_FAST in page.text
    assert 'value="Priya"' in page.text
    # Another session is not touched by this one's flood.
    other = (await new_session(everyone.real))["session_id"]
    assert (await join(everyone.real, other, "Priya")).status_code == 201


async def test_the_waiting_room_holds_thirty_and_sending_them_away_lets_a_real_person_in(
    no_join_rate: Everyone,
) -> None:
    everyone = no_join_rate
    created = await new_session(everyone.real)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    bots, refusals = await flood(everyone, sid)
    assert len(bots) == 30
    full = await join(everyone.real, sid, "Priya")
    assert full.status_code == 409
    assert full.json() == {"code": "invalid", "message": WAITING_ROOM_FULL}
    assert {r.json()["message"] for r in refusals if r.status_code == 409} == {WAITING_ROOM_FULL}
    # Letting someone in makes room for one more.
    first = (await waiting_room(everyone.real, sid, sam))[0]["id"]
    admitted = await command(everyone.real, sid, sam, type="admit", participant_id=first)
    assert admitted.status_code == 200, admitted.text
    assert (await join(everyone.real, sid, "Noor")).status_code == 201
    sent = await command(everyone.real, sid, sam, type="send_waiting_away")
    assert sent.status_code == 200, sent.text
    assert await waiting_room(everyone.real, sid, sam) == []
    priya = await join(everyone.real, sid, "Priya")
    assert priya.status_code == 201, priya.text
    assert [p["name"] for p in await waiting_room(everyone.real, sid, sam)] == ["Priya"]
    # Those sent away are told so, calmly, wherever they look.
    refused = await everyone.real.get(f"/api/sessions/{sid}/view", headers=bearer(bots[-1]))
    assert refused.status_code == 403
    assert refused.json() == {"code": "not_allowed", "message": SENT_AWAY}


async def test_the_machine_itself_is_not_held_to_the_session_limits(tmp_path: Path) -> None:
    """Loopback: the demo, the tests, or a proxy that does not name its client."""
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app, LOOPBACK_CLIENT) as local:
        sid = (await new_session(local))["session_id"]
        for number in range(40):
            assert (await join(local, sid, f"Peer {number}")).status_code == 201


async def test_while_joining_is_closed_a_join_is_refused_calmly_and_nothing_typed_is_lost(
    everyone: Everyone,
) -> None:
    created = await new_session(everyone.real)
    sid, code, sam = created["session_id"], created["join_code"], created["facilitators"][0]
    closed = await command(everyone.real, sid, sam["token"], type="set_joining", open=False)
    assert closed.status_code == 200, closed.text
    refused = await join(everyone.attackers[0], sid, "Bot")
    assert refused.status_code == 409
    assert refused.json() == {"code": "invalid", "message": JOINING_CLOSED}
    form = await everyone.real.get(f"/join/{code}")
    assert JOINING_CLOSED in form.text
    posted = await everyone.real.post(f"/join/{code}", data={"name": "Priya"}, headers=SAME_ORIGIN)
    assert posted.status_code == 409
    assert JOINING_CLOSED in posted.text
    assert 'value="Priya"' in posted.text
    opened = await command(everyone.real, sid, sam["token"], type="set_joining", open=True)
    assert opened.status_code == 200, opened.text
    assert JOINING_CLOSED not in (await everyone.real.get(f"/join/{code}")).text
    posted = await everyone.real.post(f"/join/{code}", data={"name": "Priya"}, headers=SAME_ORIGIN)
    assert posted.is_redirect


async def test_with_a_word_set_only_those_in_the_room_can_join(everyone: Everyone) -> None:
    created = await new_session(everyone.real)
    sid, code, sam = created["session_id"], created["join_code"], created["facilitators"][0]
    asked = await command(everyone.real, sid, sam["token"], type="set_join_word", word="Heron")
    assert asked.status_code == 200, asked.text
    for attacker in everyone.attackers:
        refused = await join(attacker, sid, "Bot")
        assert refused.status_code == 409
        assert refused.json()["message"] == WORD_NEEDED
    guessed = await everyone.attackers[0].post(
        f"/api/sessions/{sid}/participants", json={"name": "Bot", "word": "egret"}
    )
    assert guessed.json()["message"] == WRONG_WORD
    form = await everyone.real.get(f"/join/{code}")
    assert 'name="word"' in form.text
    assert "Heron" not in form.text  # the word is said in the room, never shown
    wrong = await everyone.real.post(
        f"/join/{code}", data={"name": "Priya", "word": "heron?"}, headers=SAME_ORIGIN
    )
    assert wrong.status_code == 409
    assert WRONG_WORD in html.unescape(wrong.text)
    assert 'value="Priya"' in wrong.text
    assert 'value="heron?"' in wrong.text
    joined = await everyone.real.post(
        f"/join/{code}", data={"name": "Priya", "word": "heron"}, headers=SAME_ORIGIN
    )
    assert joined.is_redirect
    room = await everyone.real.get(
        f"/api/sessions/{sid}/view", headers=bearer(created["room"]["token"])
    )
    assert "Heron" not in room.text
