"""Facilitator accounts: register, log in, log out, change password.

A logged-in browser holds one signed cookie (itsdangerous, like the session tokens in
app/web/tokens.py): the account id, its credential version (a password change signs every
other browser out) and a random form key. Every form of a logged-in page carries that key
(CSRF), on top of the same-site check every form gets (app/web/security.py).
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.accounts.identity import email_problem, name_problem, normalise_email
from app.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    new_password_problem,
    password_matches,
)
from app.store.accounts import Account, Accounts, EmailTaken
from app.store.groups import Groups, new_id
from app.store.templates import Templates
from app.web.rendering import page
from app.web.services import Services, services

LOGIN_COOKIE = "pr_account"
LOGIN_MAX_AGE_S = 14 * 24 * 60 * 60
# Per email address, whatever the network: guessing one person's password stays slow.
LOGIN_ATTEMPTS = "5/minute"
TOO_MANY_LOGINS = (
    "There have been several tries to log in to this account just now. For its safety, "
    "please wait a minute and try again."
)
WRONG_LOGIN = "That email address and password don't match an account. Please try again."

router = APIRouter(include_in_schema=False)


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


SERVICES = Annotated[Services, Depends(services)]
ACCOUNTS = Annotated[AccountServices, Depends(account_services)]


@dataclass(frozen=True, slots=True)
class SignedIn:
    account: Account
    # Every form posted by this browser carries it; a page on another site cannot know it.
    form_key: str


class SignInFirst(Exception):
    """Not logged in (or no longer): the page asks the person to log in, then comes back."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class FormRefused(Exception):
    """A form without this browser's form key: nothing is done."""


async def sign_in_first_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInFirst)
    return RedirectResponse(f"/account/login?next={quote(exc.path, safe='/')}", status_code=303)


async def form_refused_handler(request: Request, exc: Exception) -> Response:
    svc: Services = request.app.state.services
    return page(
        svc,
        request,
        "message.html",
        403,
        title="Please try that again",
        message="That form had expired or came from somewhere else, so nothing was changed. "
        "Please go back, reload the page and try again.",
    )


def install_account_errors(app: FastAPI) -> None:
    app.add_exception_handler(SignInFirst, sign_in_first_handler)
    app.add_exception_handler(FormRefused, form_refused_handler)


async def signed_in(request: Request, accounts: AccountServices) -> SignedIn | None:
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie:
        return None
    try:
        account_id, credential_version, form_key = accounts.cookies.loads(
            cookie, max_age=LOGIN_MAX_AGE_S
        )
    except (BadSignature, ValueError, TypeError):
        return None
    account = await to_thread.run_sync(accounts.accounts.get, str(account_id))
    if account is None or account.credential_version != credential_version:
        return None
    return SignedIn(account=account, form_key=str(form_key))


async def require_signed_in(request: Request, accounts: AccountServices) -> SignedIn:
    found = await signed_in(request, accounts)
    if found is None:
        raise SignInFirst(request.url.path)
    return found


async def require_form(request: Request, accounts: AccountServices, form_key: str) -> SignedIn:
    """A logged-in person's form: the form key must be this browser's."""
    found = await require_signed_in(request, accounts)
    if not hmac.compare_digest(found.form_key.encode(), form_key.encode()):
        raise FormRefused
    return found


def _sign_in(
    svc: Services, accounts: AccountServices, account: Account, credential_version: int, to: str
) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    value = accounts.cookies.dumps([account.id, credential_version, secrets.token_urlsafe(24)])
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=LOGIN_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=svc.settings.base_url().startswith("https://"),
    )
    return response


def _safe_next(next_path: str) -> str:
    """Only a path on this site: a login link must not send anyone elsewhere."""
    if next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/groups"


@router.get("/account/register", response_class=HTMLResponse)
async def register_form(request: Request, svc: SERVICES, next: str = "/groups") -> HTMLResponse:
    return page(svc, request, "accounts/register.html", form={"next": _safe_next(next)}, error=None)


