"""What the account and group pages use, built once in create_app() (app/web/groups)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from itsdangerous import URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.store.accounts import Accounts
from app.store.groups import Groups
from app.store.templates import Templates

# Per email address, whatever the network: guessing one person's password stays slow.
LOGIN_ATTEMPTS = "5/minute"


@dataclass(frozen=True, slots=True)
class AccountServices:
    accounts: Accounts
    groups: Groups
    templates: Templates
    cookies: URLSafeTimedSerializer
    login_limiter: MovingWindowRateLimiter
    login_limit: RateLimitItem
    clock: Callable[[], float]

    def today(self, time_zone: str = "UTC") -> date:
        """Today's date where the group meets (a stored zone name, checked when it was set)."""
        return local_date(self.clock(), time_zone)

    def wait_before_login(self, email: str) -> int | None:
        """Count one attempt at `email`: None if it may go ahead, else seconds to wait."""
        if self.login_limiter.hit(self.login_limit, "login", email):
            return None
        reset_at, _ = self.login_limiter.get_window_stats(self.login_limit, "login", email)
        return max(1, math.ceil(reset_at - time.time()))


def local_date(at: float, time_zone: str) -> date:
    """The date it is at the instant `at` in `time_zone` (an IANA name)."""
    return datetime.fromtimestamp(at, ZoneInfo(time_zone)).date()


def make_account_services(
    accounts: Accounts,
    groups: Groups,
    templates: Templates,
    secret_key: str,
    clock: Callable[[], float],
) -> AccountServices:
    return AccountServices(
        accounts=accounts,
        groups=groups,
        templates=templates,
        cookies=URLSafeTimedSerializer(secret_key, salt="peer-rounds-account"),
        login_limiter=MovingWindowRateLimiter(MemoryStorage()),
        login_limit=parse(LOGIN_ATTEMPTS),
        clock=clock,
    )


def account_services(request: Request) -> AccountServices:
    found: AccountServices = request.app.state.account_services
    return found
