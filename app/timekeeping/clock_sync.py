"""A client's estimate of the server clock, NTP-style (see docs/clock-sync.md).

The client sends `ping{t0}`, the server answers `pong{t0, t1}`, the client notes t2 on arrival.
Like everything in app/timekeeping, times here are float unix seconds; the wire carries
milliseconds, so the shell divides by 1000 before calling in. static/js/clock.js mirrors this
module for the browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

WINDOW_SIZE = 8
# A sample's offset is only known to within ±round trip / 2, so beyond this it tells us nothing
# that a later sample will not tell us better.
MAX_ROUND_TRIP_S = 10.0


class Rejection(StrEnum):
    NOT_FINITE = "not_finite"
    NEGATIVE_ROUND_TRIP = "negative_round_trip"
    ROUND_TRIP_TOO_LONG = "round_trip_too_long"


@dataclass(frozen=True, slots=True)
class Sample:
    """One ping/pong exchange: server clock minus client clock, and how sure we are of it."""

    offset_s: float
    round_trip_s: float


def measure(t0: float, t1: float, t2: float) -> Sample | Rejection:
    """Turn one exchange into a sample, or say why it cannot be trusted."""
    round_trip_s = t2 - t0
    # Assumes the ping and the pong took equally long; the error is half their difference.
    offset_s = t1 - (t0 + round_trip_s / 2)
    # Any NaN or infinity among t0, t1, t2 (or an overflow) leaves one of these non-finite.
    if not (math.isfinite(round_trip_s) and math.isfinite(offset_s)):
        return Rejection.NOT_FINITE
    if round_trip_s < 0:
        # The client clock stepped backwards in flight, or t0 is not one we sent.
        return Rejection.NEGATIVE_ROUND_TRIP
    if round_trip_s > MAX_ROUND_TRIP_S:
        return Rejection.ROUND_TRIP_TOO_LONG
    return Sample(offset_s=offset_s, round_trip_s=round_trip_s)


@dataclass(frozen=True, slots=True)
class ClockSync:
    """The last WINDOW_SIZE accepted samples; the estimate is the one with the smallest round trip.

    `carried` is the estimate from before the last reconnect: the new path may be different, so
    its samples no longer compete, but it beats having no estimate until a new sample arrives.
    """

    samples: tuple[Sample, ...] = ()
    carried: Sample | None = None

    @property
    def best(self) -> Sample | None:
        if not self.samples:
            return self.carried
        # Newest first, so that a tie goes to the fresher sample: clocks drift.
        return min(reversed(self.samples), key=lambda sample: sample.round_trip_s)

    @property
    def is_synced(self) -> bool:
        return self.best is not None

    @property
    def offset_s(self) -> float:
        best = self.best
        # Before any sample the device clock is the only guess there is.
        return 0.0 if best is None else best.offset_s

    @property
    def offset_ms(self) -> float:
        return self.offset_s * 1000

    def server_now(self, client_now: float) -> float:
        return client_now + self.offset_s

    def with_sample(self, t0: float, t1: float, t2: float) -> ClockSync:
        """Add an exchange; a rejected one (see `measure` for why) leaves self unchanged."""
        sample = measure(t0, t1, t2)
        if isinstance(sample, Rejection):
            return self
        return ClockSync(samples=(*self.samples, sample)[-WINDOW_SIZE:])

    def reset_for_reconnect(self) -> ClockSync:
        return ClockSync(carried=self.best)
