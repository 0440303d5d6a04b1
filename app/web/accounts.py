"""Facilitator accounts: register, log in, log out, change password (app/web/signing_in.py
holds what the login cookie carries)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.identity import email_problem, name_problem, normalise_email
from app.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    UNKNOWN_ACCOUNT_HASH,
    needs_rehash,
    new_password_problem,
)
from app.store.accounts import Account, EmailTaken
from app.store.groups import new_id
from app.translatable import translatable
from app.web.account_services import AccountServices
from app.web.cookies import keep_in_browser
from app.web.deps import ACCOUNTS, SERVICES
from app.web.password_work import RETRY_AFTER_S, TOO_MANY_SIGNING_IN, TooManySigningIn
from app.web.rate_limits import LOGIN_SLOW_DOWN, SLOW_DOWN, attempt, client_address, rate_limits_of
from app.web.rendering import page
from app.web.services import Services
from app.web.signing_in import LOGIN_COOKIE, LOGIN_MAX_AGE_S, require_form, require_signed_in

WRONG_LOGIN = translatable(
    "That email address and password don't match an account. Please try again."
)
EMAIL_TAKEN = translatable(
    "There is already an account with that email address. Please log in instead, or use "
    "another address."
)
WRONG_PASSWORD = translatable(
    "Your current password wasn't right. Nothing has changed; please try again."
)

router = APIRouter(include_in_schema=False)


def _sign_in(
    svc: Services, accounts: AccountServices, account: Account, credential_version: int, to: str
) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    value = accounts.cookies.dumps([account.id, credential_version, secrets.token_urlsafe(24)])
    keep_in_browser(response, svc.settings, LOGIN_COOKIE, value, LOGIN_MAX_AGE_S)
    return response


def _refused(
    svc: Services, request: Request, template: str, status_code: int, wait_s: int, **context: Any
) -> HTMLResponse:
    """The page again as it was filled in (never a password), saying when to try again."""
    response = page(svc, request, template, status_code, **context)
    response.headers["Retry-After"] = str(wait_s)
    return response


def _too_busy(svc: Services, request: Request, template: str, **context: Any) -> HTMLResponse:
    return _refused(
        svc, request, template, 503, RETRY_AFTER_S, error=TOO_MANY_SIGNING_IN, **context
    )


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
        wait = attempt(request, "register")
        if wait is not None:
            return _refused(
                svc,
                request,
                "accounts/register.html",
                429,
                wait,
                form=form,
                error=SLOW_DOWN["register"],
            )
        try:
            password_hash = await accounts.password_work.hash(password)
        except TooManySigningIn:
            return _too_busy(svc, request, "accounts/register.html", form=form)
        account = Account(
            id=new_id(),
            email=address,
            display_name=name,
            password_hash=password_hash,
            credential_version=1,
            created_at=accounts.clock(),
        )
        try:
            await to_thread.run_sync(accounts.accounts.create, account)
        except EmailTaken:
            problem = EMAIL_TAKEN
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
    email_address = normalise_email(email)[:254]
    form = {"email": email_address, "next": _safe_next(next)}
    wait = rate_limits_of(request.app).login(email_address, client_address(request))
    if wait is not None:
        return _refused(
            svc,
            request,
            "accounts/login.html",
            429,
            wait.seconds,
            form=form,
            error=LOGIN_SLOW_DOWN[wait.full],
        )
    account = await to_thread.run_sync(accounts.accounts.by_email, email_address)
    # An unknown email is checked too, against a hash nobody can match: it takes as long as a
    # wrong password, so the time taken does not say whether the account exists.
    stored_hash = UNKNOWN_ACCOUNT_HASH if account is None else account.password_hash
    try:
        matches = len(password) <= MAX_PASSWORD_LENGTH and await accounts.password_work.matches(
            stored_hash, password
        )
    except TooManySigningIn:
        return _too_busy(svc, request, "accounts/login.html", form=form)
    if account is None or not matches:
        return page(svc, request, "accounts/login.html", 401, form=form, error=WRONG_LOGIN)
    if needs_rehash(account.password_hash):
        await _rehash(accounts, account, password)
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
    wait = rate_limits_of(request.app).login(me.account.email, client_address(request))
    if wait is not None:
        return _refused(
            svc,
            request,
            "accounts/password.html",
            429,
            wait.seconds,
            me=me,
            error=LOGIN_SLOW_DOWN[wait.full],
            done=False,
        )
    try:
        current_matches = await accounts.password_work.matches(
            me.account.password_hash, current_password
        )
    except TooManySigningIn:
        return _too_busy(svc, request, "accounts/password.html", me=me, done=False)
    if not current_matches:
        return page(
            svc,
            request,
            "accounts/password.html",
            401,
            me=me,
            error=WRONG_PASSWORD,
            done=False,
        )
    problem = new_password_problem(new_password, new_password_again)
    if problem is not None:
        return page(svc, request, "accounts/password.html", 422, me=me, error=problem, done=False)
    try:
        fresh = await accounts.password_work.hash(new_password)
    except TooManySigningIn:
        return _too_busy(svc, request, "accounts/password.html", me=me, done=False)
    version = await to_thread.run_sync(accounts.accounts.change_password, me.account.id, fresh)
    return _sign_in(svc, accounts, me.account, version, "/groups?password_changed=1")


async def _rehash(accounts: AccountServices, account: Account, password: str) -> None:
    """Hash a password made with older parameters again; when it is busy, at a later login."""
    try:
        fresh = await accounts.password_work.hash(password)
    except TooManySigningIn:
        return
    await to_thread.run_sync(accounts.accounts.rehash, account.id, fresh)
