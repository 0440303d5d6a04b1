"""Changing the session's settings (their ranges are checked by SessionSettings itself)."""

from __future__ import annotations

from app.session import commands as cmd
from app.session import events as ev
from app.session.decide.draft import Draft, handles
from app.session.decisions import Refusal, RejectionCode
from app.translatable import translatable


@handles(cmd.ChangeSettings)
def _change_settings(draft: Draft, command: cmd.ChangeSettings) -> None:
    if command.settings == draft.state.settings:
        raise Refusal(RejectionCode.NOTHING_TO_DO, translatable("Those are already the settings."))
    wanted = command.settings
    if wanted.maximum_share_s < wanted.minimum_share_s:
        raise Refusal(
            RejectionCode.INVALID,
            translatable(
                "The longest share can't be shorter than the minimum share. Nothing has been "
                "changed."
            ),
        )
    draft.emit(ev.SettingsChanged(settings=command.settings))
