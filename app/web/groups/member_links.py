"""A member's own signed link: made on the group page, read by the member's pages.

The link names the group and the member; removing the member makes it useless.
"""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread
from fastapi import Request, status
from itsdangerous import BadSignature, URLSafeSerializer

from app.store.groups import Group, Member
from app.translatable import translatable
from app.web.account_services import AccountServices, account_services
from app.web.problems import Problem
from app.web.services import Services, services


def _signer(svc: Services) -> URLSafeSerializer:
    return URLSafeSerializer(svc.settings.resolved_secret_key(), salt="peer-rounds-member")


def member_link_url(svc: Services, group_id: str, member_id: str) -> str:
    token = _signer(svc).dumps([group_id, member_id])
    return f"{svc.settings.base_url()}/apologies/{token}"


class UnknownMemberLink(Problem):
    """Forged, or the member was removed."""

    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    title = translatable("This link doesn't work any more")
    message = translatable(
        "Please ask your facilitator for a new one. Thank you for letting us know."
    )


@dataclass(frozen=True, slots=True)
class LinkedMember:
    group: Group
    member: Member
    token: str

    @property
    def member_id(self) -> str:
        return self.member.id


def _member_of_link(svc: Services, accounts: AccountServices, token: str) -> LinkedMember:
    try:
        group_id, member_id = _signer(svc).loads(token)
    except (BadSignature, ValueError, TypeError) as forged:
        raise UnknownMemberLink from forged
    group = accounts.groups.get(str(group_id))
    member = None if group is None else accounts.groups.member(group.id, str(member_id))
    if group is None or member is None:
        raise UnknownMemberLink
    return LinkedMember(group=group, member=member, token=token)


async def linked_member(token: str, request: Request) -> LinkedMember:
    svc = services(request)
    linked = await to_thread.run_sync(_member_of_link, svc, account_services(request), token)
    svc.languages.speak_for_group(request, linked.group.language)
    return linked
