"""The hubs of this process: loaded from the store on first use, created for new sessions, and
kept current when other processes commit (the broker's news, and a periodic check behind it)."""

from __future__ import annotations

import asyncio
import secrets
import uuid

import structlog
from anyio import to_thread
from sqlalchemy.exc import SQLAlchemyError

from app.observability.metrics import Metrics
from app.realtime.appends import appends_for
from app.realtime.broker import Broker, MemoryBroker
from app.realtime.hub import Clock, Committed, SessionHub, load_state
from app.realtime.store_calls import in_thread
from app.realtime.viewers import Renderer
from app.session.command_base import Actor, FacilitatorSpec, GroupPlan, Role
from app.session.commands import CreateSession, RecordOutage
from app.session.state import SessionSettings, SessionState, SessionStatus
from app.store.event_store import EventStore
from app.store.live_sessions import JoinCodeTaken, LiveSessionRecord, LiveSessions
from app.timekeeping.outage import Outage, outage_before
from app.translatable import translatable

# No 0/O or 1/I/L: join codes are read aloud and typed on phones.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
LINKS_REVOKED = translatable(
    "The links to this session were replaced. Please ask a facilitator for a new one."
)

# Who records what only the server can know (an outage) in a session's log.
SERVER = Actor(role=Role.SERVER, id="server")

log = structlog.get_logger(__name__)


class SessionNotCreated(Exception):
    """The create command was refused; the message is for the person creating it."""


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_id() -> str:
    return secrets.token_urlsafe(9)


def _record(outage: Outage) -> RecordOutage:
    # Named after the moment the server went away, so processes that load the session at
    # once after the same outage record it once: the store refuses a second copy.
    return RecordOutage(
        id=f"outage-{outage.down_at:.6f}", down_at=outage.down_at, back_at=outage.back_at
    )


def new_command_id() -> str:
    """The id of a command the server sends itself (clients choose their own)."""
    return str(uuid.uuid4())


