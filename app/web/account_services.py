"""What the account and group pages use, built once in create_app() (app/web/groups)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from itsdangerous import URLSafeTimedSerializer

from app.store.accounts import Accounts
from app.store.groups import Groups
from app.store.templates import Templates
from app.web.password_work import PasswordWork


@dataclass(frozen=True, slots=True)
class AccountServices:
    accounts: Accounts
    groups: Groups
    templates: Templates
    cookies: URLSafeTimedSerializer
    # Every password hash and check goes through it (app/web/password_work.py).
    password_work: PasswordWork
    clock: Callable[[], float]

    def today(self, time_zone: str = "UTC") -> date:
        """Today's date where the group meets (a stored zone name, checked when it was set)."""
        return local_date(self.clock(), time_zone)


def local_date(at: float, time_zone: str) -> date:
    """The date it is at the instant `at` in `time_zone` (an IANA name)."""
    return datetime.fromtimestamp(at, ZoneInfo(time_zone)).date()


def make_account_services(
    accounts: Accounts,
    groups: Groups,
    templates: Templates,
    secret_key: str,
    clock: Callable[[], float],
    password_work: PasswordWork,
) -> AccountServices:
    return AccountServices(
        accounts=accounts,
        groups=groups,
        templates=templates,
        cookies=URLSafeTimedSerializer(secret_key, salt="peer-rounds-account"),
        password_work=password_work,
        clock=clock,
    )


def account_services(request: Request) -> AccountServices:
    found: AccountServices = request.app.state.account_services
    return found
