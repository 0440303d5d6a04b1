"""Seats and the waiting room (issue 16): someone with the join code, joining from many
addresses, must not lock a session, and the facilitators can clear what they sent in one action.

The joins come from addresses of the documentation ranges (RFC 5737): the machine itself is
never limited (app/web/rate_limits.py), so tests from loopback would prove nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.session.commands import MAX_PARTICIPANTS
from app.web.access import SENT_AWAY
from tests.support.api import SAME_ORIGIN, bearer, client_of, new_session

pytestmark = pytest.mark.anyio

# Seven networks, as in the issue: each may join 30 times a minute.
ATTACKERS = [(f"198.51.100.{n}", 40000 + n) for n in range(1, 8)]
SOMEONE_REAL = ("203.0.113.50", 50000)


class Everyone:
    """One app, seen from the attackers' addresses and from a real person's phone."""

    def __init__(self, attackers: list[httpx.AsyncClient], real: httpx.AsyncClient) -> None:
        self.attackers = attackers
        self.real = real


@pytest.fixture
async def everyone(tmp_path: Path) -> AsyncIterator[Everyone]:
    app = create_app(Settings(data_dir=tmp_path))
    async with AsyncExitStack() as stack:
        attackers = [await stack.enter_async_context(client_of(app, a)) for a in ATTACKERS]
        real = await stack.enter_async_context(client_of(app, SOMEONE_REAL))
        yield Everyone(attackers, real)


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


async def flood(everyone: Everyone, session_id: str) -> list[str]:
    """Join from every attacker's address until each is refused; the tokens that got in."""
    tokens = []
    for number, attacker in enumerate(everyone.attackers):
        for attempt in range(40):
            joined = await join(attacker, session_id, f"Bot {number}-{attempt}")
            if joined.status_code != 201:
                break
            tokens.append(joined.json()["token"])
    return tokens


async def test_sending_everyone_away_lets_a_real_person_in_after_a_flood(
    everyone: Everyone,
) -> None:
    created = await new_session(everyone.real)
    sid, sam = created["session_id"], created["facilitators"][0]["token"]
    bots = await flood(everyone, sid)
    assert len(bots) == MAX_PARTICIPANTS
    full = await join(everyone.real, sid, "Priya")
    assert full.status_code == 409, full.text
    sent = await command(everyone.real, sid, sam, type="send_waiting_away")
    assert sent.status_code == 200, sent.text
    view = (await everyone.real.get(f"/api/sessions/{sid}/view", headers=bearer(sam))).json()
    assert view["waiting_room"] == []
    priya = await join(everyone.real, sid, "Priya")
    assert priya.status_code == 201, priya.text
    # Those sent away are told so, calmly, wherever they look.
    refused = await everyone.real.get(f"/api/sessions/{sid}/view", headers=bearer(bots[0]))
    assert refused.status_code == 403
    assert refused.json() == {"code": "not_allowed", "message": SENT_AWAY}


CLOSED = "This session is not taking new people right now. Please ask a facilitator."


async def test_while_joining_is_closed_a_join_is_refused_calmly_and_nothing_typed_is_lost(
    everyone: Everyone,
) -> None:
    created = await new_session(everyone.real)
    sid, code, sam = created["session_id"], created["join_code"], created["facilitators"][0]
    closed = await command(everyone.real, sid, sam["token"], type="set_joining", open=False)
    assert closed.status_code == 200, closed.text
    refused = await join(everyone.attackers[0], sid, "Bot")
    assert refused.status_code == 409
    assert refused.json() == {"code": "invalid", "message": CLOSED}
    form = await everyone.real.get(f"/join/{code}")
    assert CLOSED in form.text
    posted = await everyone.real.post(f"/join/{code}", data={"name": "Priya"}, headers=SAME_ORIGIN)
    assert posted.status_code == 409
    assert CLOSED in posted.text
    assert 'value="Priya"' in posted.text
    opened = await command(everyone.real, sid, sam["token"], type="set_joining", open=True)
    assert opened.status_code == 200, opened.text
    assert CLOSED not in (await everyone.real.get(f"/join/{code}")).text
    posted = await everyone.real.post(f"/join/{code}", data={"name": "Priya"}, headers=SAME_ORIGIN)
    assert posted.is_redirect
