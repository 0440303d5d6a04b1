"""One hub per live session in this process: it runs commands and keeps every screen in step.

Data flows one way: command → decide() → commit (compare-and-set on the version in the
database) → apply → each role's view rendered once → the newest snapshot offered to every viewer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from anyio import to_thread

from app.realtime.outbox import Outbox
from app.realtime.protocol import snapshot_message
from app.session.commands import Actor, CommandBase, Role
from app.session.decide import decide
from app.session.decisions import Accepted, AlreadyDone, Rejected, RejectionCode
from app.session.events import EVENTS_ADAPTER
from app.session.evolve import apply_commit
from app.session.state import SessionState
from app.session.storage import events_for_storage, state_for_storage
from app.session.views import AnyView, view_for
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessionRecord

Format = Literal["json", "html"]
Clock = Callable[[], float]
# Another process may win the same version; we catch up and decide again, a few times at most.
MAX_COMMIT_ATTEMPTS = 5


class Renderer(Protocol):
    def __call__(self, view: AnyView, record: LiveSessionRecord) -> str: ...


@dataclass(frozen=True, slots=True)
class Committed:
    version: int


Outcome = Committed | Rejected | AlreadyDone


@dataclass(eq=False)
class Viewer:
    role: Role
    person_id: str
    format: Format
    outbox: Outbox = field(default_factory=Outbox)

    @property
    def view_key(self) -> tuple[Role, str, Format]:
        person = self.person_id if self.role is Role.PARTICIPANT else ""
        return (self.role, person, self.format)


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
        renderer: Renderer,
        clock: Clock,
        snapshot_every: int,
    ) -> None:
        self.record = record
        self.state = state
        self._store = store
        self._renderer = renderer
        self._clock = clock
        self._snapshot_every = snapshot_every
        self._lock = asyncio.Lock()
        self._viewers: set[Viewer] = set()

    @property
    def viewer_count(self) -> int:
        return len(self._viewers)

    def attach(self, viewer: Viewer) -> None:
        self._viewers.add(viewer)
        viewer.outbox.offer_snapshot(self._message_for(viewer, {}))

    def detach(self, viewer: Viewer) -> None:
        self._viewers.discard(viewer)

    def viewers_of(self, person_id: str) -> list[Viewer]:
        return [v for v in self._viewers if v.person_id == person_id]

    async def execute(self, command: CommandBase, actor: Actor) -> Outcome:
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
                    await to_thread.run_sync(self._store.append, commit)
                except VersionConflict:
                    await self.refresh_locked()
                    continue
                except DuplicateCommand as duplicate:
                    await self.refresh_locked()
                    return AlreadyDone(duplicate.version)
                self.state = apply_commit(
                    self.state,
                    decision.events,
                    version=version,
                    command_id=command.id,
                    actor_id=actor.id,
                )
                if version % self._snapshot_every == 0:
                    await to_thread.run_sync(
                        self._store.save_snapshot,
                        self.state.session_id,
                        version,
                        state_for_storage(self.state),
                    )
                self.publish()
                return Committed(version)
            return Rejected(
                code=RejectionCode.STALE,
                message="Several changes arrived at once. Please try that again.",
            )

    async def refresh(self) -> None:
        """Catch up with commits made elsewhere (another process, or before a restart)."""
        async with self._lock:
            await self.refresh_locked()

    async def refresh_locked(self) -> None:
        before = self.state.version
        self.state = await to_thread.run_sync(catch_up, self._store, self.state)
        if self.state.version != before:
            self.publish()

    def publish(self) -> None:
        rendered: dict[tuple[Role, str, Format], str] = {}
        for viewer in list(self._viewers):
            viewer.outbox.offer_snapshot(self._message_for(viewer, rendered))

    def _message_for(self, viewer: Viewer, rendered: dict[tuple[Role, str, Format], str]) -> str:
        key = viewer.view_key
        if key not in rendered:
            view = view_for(self.state, viewer.role, viewer.person_id or None)
            rendered[key] = (
                self._renderer(view, self.record)
                if viewer.format == "html"
                else snapshot_message(self.state.version, view.model_dump_json())
            )
        return rendered[key]
