"""The facilitator console's panels (templates/live/console/) and the view's fields each reads.

The console is one view for every facilitator, so its panels are not shared between screens
as a phone's are: they are shared between versions. Each panel is given `view` as only the
fields of the FacilitatorView its template reads (app/web/rendering.py refuses a template that
reads another), so a panel whose fields did not change since the previous version is taken from
that version's frames instead of rendered again. The schedule block reads the time (its
projection, app/realtime/schedules.py) and so is a panel of its own inside the stage panel: the
stage panel around it is not made anew when only the time moved. It is given the projection as
it shows it (a ScheduleLine: minutes, not seconds), so while a session runs late it is made
anew once a minute, not every second. Each person's row in the people panel is a panel of its
own, so one person's change remakes one row.

Joined, with the column wrappers in their leads and the last one's tail, the panels are byte
for byte templates/live/console.html rendered whole (tests/realtime/test_console_panels.py).

A console showing the version before is sent only the elements that changed
(app/realtime/panels.py). Every panel is a whole element with an id that is always rendered,
except the stage and people panels, which open an element that the panels after them continue
(INSIDE): the schedule block, the last change with undo, and each person's row are rows in
them, sent alone when nothing else in their element changed.
"""

from __future__ import annotations

from app.realtime.panels import Panel
from app.session.views import FacilitatorView
from app.store.live_sessions import LiveSessionRecord

PANEL_DIR = "live/console/"
BETWEEN = "\n\n"
FLOW = '\n\n<div id="console-flow" class="console-col console-col--flow">'
PEOPLE = '\n</div>\n\n<div id="console-people" class="console-col console-col--people">'
AGENDA = '\n</div>\n\n<div id="console-agenda" class="console-col console-col--agenda">\n'
END = "\n</div>"

# Each panel's lead (what comes before it in the whole page) and the view's fields it reads.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "version": ("", ("version", "status", "server_away")),
    "alerts": (
        "",
        (
            "status",
            "hands_unseen",
            "asked_for_support",
            "waiting_room",
            "waiting_burst",
            "settings",
        ),
    ),
    "paused": (FLOW, ("status", "paused_since")),
    "stage": ("\n", ("status", "current_stage", "stages", "present_count", "waiting_room")),
    "schedule": ("", ("status", "current_stage", "stages", "schedule", "floor_signal", "settings")),
    "stage_controls": (
        "",
        ("status", "current_stage", "next_stage", "still_to_speak", "paused_since"),
    ),
    # Changes with every action: a row of its own, so the controls are not made anew for it.
    "last_change": ("", ("status", "last_change", "last_change_by", "undo")),
    "stage_end": ("", ()),
    # The turn panel: its head, two rows (the speaker's clock; their controls) and the rest.
    "turn": (BETWEEN, ("status", "speaker", "round", "full_up_next")),
    "turn_clock": ("", ("speaker",)),
    "turn_controls": ("", ("speaker", "paused_since")),
    "turn_rest": ("", ("speaker", "round", "full_up_next")),
    "taking_time": (
        BETWEEN,
        (
            "status",
            "current_stage",
            "taking_time",
            "offered_to_take_time",
            "not_offered_to_take_time",
            "taking_time_plan",
            "promised_takers",
        ),
    ),
    "round": (
        BETWEEN,
        ("status", "round", "taking_time", "may_start_with", "reorderable", "order"),
    ),
    "group_notes": (
        "\n",
        (
            "status",
            "current_stage",
            "carried_over",
            "guidelines_due_review",
            "apologies",
            "promises",
            "for_group",
        ),
    ),
    "signals": (
        PEOPLE,
        (
            "status",
            "hands_raised",
            "asked_for_support",
            "support_follow_up",
            "support_followed_up",
        ),
    ),
    "waiting": (
        BETWEEN,
        (
            "status",
            "waiting_room",
            "waiting_burst",
            "waiting_first",
            "waiting_by_code",
            "waiting_admissible",
            "for_group",
            "join_word",
            "joining_open",
        ),
    ),
    # The head reads how many people are listed (`listed`), not their rows.
    "people": (BETWEEN, ()),
    # Then each person's row (PERSON_FIELDS), then:
    "people_foot": ("\n  ", ("status", "departed")),
    "agenda": (AGENDA, ("status", "stages")),
    "session": (
        BETWEEN,
        ("status", "facilitators", "settings", "present_count", "stepped_out_count"),
    ),
}
# A person's row reads the person, and the status.
PERSON_FIELDS = ("status",)
# The panels that continue the element the one before them opened, and of them, those that are
# a whole element of their own (rows), by that element's id.
INSIDE = frozenset(
    {
        "schedule",
        "stage_controls",
        "last_change",
        "stage_end",
        "turn_clock",
        "turn_controls",
        "turn_rest",
        "people_foot",
    }
)
ROWS = {
    "schedule": "schedule-block",
    "last_change": "stage-foot",
    "turn_clock": "turn-time",
    "turn_controls": "turn-controls",
}
# The panels that read who speaks but not their clock, and are given them without it.
CLOCKLESS = frozenset({"turn", "turn_rest"})
# The panels that link to this session's own pages.
READS_SESSION = frozenset({"stage", "schedule", "group_notes", "session"})


def console_panels(
    view: FacilitatorView, record: LiveSessionRecord, language: str
) -> tuple[Panel, ...]:
    session = {"id": record.id}
    who_speaks = None if view.speaker is None else view.speaker.without_clock()
    panels = []
    for name, (lead, fields) in FIELDS.items():
        if name == "people_foot":
            row_view = {field: getattr(view, field) for field in PERSON_FIELDS}
            panels += [
                Panel(
                    f"{PANEL_DIR}person.html",
                    language,
                    "",
                    {"view": row_view, "p": person},
                    inside=True,
                    row=f"person-{person.id}",
                )
                for person in view.participants
            ]
        given = {field: getattr(view, field) for field in fields}
        if name in CLOCKLESS:
            given["speaker"] = who_speaks
        if name == "schedule" and view.schedule is not None:
            given["schedule"] = view.schedule.line()
        inputs = {
            **({"view": given} if fields else {}),
            **({"session": session} if name in READS_SESSION else {}),
            **({"listed": len(view.participants)} if name == "people" else {}),
        }
        panels.append(
            Panel(
                f"{PANEL_DIR}{name}.html",
                language,
                lead,
                inputs,
                tail=END if name == "session" else "",
                inside=name in INSIDE,
                row=ROWS.get(name, ""),
                reads_time=name == "schedule",
            )
        )
    return tuple(panels)
