"""A timer is a value: a budget, the time already used, and since when it has been running.

The server never sends ticks. Every screen computes the remaining time from this value and its
own estimate of the server clock, so a timer only changes when somebody does something.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Timer(BaseModel):
    model_config = ConfigDict(frozen=True)

    budget_s: float
    accumulated_s: float = 0.0
    started_at: float | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None

    @property
    def ends_at(self) -> float | None:
        """When a running timer reaches zero, on the clock it was started by; None while it
        stands still, since then nobody knows when it will end."""
        if self.started_at is None:
            return None
        return self.started_at + self.budget_s - self.accumulated_s

    def elapsed(self, now: float) -> float:
        if self.started_at is None:
            return self.accumulated_s
        return self.accumulated_s + max(0.0, now - self.started_at)

    def remaining(self, now: float) -> float:
        return self.budget_s - self.elapsed(now)

    def overrun(self, now: float) -> float:
        return max(0.0, -self.remaining(now))

    def start(self, now: float) -> Timer:
        if self.started_at is not None:
            return self
        return self.model_copy(update={"started_at": now})

    def stop(self, now: float) -> Timer:
        if self.started_at is None:
            return self
        return self.model_copy(update={"accumulated_s": self.elapsed(now), "started_at": None})

    def extend(self, seconds: float) -> Timer:
        return self.model_copy(update={"budget_s": self.budget_s + seconds})

    def with_budget(self, budget_s: float) -> Timer:
        return self.model_copy(update={"budget_s": budget_s})


def started_timer(budget_s: float, now: float) -> Timer:
    return Timer(budget_s=budget_s, started_at=now)
