"""What the OpenAPI document says about each command a client may send: a sentence and an example.

Shown by /docs as the examples of `POST /api/sessions/{id}/commands` (the same objects go inside
a websocket `command` message, docs/protocol.md). A test checks that every client command has
one and that each example is a command the server accepts as well formed.
"""

from __future__ import annotations

from typing import Any

from fastapi.openapi.models import Example

# Ids in the examples: a facilitator's and participants' ids come from the session's links and
# its view (`participants[].id`), stage ids from the view's `stages[].id`.
PRIYA = "p-priya"
TOM = "p-tom"
STAGE = "s4"

# (who may send it, what it does, its fields besides `type` and `id`)
COMMANDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "start_session": ("Facilitators", "Start the session at its first stage.", {}),
    "end_session": ("Facilitators", "End the session for everyone.", {}),
    "pause_session": ("Facilitators", "Stop every clock at once: everything waits.", {}),
    "resume_session": ("Facilitators", "Start every clock again where it stopped.", {}),
    "advance_stage": ("Facilitators", "Move to the next stage of the agenda.", {}),
    "go_to_stage": ("Facilitators", "Move to a stage that is still to come.", {"stage_id": STAGE}),
    "skip_stage": ("Facilitators", "Leave out a stage still to come.", {"stage_id": STAGE}),
    "insert_stage": (
        "Facilitators",
        "Add a stage to the agenda; without `after_stage_id`, after the current one.",
        {"kind": "break", "title": "A short break", "minutes": 5},
    ),
    "move_stage": (
        "Facilitators",
        "Move a stage still to come to another place in the agenda (0 is the first).",
        {"stage_id": STAGE, "to_index": 5},
    ),
    "set_stage_budget": (
        "Facilitators",
        "Change how many minutes a stage is planned to take.",
        {"stage_id": STAGE, "minutes": 20},
    ),
    "accept_schedule_suggestion": (
        "Facilitators",
        "Give each speaker still to come the share the schedule suggested.",
        {"stage_id": STAGE, "share_s": 150, "speakers_to_come": 4},
    ),
    "start_round": (
        "Facilitators",
        "Start the current stage's round. Without `order_policy`, in the order people joined.",
        {"order_policy": "left_of", "start_with": PRIYA},
    ),
    "reorder_round": (
        "Facilitators",
        "Set the order of those still to speak.",
        {"order": [TOM, PRIYA]},
    ),
    "share": (
        "The speaker, or facilitators",
        "The speaker has finished sharing. From a facilitator it means 'next speaker'.",
        {},
    ),
    "pass": ("The speaker, or facilitators", "The speaker passes this round.", {}),
    "pass_for_now": (
        "The speaker, or facilitators",
        "The speaker passes for now and is asked again at the end of the round.",
        {},
    ),
    "skip_turn": (
        "Facilitators",
        "Take someone out of this round (they can be given a turn again).",
        {"participant_id": TOM},
    ),
    "return_to": (
        "Facilitators",
        "Give someone a turn in this round again (passed, skipped, or just arrived).",
        {"participant_id": TOM},
    ),
    "pause_timer": ("The speaker, or facilitators", "Pause the speaker's clock.", {}),
    "resume_timer": ("The speaker, or facilitators", "Start the speaker's clock again.", {}),
    "extend_time": (
        "Facilitators",
        "Give the speaker (or, with `target: stage`, the stage) more time.",
        {"seconds": 60, "target": "speaker"},
    ),
    "admit": ("Facilitators", "Let someone in from the waiting room.", {"participant_id": PRIYA}),
    "admit_everyone": ("Facilitators", "Let in everyone waiting who can be let in.", {}),
    "remove_participant": (
        "Facilitators",
        "Remove someone from the session; their link stops working.",
        {"participant_id": TOM},
    ),
    "readmit": (
        "Facilitators",
        "Let back in someone who left or was removed: back in if they had been let in before,"
        " else back to the waiting room.",
        {"participant_id": TOM},
    ),
    "send_waiting_away": (
        "Facilitators",
        "Remove everyone waiting who joined with the code (members stay).",
        {},
    ),
    "set_joining": (
        "Facilitators",
        "Close (or open again) joining with the code.",
        {"open": False},
    ),
    "set_join_word": (
        "Facilitators",
        "Ask everyone joining with the code for a word said in the room; without `word`, stop.",
        {"word": "willow"},
    ),
    "leave": ("Participants", "Leave the session (from the waiting room too).", {}),
    "step_out": (
        "Participants for themselves, or facilitators for anyone",
        "Step out for a while; a turn waits until they are back.",
        {},
    ),
    "come_back": (
        "Participants for themselves, or facilitators for anyone",
        "Back after stepping out.",
        {},
    ),
    "raise_hand": ("Participants", "Raise a hand: something to say or ask.", {}),
    "acknowledge_hand": (
        "Facilitators",
        "Mark someone's raised hand as seen: their phone says a facilitator has seen it.",
        {"participant_id": PRIYA},
    ),
    "lower_hand": (
        "Participants for themselves, or facilitators for anyone",
        "Lower a raised hand.",
        {},
    ),
    "request_support": (
        "Participants",
        "Ask the facilitators, privately, for support.",
        {},
    ),
    "clear_support_request": (
        "Participants for themselves, or facilitators for anyone",
        "The support request has been seen to.",
        {"participant_id": PRIYA},
    ),
    "follow_up_done": (
        "Facilitators, after the session has ended",
        "Someone has followed up with everyone who asked for support: from now on the session "
        "keeps only how many asked, and its stored record no longer says who.",
        {},
    ),
    "offer_to_take_time": (
        "Participants",
        "Offer to Take Time (`offered: false` takes the offer back).",
        {"offered": True},
    ),
    "choose_taker": (
        "Facilitators",
        "Choose who Takes Time (`null`: nobody yet). Without `stage_id`, the current stage.",
        {"participant_id": PRIYA},
    ),
    "set_agreed_question": (
        "Facilitators",
        "The question the group agreed with the taker; ends the taker's turn if it is on.",
        {"question": "What has helped you through a hard anniversary?"},
    ),
    "invite_reflection": (
        "Facilitators",
        "End the Round of Sharing early and give the taker their reflection.",
        {},
    ),
    "release_promise": (
        "Facilitators",
        "Release a housekeeping promise of Taking Time (its `key` in the facilitator view's "
        "`promises`): it is no longer owed, and does not carry to the next meeting.",
        {"promise": "a7c3e0d9b1f24c55"},
    ),
    "undo_last": ("Facilitators", "Put back the last change of turn or stage.", {}),
    "change_settings": (
        "Facilitators",
        "Change the session's timing settings (each with its range).",
        {
            "settings": {
                "minimum_share_s": 90,
                "maximum_share_s": 300,
                "near_end_cue_s": 30,
                "show_numbers_to_participants": True,
                "sound_cue": False,
            }
        },
    ),
}


def example_command(kind: str) -> dict[str, Any]:
    """The whole example command of `kind`, as a client sends it."""
    _senders, _meaning, fields = COMMANDS[kind]
    return {"type": kind, "id": f"{kind}-1", **fields}


def command_examples() -> dict[str, Example]:
    """The request examples of `POST /api/sessions/{id}/commands`, one a command."""
    return {
        kind: Example(
            summary=f"{kind}: {meaning}",
            description=f"Sent by: {senders}.",
            value=example_command(kind),
        )
        for kind, (senders, meaning, _fields) in COMMANDS.items()
    }
