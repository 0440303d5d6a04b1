"""Rate limits, counted with the `limits` library (moving windows).

Per client address: starting sessions and joining them (the two things anyone may do without a
link), and creating accounts. Logging in: per account and address together, and per address
(`RateLimits.login`). Per session: joins with its code, from every address together. Per
websocket connection: commands, and every message as a last line against a flood. Per person:
commands sent through the JSON API, with the same allowance as a connection.
Counts live in this process's memory unless `address_storage` names a shared storage (e.g.
"redis://host:6379/0"): with several processes and memory storage, each process counts alone.

A connection's own counts are kept on the connection (MovingWindow), not in the library's
memory storage: that storage starts a thread every 10 ms which walks every key it holds, and
with a few hundred facilitators' sockets it used a fifth of a core and fought the event loop
for the interpreter lock (bench/README.md). The policy strings are still the library's.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from fastapi import FastAPI, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.config import Settings
from app.translatable import translatable

Bucket = Literal["create_session", "join", "register"]
# The machine itself (the demo, health checks, the test suite), or a reverse proxy that does not
# say who its client is (uvicorn believes X-Forwarded-For from 127.0.0.1). Limiting that one
# address would limit everybody together, so it is not limited at all (docs/security.md).
LOOPBACK = frozenset({"127.0.0.1", "::1"})


SLOW_DOWN: dict[Bucket, str] = {
    "create_session": "Several sessions have just been started from here. "
    "Please wait a minute, then try again.",
    "join": translatable(
        "Lots of people have just joined from this network. Please wait a moment, then try again."
    ),
    "register": translatable(
        "Several accounts have just been created from this network. Please wait a while, then "
        "try again."
    ),
}
SESSION_JOINS_TOO_FAST = translatable(
    "Lots of people are joining this session just now. Please wait a moment, then try again."
)
COMMANDS_TOO_FAST = translatable("That was a lot at once. Please wait a moment, then try again.")


LoginCount = Literal["account", "address"]
LOGIN_SLOW_DOWN: dict[LoginCount, str] = {
    "account": translatable(
        "There have been several tries to log in to this account just now. For its safety, "
        "please wait a minute and try again."
    ),
    "address": translatable(
        "There have been a lot of tries to log in from this network just now. Please wait a "
        "while, then try again."
    ),
}


@dataclass(frozen=True, slots=True)
class LoginWait:
    full: LoginCount
    seconds: int


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    create_session: str = "10/minute"
    # A whole room may scan the QR code at once from one network (one address behind NAT).
    join: str = "30/minute"
    # Per session, whatever the address: someone with the code and many addresses cannot pour
    # people into one session's waiting room faster than this (Settings.joins_per_session_...).
    join_session: str = "20/minute"
    # Scripts send short bursts (a facilitator's tool, a test); people never come close.
    command_burst: str = "40 per 2 seconds"
    command_sustained: str = "300/minute"
    # Any message at all: beyond this the connection is closed (4429), not just answered.
    flood: str = "200 per 10 seconds"
    unlimited_addresses: frozenset[str] = LOOPBACK
    address_storage: str = "memory://"
    # Accounts (docs/security.md): each registration costs an argon2id hash, and login tries
    # are counted per account and address together (never per account alone: that would let a
    # stranger lock the owner out) and per address (guessing one password against many emails).
    register: str = "5/hour"
    login_per_account: str = "5/minute"
    login_per_address: str = "30/hour"


def policy_for(settings: Settings) -> RateLimitPolicy:
    return RateLimitPolicy(
        register=f"{settings.registrations_per_address_per_hour}/hour",
        login_per_account=f"{settings.login_tries_per_account_per_minute}/minute",
        login_per_address=f"{settings.login_tries_per_address_per_hour}/hour",
        join_session=f"{settings.joins_per_session_per_minute}/minute",
    )


class RateLimits:
    def __init__(self, policy: RateLimitPolicy | None = None) -> None:
        self.policy = policy or RateLimitPolicy()
        self._by_address = MovingWindowRateLimiter(storage_from_string(self.policy.address_storage))
        # A person using the JSON API through several processes gets each process's allowance.
        self._by_person = MovingWindowRateLimiter(MemoryStorage())
        self._address_items: dict[Bucket, RateLimitItem] = {
            "create_session": parse(self.policy.create_session),
            "join": parse(self.policy.join),
            "register": parse(self.policy.register),
        }
        self._login_items: dict[LoginCount, RateLimitItem] = {
            "account": parse(self.policy.login_per_account),
            "address": parse(self.policy.login_per_address),
        }
        self._session_join_item = parse(self.policy.join_session)
        self._command_items = (
            parse(self.policy.command_burst),
            parse(self.policy.command_sustained),
        )
        self._flood_item = parse(self.policy.flood)

    def limits(self, address: str | None) -> bool:
        """Whether requests from `address` are limited (the machine itself is not)."""
        return address is not None and address not in self.policy.unlimited_addresses

    def wait_for(self, bucket: Bucket, address: str | None) -> int | None:
        """Count one attempt from `address`: None if it may go ahead, else seconds to wait."""
        if address is None or not self.limits(address):
            return None
        item = self._address_items[bucket]
        if self._by_address.hit(item, bucket, address):
            return None
        return self._seconds_until_room(item, bucket, address)

    def login(self, email: str, address: str | None) -> LoginWait | None:
        """Count one try to log in to `email` from `address`, before its password is checked
        (tries sent together cannot overshoot): None if it may go ahead, else which count is
        full and how long to wait. A refused try is not counted."""
        counts: list[tuple[LoginCount, tuple[str, ...]]] = [("account", (email, address or ""))]
        if address is not None and self.limits(address):
            counts.append(("address", (address,)))
        for count, keys in counts:
            if not self._by_address.test(self._login_items[count], f"login-{count}", *keys):
                seconds = self._seconds_until_room(
                    self._login_items[count], f"login-{count}", *keys
                )
                return LoginWait(count, seconds)
        for count, keys in counts:
            self._by_address.hit(self._login_items[count], f"login-{count}", *keys)
        return None

    def wait_to_join(self, session_id: str) -> int | None:
        """None if the session takes one more join now, else seconds to wait. Only joins that
        happen are counted (`joined`): refusals (the door closed, a full waiting room) must not
        use up the allowance of the people who come after."""
        item = self._session_join_item
        if self._by_address.test(item, "join_session", session_id):
            return None
        return self._seconds_until_room(item, "join_session", session_id)

    def joined(self, session_id: str) -> None:
        self._by_address.hit(self._session_join_item, "join_session", session_id)

    def _seconds_until_room(self, item: RateLimitItem, *keys: str) -> int:
        reset_at, _remaining = self._by_address.get_window_stats(item, *keys)
        return max(1, math.ceil(reset_at - time.time()))

    def connection(self, clock: Callable[[], float] = time.monotonic) -> Budget:
        """A new websocket connection's own allowance, counted on the connection itself."""
        return Budget(
            tuple(MovingWindow(item, clock) for item in self._command_items),
            MovingWindow(self._flood_item, clock),
        )

    def budget(self, key: str) -> Budget:
        """The allowance of a person using the JSON API, counted under `key` across requests."""
        return Budget(
            tuple(
                SharedWindow(self._by_person, item, "command", key) for item in self._command_items
            ),
            SharedWindow(self._by_person, self._flood_item, "message", key),
        )


