"""The broker for several processes: Redis pub/sub (see app/realtime/broker.py for what it carries).

A module of its own so that a single process, which needs no Redis, never imports the client.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

import anyio
import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from app.realtime.broker import Listener

log = structlog.get_logger(__name__)

CHANNEL_PREFIX = "peer-rounds:session:"
# Subscribed for as long as the connection lives, even when no session here has viewers: it keeps
# the connection open, so an outage is noticed (and followed by a catch-up) at once, not later.
PRESENCE_CHANNEL = "peer-rounds:processes"
# Redis calls give up after this long; a command never waits on Redis (publishing runs apart).
REDIS_TIMEOUT_S = 2.0
# A version is a small count of commits; anything longer on a channel is noise, not news.
MAX_VERSION_DIGITS = 18
# "links:G" on a session's channel: every link older than generation G was revoked.
REVOKED_PREFIX = "links:"


def channel_of(session_id: str) -> str:
    return f"{CHANNEL_PREFIX}{session_id}"


@dataclass
class Backoff:
    """Exponential backoff with jitter, so processes do not all reconnect in step.

    Caps are short: a process stays behind for up to that long after Redis is back.
    """

    cap_s: float
    first_s: float = 0.1
    failures: int = 0
    _random: random.Random = field(default_factory=random.Random)

    def failed(self) -> float:
        """Count a failure; the seconds to wait before trying again."""
        self.failures += 1
        # The exponent is bounded so a days-long outage cannot overflow the float.
        ceiling = min(self.cap_s, self.first_s * 2 ** min(self.failures - 1, 16))
        return self._random.uniform(ceiling / 2, ceiling)

    def succeeded(self) -> bool:
        """Reset; True when this ends an outage."""
        ended = self.failures > 0
        self.failures = 0
        return ended


class RedisBroker:
    """Redis pub/sub: a channel per session, subscribed while the session has viewers here.

    One task publishes and one listens (on a connection of its own), each with a reconnect loop.
    Publishing keeps only the newest version per session (like a viewer's mailbox of one), so
    during an outage the backlog is one number per session, sent when Redis is back.

    The tasks run in anyio task groups, whose cancellation is level-triggered: a cancellation
    that redis-py catches mid-command (redis/redis-py#2028, #2551) is delivered again at the
    task's next wait, so the broker always stops. With asyncio's own task groups a swallowed
    cancellation left a task waiting forever, and the process never shut down.
    """

    # A subscriber that reconnects reloads every watched session, so reconnections are spread
    # over two seconds; news waiting to be published costs a refused connection per try.
    SUBSCRIBE_RETRY_CAP_S = 2.0
    PUBLISH_RETRY_CAP_S = 0.5

    def __init__(self, url: str) -> None:
        # No retries inside redis-py: the loops below own reconnection and its pacing.
        self._redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),
        )
        self._watched: set[str] = set()
        self._watched_changed = asyncio.Event()
        self._unsent: dict[str, int] = {}
        self._unsent_revocations: dict[str, int] = {}
        self._has_unsent = asyncio.Event()

    def publish(self, session_id: str, version: int) -> None:
        if version > self._unsent.get(session_id, 0):
            self._unsent[session_id] = version
            self._has_unsent.set()

    def revoke(self, session_id: str, token_version: int) -> None:
        if token_version > self._unsent_revocations.get(session_id, 0):
            self._unsent_revocations[session_id] = token_version
            self._has_unsent.set()

    def watch(self, session_id: str) -> None:
        self._watched.add(session_id)
        self._watched_changed.set()

    def unwatch(self, session_id: str) -> None:
        self._watched.discard(session_id)
        self._watched_changed.set()

    async def run(self, listener: Listener) -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._publish_forever)
            tasks.start_soon(self._listen_forever, listener)

    async def ping(self) -> None:
        await self._redis.ping()

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def _publish_forever(self) -> None:
        backoff = Backoff(cap_s=self.PUBLISH_RETRY_CAP_S)
        while True:
            await self._has_unsent.wait()
            self._has_unsent.clear()
            batch, self._unsent = self._unsent, {}
            revoked, self._unsent_revocations = self._unsent_revocations, {}
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for session_id, version in batch.items():
                        pipe.publish(channel_of(session_id), version)
                    for session_id, token_version in revoked.items():
                        pipe.publish(channel_of(session_id), f"{REVOKED_PREFIX}{token_version}")
                    await pipe.execute()
            except (RedisError, OSError) as error:
                for session_id, version in batch.items():
                    self.publish(session_id, version)
                for session_id, token_version in revoked.items():
                    self.revoke(session_id, token_version)
                if backoff.failures == 0:
                    log.warning("redis_publish_failed", error=str(error))
                await asyncio.sleep(backoff.failed())
                continue
            if backoff.succeeded():
                log.info("redis_publish_recovered")

    async def _listen_forever(self, listener: Listener) -> None:
        backoff = Backoff(cap_s=self.SUBSCRIBE_RETRY_CAP_S)
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(PRESENCE_CHANNEL)
                    async with anyio.create_task_group() as tasks:
                        tasks.start_soon(self._follow_viewers, pubsub)
                        tasks.start_soon(self._deliver, pubsub, listener, backoff)
            except* (RedisError, OSError) as failure:
                if backoff.failures == 0:
                    log.warning("redis_subscriber_lost", error=str(failure.exceptions[0]))
            await asyncio.sleep(backoff.failed())

    async def _follow_viewers(self, pubsub: PubSub) -> None:
        """Keep the subscriptions equal to the sessions that have viewers here."""
        subscribed: set[str] = set()
        while True:
            self._watched_changed.clear()
            wanted = set(self._watched)
            if added := wanted - subscribed:
                await pubsub.subscribe(*map(channel_of, added))
            if removed := subscribed - wanted:
                await pubsub.unsubscribe(*map(channel_of, removed))
            subscribed = wanted
            await self._watched_changed.wait()

    async def _deliver(self, pubsub: PubSub, listener: Listener, backoff: Backoff) -> None:
        async for message in pubsub.listen():
            channel: str = message["channel"]
            if channel == PRESENCE_CHANNEL:
                if message["type"] == "subscribe" and backoff.succeeded():
                    log.info("redis_subscriber_recovered")
                continue
            session_id = channel.removeprefix(CHANNEL_PREFIX)
            if message["type"] == "message":
                data = message["data"]
                if isinstance(data, str) and data.startswith(REVOKED_PREFIX):
                    token_version = _version(data.removeprefix(REVOKED_PREFIX))
                    if token_version is not None:
                        listener.links_revoked(session_id, token_version)
                    continue
                version = _version(data)
                if version is not None:
                    listener.moved_on(session_id, version)
            elif message["type"] == "subscribe":
                # Redis confirms a subscription only once it is in place, so reloading now picks
                # up every commit announced before it: nothing falls between load and subscribe.
                # After a reconnect this is what brings every watched session up to date.
                listener.may_have_missed(session_id)


def _version(data: object) -> int | None:
    """The announced version; None for anything else (Redis is shared, channels are not secret)."""
    if isinstance(data, str) and data.isdecimal() and len(data) <= MAX_VERSION_DIGITS:
        return int(data)
    return None
