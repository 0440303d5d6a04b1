from __future__ import annotations

import pytest

from app.realtime.outbox import MAX_PENDING_REPLIES, Outbox, OutboxFull

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_slow_reader_gets_only_the_newest_snapshot() -> None:
    outbox = Outbox()
    for version in range(1, 1001):
        outbox.offer_snapshot(f"v{version}")
    assert await outbox.take() == ["v1000"]


async def test_replies_follow_the_snapshot_they_are_about() -> None:
    outbox = Outbox()
    outbox.reply("ack 2")
    outbox.offer_snapshot("v2")
    assert await outbox.take() == ["v2", "ack 2"]


def test_a_client_that_never_reads_its_replies_is_stopped() -> None:
    outbox = Outbox()
    for number in range(MAX_PENDING_REPLIES):
        outbox.reply(f"reply {number}")
    with pytest.raises(OutboxFull):
        outbox.reply("one too many")