class Window(Protocol):
    def allows(self) -> bool: ...

    def count(self) -> None: ...


class MovingWindow:
    """At most `item.amount` in any `item`'s span of seconds, for one sender: the same rule as
    the library's moving window, in the memory of the connection it belongs to."""

    __slots__ = ("_amount", "_clock", "_seconds", "_times")

    def __init__(self, item: RateLimitItem, clock: Callable[[], float]) -> None:
        self._amount = item.amount
        self._seconds = item.get_expiry()
        self._clock = clock
        # Only the newest `amount` moments matter: the oldest of them says whether one more fits.
        # Made at the first count: most screens never send a command (600 bytes each saved).
        self._times: deque[float] | None = None

    def allows(self) -> bool:
        times = self._times
        return (
            times is None or len(times) < self._amount or self._clock() - times[0] >= self._seconds
        )

    def count(self) -> None:
        if self._times is None:
            self._times = deque(maxlen=self._amount)
        self._times.append(self._clock())


class SharedWindow:
    """A moving window kept by the library's limiter, under a key that outlives a request."""

    __slots__ = ("_item", "_key", "_limiter", "_namespace")

    def __init__(
        self, limiter: MovingWindowRateLimiter, item: RateLimitItem, namespace: str, key: str
    ) -> None:
        self._limiter = limiter
        self._item = item
        self._namespace = namespace
        self._key = key

    def allows(self) -> bool:
        return self._limiter.test(self._item, self._namespace, self._key)

    def count(self) -> None:
        self._limiter.hit(self._item, self._namespace, self._key)


class Budget:
    """What one sender may still send."""

    __slots__ = ("_command_windows", "_flood_window")

    def __init__(self, command_windows: tuple[Window, ...], flood_window: Window) -> None:
        self._command_windows = command_windows
        self._flood_window = flood_window

    def message(self) -> bool:
        """Count any message; False once the connection floods the server."""
        if not self._flood_window.allows():
            return False
        self._flood_window.count()
        return True

    def command(self) -> bool:
        """Count a command; False when it comes too fast (answered with `slow_down`)."""
        windows = self._command_windows
        # Test all before counting any, so that a refused command uses up no allowance.
        if not all(window.allows() for window in windows):
            return False
        for window in windows:
            window.count()
        return True


class UnauthenticatedSockets:
    """Websockets that have not yet said who they are, counted per address.

    Such a socket costs memory and a timer while proving nothing; without a cap one address
    could hold thousands open. A real screen proves itself within a moment (cookie or hello),
    so a whole room behind one network address stays far below the cap.
    """

    def __init__(self, cap: int, exempt: frozenset[str]) -> None:
        self._cap = cap
        self._exempt = exempt
        self._open: Counter[str] = Counter()

    @contextmanager
    def admitted(self, address: str | None) -> Iterator[bool]:
        """True (and counted until the block ends) if ``address`` may open one more."""
        if address is None or address in self._exempt:
            yield True
            return
        if self._open[address] >= self._cap:
            yield False
            return
        self._open[address] += 1
        try:
            yield True
        finally:
            self._open[address] -= 1
            if not self._open[address]:
                del self._open[address]


def install_rate_limits(app: FastAPI, policy: RateLimitPolicy | None = None) -> None:
    app.state.rate_limits = RateLimits(policy)


def rate_limits_of(app: FastAPI) -> RateLimits:
    found: RateLimits = app.state.rate_limits
    return found


def client_address(request: Request) -> str | None:
    return None if request.client is None else request.client.host


def attempt(request: Request, bucket: Bucket) -> int | None:
    """Count one attempt at `bucket` from the request's address: seconds to wait, if too many."""
    return rate_limits_of(request.app).wait_for(bucket, client_address(request))
