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


def offer(outbox: Outbox, version: int) -> None:
    """As the hub offers a version: only its changes where the outbox takes them."""
    outbox.offer_snapshot(f"changes in v{version}" if outbox.takes_changes else f"whole v{version}")


async def test_changes_go_to_a_screen_that_was_sent_the_version_before() -> None:
    outbox = Outbox()
    offer(outbox, 1)
    assert await outbox.take() == ["whole v1"]
    offer(outbox, 2)
    assert await outbox.take() == ["changes in v2"]


async def test_a_screen_that_skips_a_version_gets_the_whole_newest_one() -> None:
    outbox = Outbox()
    offer(outbox, 1)
    assert await outbox.take() == ["whole v1"]
    offer(outbox, 2)
    offer(outbox, 3)
    assert await outbox.take() == ["whole v3"]
    offer(outbox, 4)
    assert await outbox.take() == ["changes in v4"]


async def test_replies_alone_do_not_count_as_a_snapshot_sent() -> None:
    outbox = Outbox()
    outbox.reply("ack")
    assert await outbox.take() == ["ack"]
    offer(outbox, 1)
    assert await outbox.take() == ["whole v1"]


class Sink:
    def __init__(self, takes: bool = True) -> None:
        self.takes = takes
        self.taken: list[tuple[str, bool]] = []

    def __call__(self, message: str, shared: bool) -> bool:
        if self.takes:
            self.taken.append((message, shared))
        return self.takes


async def test_a_sink_takes_what_is_offered_while_nothing_is_due() -> None:
    outbox = Outbox()
    outbox.sink = sink = Sink()
    outbox.offer_snapshot("v1")
    outbox.reply("ack 1")
    assert sink.taken == [("v1", True), ("ack 1", False)]
    waiting = asyncio.create_task(outbox.take())
    await asyncio.sleep(0.01)
    assert not waiting.done()
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)


async def test_what_a_sink_refuses_waits_and_what_follows_keeps_its_order() -> None:
    """A refused snapshot (the client reads slowly) is kept; the reply after it must not
    overtake it, even once the sink would take it."""
    outbox = Outbox()
    outbox.sink = sink = Sink(takes=False)
    outbox.offer_snapshot("v2")
    sink.takes = True
    outbox.reply("ack 2")
    outbox.offer_snapshot("v3")
    assert sink.taken == []
    assert await outbox.take() == ["v3", "ack 2"]
    outbox.offer_snapshot("v4")
    assert sink.taken == [("v4", True)]


async def test_nothing_goes_to_the_sink_once_the_connection_is_to_close() -> None:
    outbox = Outbox()
    outbox.sink = sink = Sink()
    outbox.close("replaced")
    assert await outbox.take() == []
    outbox.offer_snapshot("v5")
    assert sink.taken == []
    assert await outbox.take() == ["v5"]


async def test_a_version_the_sink_took_counts_as_sent_and_a_refused_one_is_sent_whole() -> None:
    """Changes go straight out to a screen the sink gave the version before; when the sink
    refuses them (the client reads slowly), the slot keeps them, and the next version, which
    finds them unsent, goes whole."""
    outbox = Outbox()
    outbox.sink = sink = Sink()
    offer(outbox, 1)
    offer(outbox, 2)
    assert sink.taken == [("whole v1", True), ("changes in v2", True)]
    sink.takes = False
    offer(outbox, 3)
    offer(outbox, 4)
    assert await outbox.take() == ["whole v4"]


def test_on_due_is_told_only_when_something_waits_for_a_sender() -> None:
    outbox = Outbox()
    taken: list[str] = []
    told: list[bool] = []

    def sink(message: str, shared: bool) -> bool:
        taken.append(message)
        return True

    outbox.sink = sink
    outbox.on_due = lambda: told.append(True)
    outbox.offer_snapshot("v1")
    outbox.reply("ack 1")
    assert taken == ["v1", "ack 1"]
    assert told == []
    outbox.sink = lambda message, shared: False
    outbox.offer_snapshot("v2")
    assert told == [True]
