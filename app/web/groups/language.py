"""A group's default language on the pages of its sessions (the join page, phones, the console
and the room view): the rule is app/web/languages.py's, with the group's default as its third
choice."""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import HTTPConnection

from app.web.account_services import AccountServices
from app.web.services import Services


async def speak_the_sessions_group_language(connection: HTTPConnection, session_id: str) -> None:
    """For the rest of this request or websocket: the language its person reads in this session,
    with its group's default when it is a group's."""
    accounts: AccountServices = connection.app.state.account_services
    language = await to_thread.run_sync(accounts.groups.language_of_session, session_id)
    if language is not None:
        svc: Services = connection.app.state.services
        svc.languages.speak_for_group(connection, language)
