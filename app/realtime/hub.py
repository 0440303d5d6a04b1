"""One hub per live session in this process: it runs commands and keeps every screen in step.

Data flows one way: command → decide() → commit (compare-and-set on the version in the
database) → apply → each role's view rendered once → the newest snapshot offered to every viewer
here → the broker tells the other processes, whose hubs catch up from the database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy.exc import SQLAlchemyError

from app.observability.metrics import Metrics
from app.realtime.appends import Appends
from app.realtime.broker import Broker
from app.realtime.frames import VersionFrames
from app.realtime.schedules import ScheduleCache
from app.realtime.store_calls import in_thread
from app.realtime.viewers import Renderer, Viewer
from app.session.command_base import Actor, CommandBase
from app.session.decide import decide
from app.session.decisions import Accepted, AlreadyDone, Rejected, RejectionCode
from app.session.events import EVENTS_ADAPTER
from app.session.evolve import apply_commit, committed
from app.session.state import SessionState
from app.session.storage import events_for_storage, state_for_storage
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessionRecord

Clock = Callable[[], float]
# Another process may win the same version; we catch up and decide again, a few times at most.
MAX_COMMIT_ATTEMPTS = 5

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Committed:
    version: int


Outcome = Committed | Rejected | AlreadyDone


def load_state(store: EventStore, session_id: str) -> SessionState:
    """The newest snapshot, then every commit after it."""
    snapshot = store.latest_snapshot(session_id)
    state = (
        SessionState(session_id=session_id)
        if snapshot is None
        else SessionState.model_validate(snapshot[1])
    )
    return catch_up(store, state)


def catch_up(store: EventStore, state: SessionState) -> SessionState:
    for commit in store.load(state.session_id, after_version=state.version):
        state = apply_commit(
            state,
            EVENTS_ADAPTER.validate_python(commit.events),
            version=commit.version,
            command_id=commit.command_id,
            actor_id=commit.actor_id,
        )
    return state


class SessionHub:
    def __init__(
        self,
        record: LiveSessionRecord,
        state: SessionState,
        *,
        store: EventStore,
        appends: Appends,
        broker: Broker,
        renderer: Renderer,
        clock: Clock,
        snapshot_every: int,
        metrics: Metrics,
    ) -> None:
        self.record = record
        self.state = state
        self._store = store
        self._appends = appends
        self._broker = broker
        self._renderer = renderer
        self._clock = clock
        self._snapshot_every = snapshot_every
        self._metrics = metrics
        self._lock = asyncio.Lock()
        self._viewers: set[Viewer] = set()
        self._behind = False
        # Links older than this were revoked while this hub was loaded (see revoke_links_before).
        self._links_from = 0
        self._revoked_reason = ""
        self._catching_up: asyncio.Task[None] | None = None
        self._schedules = ScheduleCache()
        # The last version's frames, which the next one compares its panels with.
        self._last_frames: VersionFrames | None = None

    @property
    def viewer_count(self) -> int:
        return len(self._viewers)

    def attach(self, viewer: Viewer) -> None:
        if not self._viewers:
            self._broker.watch(self.record.id)
        self._viewers.add(viewer)
        # Frames of its own, with this moment's schedule for a console, reusing the last
        # version's panels; a screen's first snapshot is whole whatever it is offered.
        frames = self._frames(previous=self._last_frames)
        viewer.outbox.offer_snapshot(frames.for_viewer(viewer))
        if viewer.token_version < self._links_from:
            # Authenticated just before the revocation, attached just after it.
            viewer.outbox.close(self._revoked_reason)

    def detach(self, viewer: Viewer) -> None:
        if viewer in self._viewers:
            self._viewers.remove(viewer)
            if not self._viewers:
                self._broker.unwatch(self.record.id)

    def viewers_of(self, person_id: str) -> list[Viewer]:
        return [v for v in self._viewers if v.person_id == person_id]

    def revoke_links_before(self, token_version: int, reason: str) -> int:
        """Close every screen here opened with a link older than ``token_version``."""
        self._links_from = max(self._links_from, token_version)
        self._revoked_reason = reason
        revoked = [v for v in self._viewers if v.token_version < token_version]
        for viewer in revoked:
            viewer.outbox.close(reason)
        return len(revoked)

    async def execute(self, command: CommandBase, actor: Actor) -> Outcome:
        started = time.perf_counter()
        outcome = await self._execute(command, actor)
        self._metrics.command_seconds.observe(time.perf_counter() - started)
        if isinstance(outcome, Committed):
            self._metrics.accepted()
        elif isinstance(outcome, AlreadyDone):
            self._metrics.duplicate()
        else:
            self._metrics.rejected(outcome.code.value)
        return outcome

    async def _execute(self, command: CommandBase, actor: Actor) -> Outcome:
        async with self._lock:
            for _attempt in range(MAX_COMMIT_ATTEMPTS):
                now = self._clock()
                decision = decide(self.state, command, actor, now)
                if not isinstance(decision, Accepted):
                    return decision
                version = self.state.version + 1
                commit = Commit(
                    session_id=self.state.session_id,
                    version=version,
                    command_id=command.id,
                    actor_id=actor.id,
                    recorded_at=now,
                    events=events_for_storage(decision.events),
                )
                try:
                    await self._appends.append(commit)
                    committed_at = time.perf_counter()
                except VersionConflict:
                    await self.refresh_locked()
                    continue
                except DuplicateCommand as duplicate:
                    await self.refresh_locked()
                    # Possibly our own commit, retried because its connection died before the
                    # answer came (see in_thread): nobody has announced it yet. Twice is harmless.
                    self._broker.publish(self.record.id, self.state.version)
                    return AlreadyDone(duplicate.version)
                self.state = committed(
                    self.state, decision, version=version, command_id=command.id, actor_id=actor.id
                )
                self.publish()
                self._metrics.commit_fan_out_seconds.observe(time.perf_counter() - committed_at)
                self._broker.publish(self.record.id, version)
                if version % self._snapshot_every == 0:
                    await self._save_snapshot()
                return Committed(version)
            return Rejected(
                code=RejectionCode.STALE,
                message="Several changes arrived at once. Please try that again.",
            )

    async def _save_snapshot(self) -> None:
        """A snapshot is a cache that makes reloads fast: failing to write one loses nothing."""
        try:
            await self._appends.save_snapshot(
                self.state.session_id,
                self.state.version,
                state_for_storage(self.state),
            )
        except SQLAlchemyError as error:
            log.warning("snapshot_not_saved", session_id=self.record.id, error=str(error))

    async def refresh(self) -> None:
        """Catch up with commits made elsewhere (another process, or before a restart)."""
        async with self._lock:
            await self.refresh_locked()

    def catch_up_soon(self) -> None:
        """Refresh in the background. A burst of news costs at most two reloads, and news that
        arrives during a reload is never lost: it makes the loop go round once more."""
        self._behind = True
        if self._catching_up is None or self._catching_up.done():
            self._catching_up = asyncio.create_task(self._catch_up_while_behind())

    async def _catch_up_while_behind(self) -> None:
        while self._behind:
            self._behind = False
            before = self.state.version
            try:
                await self.refresh()
            except SQLAlchemyError as error:
                # The registry's periodic check asks again once the database answers.
                self._metrics.catch_ups.labels(result="failed").inc()
                log.warning("catch_up_failed", session_id=self.record.id, error=str(error))
                return
            moved = self.state.version != before
            self._metrics.catch_ups.labels(result="moved" if moved else "current").inc()
            if moved:
                log.info(
                    "caught_up", session_id=self.record.id, version=self.state.version, was=before
                )

    async def refresh_locked(self) -> None:
        before = self.state.version
        self.state = await in_thread(catch_up, self._store, self.state)
        if self.state.version != before:
            loaded_at = time.perf_counter()
            self.publish()
            self._metrics.reload_fan_out_seconds.observe(time.perf_counter() - loaded_at)

    def publish(self) -> None:
        frames = self._last_frames = self._frames(previous=self._last_frames)
        for viewer in list(self._viewers):
            viewer.outbox.offer_snapshot(frames.message_for(viewer))
        frames.settle()

    def _frames(self, previous: VersionFrames | None) -> VersionFrames:
        return VersionFrames(
            self.state,
            self.record,
            self._renderer,
            self._clock(),
            schedules=self._schedules,
            previous=previous,
        )
