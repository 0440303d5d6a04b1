"""Where to find support: what a new group starts with, before its facilitators confirm it.

A person who asks for support may be in distress, so the group's list starts as placeholders
that say plainly what is missing. Nobody outside the facilitators sees a resource until one of
them confirms it (with the real number and hours): an unchecked number is worse than none.
"""

from __future__ import annotations

from app.agenda.carry_over import SupportResource

PLACEHOLDERS: tuple[SupportResource, ...] = (
    SupportResource(
        name="Your local crisis line",
        how_to_reach="Number to be confirmed by the facilitators",
        when_available="Day and night, every day (to be confirmed)",
    ),
    SupportResource(
        name="A crisis text line",
        how_to_reach="Text number to be confirmed by the facilitators",
        when_available="Day and night, every day (to be confirmed)",
    ),
    SupportResource(
        name="The facilitators",
        how_to_reach="Speak to one of us at the break or after the session",
        when_available="During and just after each meeting",
    ),
)
