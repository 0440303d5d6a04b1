from __future__ import annotations

import asyncio

import pytest

from app.realtime.outbox import MAX_PENDING_REPLIES, Outbox, OutboxFull

pytestmark = pytest.mark.anyio


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


async def test_take_waits_for_something_due_and_wakes_when_it_comes() -> None:
    outbox = Outbox()
    waiting = asyncio.create_task(outbox.take())
    await asyncio.sleep(0.01)
    assert not waiting.done()
    outbox.offer_snapshot("v1")
    assert await asyncio.wait_for(waiting, 1) == ["v1"]
    # A sender cancelled while it waits leaves the outbox usable by the next one.
    cancelled = asyncio.create_task(outbox.take())
    await asyncio.sleep(0.01)
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    outbox.reply("ack")
    assert await asyncio.wait_for(outbox.take(), 1) == ["ack"]


async def test_closing_wakes_the_sender() -> None:
    outbox = Outbox()
    waiting = asyncio.create_task(outbox.take())
    await asyncio.sleep(0.01)
    outbox.close("replaced")
    assert await asyncio.wait_for(waiting, 1) == []
    assert outbox.closing == "replaced"


async def test_changes_go_to_a_screen_that_was_sent_the_version_before() -> None:
    outbox = Outbox()
    outbox.offer_snapshot("whole v1", diff="changes in v1")
    assert await outbox.take() == ["whole v1"]
    outbox.offer_snapshot("whole v2", diff="changes in v2")
    assert await outbox.take() == ["changes in v2"]


async def test_a_screen_that_skips_a_version_gets_the_whole_newest_one() -> None:
    outbox = Outbox()
    outbox.offer_snapshot("whole v1")
    assert await outbox.take() == ["whole v1"]
    outbox.offer_snapshot("whole v2", diff="changes in v2")
    outbox.offer_snapshot("whole v3", diff="changes in v3")
    assert await outbox.take() == ["whole v3"]
    outbox.offer_snapshot("whole v4", diff="changes in v4")
    assert await outbox.take() == ["changes in v4"]


async def test_replies_alone_do_not_count_as_a_snapshot_sent() -> None:
    outbox = Outbox()
    outbox.reply("ack")
    assert await outbox.take() == ["ack"]
    outbox.offer_snapshot("whole v1", diff="changes in v1")
    assert await outbox.take() == ["whole v1"]
