"""The name check, as the session sees it: a prospective member waits until it is recorded.

"We always name-check before a prospective member joins a weekly Support Group" (seeds/002):
the group is asked whether anyone knows them before they are let in. The group's records say
whether it is done; the shell tells the session when a member joins through their own link,
and again when the check is recorded, so the rule stays here, pure.
"""

from __future__ import annotations

from app.session.state import Membership, Participant
from app.translatable import Words


def membership(person: Participant) -> Membership:
    if person.member_id is None:
        return Membership.NOT_LINKED
    return Membership.PROSPECTIVE if person.name_check_pending else Membership.MEMBER


def admit_blocked(person: Participant) -> str | None:
    """Why a facilitator cannot let `person` in yet, kindly put; None when they can."""
    if not person.name_check_pending:
        return None
    return Words(
        "Name check not recorded yet for %(name)s — ask the group first, then record it on the "
        "group page.",
        name=person.label,
    )