@router.post("/account/register", response_class=HTMLResponse)
async def register(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/groups",
) -> Response:
    address = normalise_email(email)
    name = display_name.strip()
    form = {"email": address[:254], "display_name": name[:40], "next": _safe_next(next)}
    problem = (
        email_problem(address)
        or name_problem(name)
        or new_password_problem(password, password_again)
    )
    if problem is None:
        account = Account(
            id=new_id(),
            email=address,
            display_name=name,
            password_hash=await to_thread.run_sync(hash_password, password),
            credential_version=1,
            created_at=accounts.clock(),
        )
        try:
            await to_thread.run_sync(accounts.accounts.create, account)
        except EmailTaken:
            problem = (
                "There is already an account with that email address. "
                "Please log in instead, or use another address."
            )
        else:
            return _sign_in(svc, accounts, account, 1, _safe_next(next))
    return page(svc, request, "accounts/register.html", 422, form=form, error=problem)


@router.get("/account/login", response_class=HTMLResponse)
async def login_form(request: Request, svc: SERVICES, next: str = "/groups") -> HTMLResponse:
    return page(svc, request, "accounts/login.html", form={"next": _safe_next(next)}, error=None)


@router.post("/account/login", response_class=HTMLResponse)
async def login(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/groups",
) -> Response:
    address = normalise_email(email)[:254]
    form = {"email": address, "next": _safe_next(next)}
    wait = accounts.wait_before_login(address)
    if wait is not None:
        response = page(svc, request, "accounts/login.html", 429, form=form, error=TOO_MANY_LOGINS)
        response.headers["Retry-After"] = str(wait)
        return response
    account = await to_thread.run_sync(accounts.accounts.by_email, address)
    matches = (
        account is not None
        and len(password) <= MAX_PASSWORD_LENGTH
        and await to_thread.run_sync(password_matches, account.password_hash, password)
    )
    if account is None or not matches:
        return page(svc, request, "accounts/login.html", 401, form=form, error=WRONG_LOGIN)
    if needs_rehash(account.password_hash):
        fresh = await to_thread.run_sync(hash_password, password)
        await to_thread.run_sync(accounts.accounts.rehash, account.id, fresh)
    return _sign_in(svc, accounts, account, account.credential_version, _safe_next(next))


@router.post("/account/logout")
async def logout(
    request: Request, accounts: ACCOUNTS, form_key: Annotated[str, Form()] = ""
) -> Response:
    await require_form(request, accounts, form_key)
    response = RedirectResponse("/account/login", status_code=303)
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.get("/account/password", response_class=HTMLResponse)
async def password_form(request: Request, svc: SERVICES, accounts: ACCOUNTS) -> HTMLResponse:
    me = await require_signed_in(request, accounts)
    return page(svc, request, "accounts/password.html", me=me, error=None, done=False)


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    form_key: Annotated[str, Form()] = "",
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
) -> Response:
    me = await require_form(request, accounts, form_key)
    wait = accounts.wait_before_login(me.account.email)
    if wait is not None:
        return page(
            svc, request, "accounts/password.html", 429, me=me, error=TOO_MANY_LOGINS, done=False
        )
    if not await to_thread.run_sync(password_matches, me.account.password_hash, current_password):
        return page(
            svc,
            request,
            "accounts/password.html",
            401,
            me=me,
            error="Your current password wasn't right. Nothing has changed; please try again.",
            done=False,
        )
    problem = new_password_problem(new_password, new_password_again)
    if problem is not None:
        return page(svc, request, "accounts/password.html", 422, me=me, error=problem, done=False)
    fresh = await to_thread.run_sync(hash_password, new_password)
    version = await to_thread.run_sync(accounts.accounts.change_password, me.account.id, fresh)
    return _sign_in(svc, accounts, me.account, version, "/groups?password_changed=1")
