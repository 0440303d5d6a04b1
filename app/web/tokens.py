"""Signed access tokens: who you are in which session, and nothing else.

A token names a session, a role and a person. It is signed with the server secret and the
session's token version, so bumping that version revokes every token of the session at once.
It stops working `max_age_s` after it was signed; a socket opened with it is closed then too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.session.command_base import Actor, Role
from app.translatable import translatable

LINK_EXPIRED = translatable("This link has expired. Please ask a facilitator for a fresh one.")
NOT_VALID = translatable("This link is not valid. Ask a facilitator for a new one.")


@dataclass(frozen=True, slots=True)
class Grant:
    session_id: str
    role: Role
    person_id: str
    token_version: int
    # When the token it was read from stops working (POSIX seconds, from the token's signed
    # timestamp); a grant about to be issued has no token yet, so nothing to expire.
    expires_at: float = math.inf

    @property
    def actor(self) -> Actor:
        return Actor(role=self.role, id=self.person_id)


class TokenError(Exception):
    """The token cannot be used; the message is safe to show."""


class Tokens:
    def __init__(self, secret_key: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="peer-rounds-access")
        self._max_age_s = max_age_s

    def issue(self, grant: Grant) -> str:
        if grant.role is Role.SERVER:
            raise ValueError("the server speaks for itself: no link is issued for it")
        return self._serializer.dumps(
            [grant.session_id, grant.role.value, grant.person_id, grant.token_version]
        )

    def read(self, token: str) -> Grant:
        try:
            (session_id, role, person_id, version), signed_at = self._serializer.loads(
                token, max_age=self._max_age_s, return_timestamp=True
            )
        except SignatureExpired as expired:
            raise TokenError(LINK_EXPIRED) from expired
        except (BadSignature, ValueError, TypeError) as broken:
            raise TokenError(NOT_VALID) from broken
        try:
            screen_role = Role(role)
        except ValueError as broken:
            raise TokenError(NOT_VALID) from broken
        if screen_role is Role.SERVER:
            raise TokenError(NOT_VALID)  # no link is ever issued for the server
        return Grant(
            session_id=str(session_id),
            role=screen_role,
            person_id=str(person_id),
            token_version=int(version),
            expires_at=signed_at.timestamp() + self._max_age_s,
        )
