"""When the server was away from a session, and whether that counts as an outage.

The rule is in docs/timekeeping.md ("When the server was away"). An outage is the gap between
the last moment a process was known to be serving the session (its heartbeat, or its newest
commit if that came later) and the moment a process able to serve it again started. Its clocks
wait through it: nobody is credited with time nobody could use.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Shorter gaps are not outages. A serving process writes its heartbeat every second or so, so
# its last one can be up to that old when it dies, or when a second process starts beside it;
# a gap of a couple of seconds cannot be told apart from that, and is not worth a notice on
# every screen. Three seconds is well above the heartbeat's interval (Settings.alive_interval_s
# is held to at most half of this) and below the shortest real restart we have seen (~5 s).
SHORTEST_OUTAGE_S = 3.0


class Outage(BaseModel):
    model_config = ConfigDict(frozen=True)

    # The last moment the session was known to be served, and the moment it could be again.
    down_at: float
    back_at: float

    @property
    def seconds(self) -> float:
        return self.back_at - self.down_at


def outage_before(
    *, alive_at: float | None, last_commit_at: float | None, serving_since: float
) -> Outage | None:
    """The outage a process serving since `serving_since` finds when it loads a session.

    None when the session was never heartbeated (created before heartbeats existed: nobody
    knows when it was last served), or when the gap is shorter than SHORTEST_OUTAGE_S.
    """
    if alive_at is None:
        return None
    down_at = alive_at if last_commit_at is None else max(alive_at, last_commit_at)
    if serving_since - down_at < SHORTEST_OUTAGE_S:
        return None
    return Outage(down_at=down_at, back_at=serving_since)