class HubRegistry:
    def __init__(
        self,
        *,
        store: EventStore,
        sessions: LiveSessions,
        renderer: Renderer,
        clock: Clock,
        snapshot_every: int,
        broker: Broker | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self._appends = appends_for(store)
        self.metrics = metrics or Metrics()
        self.sessions = sessions
        self.broker = broker or MemoryBroker()
        self._renderer = renderer
        self._clock = clock
        self._snapshot_every = snapshot_every
        self._hubs: dict[str, SessionHub] = {}
        self._loading = asyncio.Lock()
        # From now on this process can serve any session: where an outage ends.
        self.serving_since = clock()

    async def get(self, session_id: str) -> SessionHub | None:
        """The session's hub, current as of now: every new connection and request starts here.

        A hub already loaded is refreshed first (one small query). It may have missed news: it
        had no viewers (so it was not subscribed), or the process that committed died before
        telling anyone. Without this a screen reconnecting here could be shown an older version
        than the one it saw a moment ago elsewhere.
        """
        hub = self._hubs.get(session_id)
        if hub is not None:
            try:
                await hub.refresh()
            except SQLAlchemyError as error:
                # Showing what this process knows beats showing nothing; commands still wait
                # for the database, so nothing can be decided on the old state.
                log.warning("refresh_failed", session_id=session_id, error=str(error))
            return hub
        async with self._loading:
            hub = self._hubs.get(session_id)
            if hub is None:
                record = await in_thread(self.sessions.get, session_id)
                if record is None:
                    return None
                state = await in_thread(load_state, self.store, session_id)
                hub = self._hub(record, state)
                self._hubs[session_id] = hub
                if state.status is SessionStatus.LIVE:
                    await self._record_outage(hub)
            return hub

    async def _record_outage(self, hub: SessionHub) -> None:
        """If no process served the session for a while before this one loaded it, its clocks
        wait through that time (docs/timekeeping.md, "When the server was away")."""
        session_id = hub.record.id
        outage = outage_before(
            alive_at=await in_thread(self.sessions.alive_at, session_id),
            last_commit_at=await in_thread(self.store.last_recorded_at, session_id),
            serving_since=self.serving_since,
        )
        if outage is None:
            return
        outcome = await hub.execute(_record(outage), SERVER)
        log.info(
            "outage_recorded",
            session_id=session_id,
            seconds=round(outage.seconds, 3),
            outcome=type(outcome).__name__,
        )

    async def keep_alive_forever(self, interval_s: float) -> None:
        """The heartbeat: every `interval_s`, say that this process is serving its live
        sessions (see LiveSessions.mark_alive), so a restart can tell how long it was away."""
        while True:
            await self.keep_alive()
            await asyncio.sleep(interval_s)

    async def keep_alive(self) -> None:
        live = [
            session_id
            for session_id, hub in self._hubs.items()
            if hub.state.status is SessionStatus.LIVE
        ]
        try:
            await in_thread(self.sessions.mark_alive, live, self._clock())
        except SQLAlchemyError as error:
            # A missed heartbeat only makes the next one matter; the outage rule allows for it.
            log.warning("heartbeat_failed", error=str(error))

    async def by_join_code(self, code: str) -> SessionHub | None:
        record = await in_thread(self.sessions.by_join_code, code.strip().upper())
        return None if record is None else await self.get(record.id)

    async def create(
        self,
        *,
        title: str,
        group_name: str,
        template_key: str,
        facilitator_names: list[str],
        settings: SessionSettings | None = None,
        group_plan: GroupPlan | None = None,
    ) -> SessionHub:
        """Register a new session and commit its agenda; raises SessionNotCreated if refused.

        `group_plan` carries a group's stored agenda, guidelines and carried-over actions.
        """
        facilitators = tuple(FacilitatorSpec(id=new_id(), name=name) for name in facilitator_names)
        plan = group_plan or GroupPlan()
        command = CreateSession(
            id=new_command_id(),
            title=title,
            group_name=group_name,
            template_key=template_key,
            facilitators=facilitators,
            settings=settings or SessionSettings(),
            agenda=plan.agenda,
            guidelines=plan.guidelines,
            carried_over=plan.carried_over,
            apologies=plan.apologies,
            for_group=group_plan is not None,
            time_zone=plan.time_zone,
            support_resources=plan.support_resources,
        )
        record = await self._register(title, group_name, template_key)
        hub = self._hub(record, SessionState(session_id=record.id))
        self._hubs[record.id] = hub
        outcome = await hub.execute(command, Actor(role=Role.FACILITATOR, id=facilitators[0].id))
        if not isinstance(outcome, Committed):
            raise SessionNotCreated(getattr(outcome, "message", "The session was not created."))
        return hub

    async def _register(self, title: str, group_name: str, template_key: str) -> LiveSessionRecord:
        while True:
            record = LiveSessionRecord(
                id=new_id(),
                join_code=new_join_code(),
                title=title,
                group_name=group_name,
                template_key=template_key,
                created_at=self._clock(),
            )
            try:
                await to_thread.run_sync(self.sessions.create, record)
            except JoinCodeTaken:
                continue
            return record

    def moved_on(self, session_id: str, version: int) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None and version > hub.state.version:
            hub.catch_up_soon()

    def may_have_missed(self, session_id: str) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            hub.catch_up_soon()

    def links_revoked(self, session_id: str, token_version: int) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            closed = hub.revoke_links_before(token_version, LINKS_REVOKED)
            log.info("links_revoked", session_id=session_id, screens_closed=closed)

    async def revoke_links(self, hub: SessionHub) -> int | None:
        """Revoke every link of the session issued so far; its screens close on every process.

        The new link generation, or None if the session is gone. The stored generation is what
        refuses old links from now on; the broker's news only closes screens already open.
        """
        token_version = await in_thread(self.sessions.bump_token_secret_version, hub.record.id)
        if token_version is None:
            return None
        self.links_revoked(hub.record.id, token_version)
        self.broker.revoke(hub.record.id, token_version)
        return token_version

    async def check_versions_forever(self, interval_s: float) -> None:
        """The safety net under the broker: see check_versions()."""
        while True:
            await asyncio.sleep(interval_s)
            await self.check_versions()

    async def check_versions(self) -> None:
        """Catch up every watched hub that is behind the database.

        News can be lost where no reconnect shows it: a publisher cut off from Redis while the
        subscribers were not, or a connection that died silently. One query for all sessions
        with viewers here; the others are refreshed when someone next connects (see get()).
        """
        watched = [hub for hub in self._hubs.values() if hub.viewer_count]
        try:
            newest = await in_thread(self.store.current_versions, [h.record.id for h in watched])
        except SQLAlchemyError as error:
            log.warning("version_check_failed", error=str(error))
            return
        for hub in watched:
            if newest.get(hub.record.id, 0) > hub.state.version:
                hub.catch_up_soon()

    def _hub(self, record: LiveSessionRecord, state: SessionState) -> SessionHub:
        return SessionHub(
            record,
            state,
            store=self.store,
            appends=self._appends,
            broker=self.broker,
            renderer=self._renderer,
            clock=self._clock,
            snapshot_every=self._snapshot_every,
            metrics=self.metrics,
        )
