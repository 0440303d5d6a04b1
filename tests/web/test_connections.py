"""The count of open connections per address (app/web/connections.py); the protocols around
it are tested against a real server in tests/security/test_slow_clients.py."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from app.web.connections import OpenConnections
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
