"""The count of open connections per address (app/web/connections.py); the protocols around
it are tested against a real server in tests/security/test_slow_clients.py."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.web.connections import OpenConnections, ReceivedEvents, Writable
from app.web.rate_limits import LOOPBACK

CAP = 3
ADDRESSES = st.sampled_from(["203.0.113.7", "198.51.100.4", "127.0.0.1", "::1"])
# (address, True) opens a connection; (address, False) closes one of that address's, if any.
STEPS = st.lists(st.tuples(ADDRESSES, st.booleans()), max_size=60)


@given(STEPS)
def test_an_address_is_refused_exactly_when_it_holds_the_cap(steps: list[tuple[str, bool]]) -> None:
    """A connection is admitted unless its address already holds CAP open ones; closing one
    makes room again; the machine itself is never refused."""
    count = OpenConnections(CAP, LOOPBACK)
    held: Counter[str] = Counter()
    for address, opening in steps:
        if opening:
            admitted = count.admit(address)
            assert admitted == (address in LOOPBACK or held[address] < CAP)
            if admitted:
                held[address] += 1
        elif held[address]:
            count.release(address)
            held[address] -= 1


def test_a_connection_without_an_address_is_not_counted() -> None:
    count = OpenConnections(1, LOOPBACK)
    assert all(count.admit(None) for _ in range(5))


@pytest.mark.anyio
async def test_received_events_come_out_in_order_and_a_reader_waits_for_the_next() -> None:
    events = ReceivedEvents()
    assert events.empty()
    events.put_nowait({"type": "websocket.connect"})
    events.put_nowait({"type": "websocket.receive", "text": "1"})
    assert await events.get() == {"type": "websocket.connect"}
    assert not events.empty()
    assert await events.get() == {"type": "websocket.receive", "text": "1"}
    assert events.empty()
    waiting = asyncio.create_task(events.get())
    await asyncio.sleep(0.01)
    assert not waiting.done()
    events.put_nowait({"type": "websocket.disconnect", "code": 1000})
    assert await asyncio.wait_for(waiting, 1) == {"type": "websocket.disconnect", "code": 1000}


@pytest.mark.anyio
async def test_a_read_given_up_on_loses_nothing_received_after_it() -> None:
    events = ReceivedEvents()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(events.get(), 0.01)
    events.put_nowait({"type": "websocket.receive", "text": "hello"})
    assert await asyncio.wait_for(events.get(), 1) == {"type": "websocket.receive", "text": "hello"}


@pytest.mark.anyio
async def test_a_writer_waits_while_the_socket_is_full_and_goes_on_when_it_drains() -> None:
    writable = Writable()
    await asyncio.wait_for(writable.wait(), 1)
    writable.clear()
    assert not writable.is_set()
    waiting = [asyncio.create_task(writable.wait()) for _ in range(2)]
    await asyncio.sleep(0.01)
    assert not any(task.done() for task in waiting)
    writable.set()
    await asyncio.wait_for(asyncio.gather(*waiting), 1)
    assert writable.is_set()
