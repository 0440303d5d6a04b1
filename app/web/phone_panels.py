"""A phone's panels (templates/live/participant/) and the names each one reads, derived from
the participant's view exactly as templates/live/participant.html derives them for the whole
page (tests/realtime/test_phone_panels.py holds the two to the same bytes).

Each panel is given the fewest names that say what it shows, so that phones share it: the stage
panel reads public state and whether this phone is in the live session; the presence panel a
handful of this person's flags; the end of the turn panel this person's id only when they are
among the next to speak. Only the "you" panel reads the whole of `you`. A name may be given as
None to a phone whose panel does not read it (the speaker, to a phone neither speaking nor
next): the template still reads nothing but its inputs, and the test above holds the bytes
equal.

The turn panel is three: its head, the speaker's clock (a row: a screen showing the version
before is sent only that when nothing else in the panel changed) and the rest, which closes it.
"""

from __future__ import annotations

from app.realtime.panels import MadePanels, Panel
from app.session.state import Presence, SessionStatus
from app.session.views import PublicView, You
from app.session.views.public import Speaker

PANEL_DIR = "live/participant/"
BETWEEN = "\n\n"


def phone_panels(
    view: PublicView, you: You, language: str, made: MadePanels | None = None
) -> tuple[Panel, ...]:
    """A phone's panels from the version's public view and the phone's own `you`: the two a
    ParticipantView is made of, given apart so that a version's phones share one public view.
    `made`: this version's panels for its other phones. Each panel but "you" is made once
    for every phone that agrees on what it names as setting phones apart (`apart`): the rest of
    what it reads is the version's public view, the same on every phone."""
    made = made or MadePanels()
    stage = view.current_stage
    speaker = view.speaker
    inside = (
        you.presence in (Presence.PRESENT, Presence.STEPPED_OUT)
        and view.status != SessionStatus.ENDED
    )
    is_live = inside and view.status == SessionStatus.LIVE
    up_next = view.up_next
    quiet = not view.show_numbers

    def panel(name: str, apart: tuple[object, ...], lead: str = BETWEEN, **inputs: object) -> Panel:
        return made.once(
            (name, language, *apart),
            lambda: Panel(f"{PANEL_DIR}{name}.html", language, lead, inputs),
        )

    def part(name: str, apart: tuple[object, ...], row: str = "", **inputs: object) -> Panel:
        """A panel continuing the one before it (a row of it, if named)."""
        return made.once(
            (name, language, *apart),
            lambda: Panel(f"{PANEL_DIR}{name}.html", language, "", inputs, inside=True, row=row),
        )

    def who_speaks() -> Speaker | None:
        """Who speaks, for the parts that do not show their clock: pausing it, resuming it or
        giving more time makes only the clock anew."""
        if speaker is None:
            return None
        return speaker.without_clock()

    # The speaker as the turn panel's clock shows them: to everyone else in the session (the
    # speaker's own clock is in their "you" panel).
    watched = speaker if is_live and not you.is_speaking else None
    me = you.id if any(p.id == you.id for p in up_next) else None

    return (
        panel(
            "version",
            (),
            "",
            version=view.version,
            status=view.status,
            server_away=view.server_away,
        ),
        panel("paused", (is_live,), is_live=is_live, paused_since=view.paused_since),
        Panel(
            f"{PANEL_DIR}you.html",
            language,
            BETWEEN,
            {
                "status": view.status,
                "you": you,
                "tt": view.taking_time,
                # Read only by the one speaking (their clock) and the one next ("After Tom."):
                # a speaker's clock pausing makes only the speaker's own panel anew.
                "speaker": speaker if you.is_speaking else who_speaks() if you.is_next else None,
                "quiet": quiet,
                "paused_since": view.paused_since if you.is_speaking else None,
            },
        ),
        panel("stage", (is_live,), is_live=is_live, stage=stage, show_numbers=view.show_numbers),
        # Made lazily: who speaks without their clock is a copy, made only for a new panel.
        made.once(
            ("turn", language, is_live, you.is_speaking, you.is_next),
            lambda: Panel(
                f"{PANEL_DIR}turn.html",
                language,
                BETWEEN,
                {
                    "is_live": is_live,
                    "speaker": who_speaks(),
                    "up_next": up_next,
                    "round": view.round,
                    "is_speaking": you.is_speaking,
                    "is_next": you.is_next,
                },
            ),
        ),
        part(
            "turn_clock",
            (watched is None,),
            row="speaker-time",
            clock=None if watched is None else watched.countdown,
            quiet=quiet,
            taking_a_moment=watched is not None and watched.taking_a_moment,
        ),
        part(
            "turn_rest",
            (is_live, me),
            is_live=is_live,
            up_next=up_next,
            me=me,
            round=view.round,
        ),
        panel(
            "taking_time",
            (
                is_live,
                you.offered_to_take_time,
                you.chosen_to_take_time_in,
                you.presence,
                you.is_taking_time,
            ),
            is_live=is_live,
            stage_kind=None if stage is None else stage.kind,
            tt=view.taking_time,
            offered=you.offered_to_take_time,
            chosen_in=you.chosen_to_take_time_in,
            presence=you.presence,
            is_taking_time=you.is_taking_time,
        ),
        # No space before it: a comment in the whole page trims it away.
        panel(
            "presence",
            (inside, you.presence, you.hand_raised, you.hand_seen, you.support_requested),
            "",
            inside=inside,
            status=view.status,
            presence=you.presence,
            hand_raised=you.hand_raised,
            hand_seen=you.hand_seen,
            support_requested=you.support_requested,
            resources=you.support_resources,
        ),
    )
