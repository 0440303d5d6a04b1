"""Who is logged in: the signed login cookie, and the form key every logged-in form carries.

A logged-in browser holds one signed cookie (itsdangerous, like the session tokens in
app/web/tokens.py): the account id, its credential version (a password change signs every
other browser out) and a random form key (CSRF), on top of the same-site check every form gets
(app/web/security.py).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import quote

from anyio import to_thread
from fastapi import FastAPI, Request, status
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature

from app.store.accounts import Account
from app.translatable import translatable
from app.web.account_services import AccountServices
from app.web.problems import Problem

LOGIN_COOKIE = "pr_account"
LOGIN_MAX_AGE_S = 14 * 24 * 60 * 60


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


class FormRefused(Problem):
    """A form without this browser's form key: nothing is done."""

    status = status.HTTP_403_FORBIDDEN
    code = "form_refused"
    title = translatable("Please try that again")
    message = translatable(
        "That form had expired or came from somewhere else, so nothing was changed. Please go "
        "back, reload the page and try again."
    )


async def sign_in_first_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInFirst)
    return RedirectResponse(f"/account/login?next={quote(exc.path, safe='/')}", status_code=303)


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInFirst, sign_in_first_handler)


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
