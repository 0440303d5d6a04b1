"""Passwords: argon2id hashes (argon2-cffi), and what a new password must be."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.translatable import Words, translatable

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()

# Checked instead when no account has the email typed, so that an unknown email costs what a
# wrong password costs and the time taken does not tell whether an account exists. The hash of a
# random password nobody kept, made with today's parameters (a test holds them equal).
UNKNOWN_ACCOUNT_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$ckqxJBuiMXkD/ylxrxbK4g"
    "$TyFLzKUWuw+7GqJbNviq2gJEZU8T9UJRHjHxDMyRCI0"
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Made with weaker parameters than today's: hash it again at the next log-in."""
    return _hasher.check_needs_rehash(password_hash)


def new_password_problem(password: str, again: str) -> str | None:
    """What is wrong with a chosen password, kindly put; None when it will do."""
    if password != again:
        return translatable("The two passwords are not the same. Please type them again.")
    if len(password) < MIN_PASSWORD_LENGTH:
        return Words(
            "Please choose a password of at least %(count)s characters.",
            count=str(MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return Words(
            "Please choose a password of at most %(count)s characters.",
            count=str(MAX_PASSWORD_LENGTH),
        )
    return None
