"""The group's promises of Taking Time as the console shows them: who is owed time today,
whether it has been kept or released, and whether they sent apologies for this meeting."""

from __future__ import annotations

from collections.abc import Mapping

from app.session.state import Presence, PromiseOutcome, SessionState, same_name
from app.session.views.base import PersonRef, View


class PromiseRow(View):
    # What the console sends back to release it (CarriedAction.key).
    key: str
    peer_name: str
    detail: str
    outcome: PromiseOutcome | None
    # They told the group they could not come to this meeting.
    apologised: bool
    # Here today (in the room or stepped out), so they can be given the time.
    in_session: bool


Here = dict[str, PersonRef]


def people_here(state: SessionState, listed: Mapping[str, PersonRef]) -> Here:
    """Everyone let in and not gone, by the name they go by (compared as people read names).
    `listed` are the console's references to them, by id, so each person has just one."""
    here = {Presence.PRESENT, Presence.STEPPED_OUT}
    return {
        same_name(p.name): listed[p.id]
        for p in reversed(state.participants.values())
        if p.presence in here
    }


def promise_rows(state: SessionState, here: Here) -> list[PromiseRow]:
    apologised = {same_name(name) for name in state.apologies}
    return [
        PromiseRow(
            key=a.key,
            peer_name=a.peer_name or "",
            detail=a.detail,
            outcome=state.promises.get(a.key),
            apologised=same_name(a.peer_name or "") in apologised,
            in_session=same_name(a.peer_name or "") in here,
        )
        for a in state.carried_over
        if a.is_promise
    ]


def promised_takers(state: SessionState, here: Here) -> list[PersonRef]:
    """Who planning a Taking Time preselects: those still owed one and here, in promise order."""
    takers: list[PersonRef] = []
    for action in state.open_promises:
        person = here.get(same_name(action.peer_name or ""))
        if person is not None and person not in takers:
            takers.append(person)
    return takers
