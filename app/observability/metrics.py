"""Prometheus metrics of one app: connections, commands, reconnects, fan-out, catch-ups.

Each app has its own CollectorRegistry (never the process-wide default), so several apps in one
process — the test suite starts many — count apart, and /metrics shows exactly this app's.
Labels are small closed sets (roles, outcomes, rejection codes): never a session, never a person.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Fan-out is the hub's own work (render each view once, offer it to every mailbox): well under a
# millisecond for a group, a few for the largest rooms; the top buckets show a stalled loop.
FAN_OUT_BUCKETS_S = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)
COMMAND_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.open_connections = Gauge(
            "peer_rounds_open_connections",
            "Authenticated websocket connections open now, by role.",
            ["role"],
            registry=self.registry,
        )
        self.unauthenticated_connections = Gauge(
            "peer_rounds_unauthenticated_connections",
            "Websocket connections accepted that have not proved who they are yet.",
            registry=self.registry,
        )
        self.connections_refused = Counter(
            "peer_rounds_connections_refused",
            "Websocket connections closed before or during authentication, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.reconnects = Counter(
            "peer_rounds_reconnects",
            "Connections that said they had seen a version before (hello with last_version).",
            ["role"],
            registry=self.registry,
        )
        self.commands = Counter(
            "peer_rounds_commands",
            "Commands answered, by outcome (accepted, duplicate, rejected) and rejection code.",
            ["outcome", "code"],
            registry=self.registry,
        )
        self.command_seconds = Histogram(
            "peer_rounds_command_seconds",
            "From a command's arrival at the hub to its answer (decide, commit, fan-out).",
            buckets=COMMAND_BUCKETS_S,
            registry=self.registry,
        )
        self.fan_out_seconds = Histogram(
            "peer_rounds_fan_out_seconds",
            "From a version's commit (or its reload) to the last mailbox holding it, in the hub.",
            ["source"],
            buckets=FAN_OUT_BUCKETS_S,
            registry=self.registry,
        )
        self.catch_ups = Counter(
            "peer_rounds_catch_up_reloads",
            "Reloads from the database on news from another process or the periodic check, "
            "by result (moved: found newer commits; current: nothing new; failed).",
            ["result"],
            registry=self.registry,
        )
        self.sockets_revoked = Counter(
            "peer_rounds_sockets_closed_for_access",
            "Open sockets closed because their person left or was removed, or links revoked.",
            registry=self.registry,
        )
        # Children counted on every command or version are looked up once: `labels()` takes a
        # lock and hashes its arguments each time it is called.
        self._accepted = self.commands.labels(outcome="accepted", code="")
        self._duplicate = self.commands.labels(outcome="duplicate", code="")
        self._rejected: dict[str, Counter] = {}
        self.commit_fan_out_seconds = self.fan_out_seconds.labels(source="commit")
        self.reload_fan_out_seconds = self.fan_out_seconds.labels(source="reload")

    def accepted(self) -> None:
        self._accepted.inc()

    def duplicate(self) -> None:
        self._duplicate.inc()

    def rejected(self, code: str) -> None:
        counter = self._rejected.get(code)
        if counter is None:
            counter = self._rejected[code] = self.commands.labels(outcome="rejected", code=code)
        counter.inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
