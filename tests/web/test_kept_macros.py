"""A shared macro's calls kept by their arguments and the language (app/web/kept_macros.py)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from app.web.kept_macros import KeptMacro
from app.web.languages import LOCALES_DIR, Languages, current_language
from app.web.rendering import make_templates

LANGUAGES = Languages.from_directory(LOCALES_DIR)


class Counted:
    """A stand-in macro: says what it was given and in which language, and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Markup:
        self.calls += 1
        caller = kwargs.pop("caller", None)
        body = "" if caller is None else caller()
        return Markup(f"{current_language()} {args} {sorted(kwargs.items())} {body}")


def test_the_same_call_is_rendered_once_and_kept() -> None:
    macro = Counted()
    kept = KeptMacro(macro)
    first = kept("share", "Next speaker", fields={"participant_id": "p-1"}, id="turn-share")
    again = kept("share", "Next speaker", fields={"participant_id": "p-1"}, id="turn-share")
    assert again is first
    assert macro.calls == 1


def test_different_arguments_and_languages_are_each_their_own() -> None:
    macro = Counted()
    kept = KeptMacro(macro)
    priya = kept("skip_turn", fields={"participant_id": "p-1"})
    sam = kept("skip_turn", fields={"participant_id": "p-2"})
    with LANGUAGES.speaking("es"):
        in_spanish = kept("skip_turn", fields={"participant_id": "p-1"})
    assert len({priya, sam, in_spanish}) == 3
    assert in_spanish.startswith("es ")
    assert macro.calls == 3


def test_words_given_as_text_are_not_taken_for_markup_of_the_same_characters() -> None:
    macro = Counted()
    kept = KeptMacro(macro)
    trusted = kept("remove_participant", Markup("Remove <bdi>Priya</bdi>"))
    typed = kept("remove_participant", "Remove <bdi>Priya</bdi>")
    assert macro.calls == 2
    assert typed is not trusted


def test_a_call_with_a_body_is_not_kept() -> None:
    macro = Counted()
    kept = KeptMacro(macro)
    pause = kept("pause_timer", caller=lambda: Markup("Pause"))
    resume = kept("pause_timer", caller=lambda: Markup("Resume"))
    assert pause.endswith("Pause")
    assert resume.endswith("Resume")
    assert macro.calls == 2


def test_past_its_limit_it_lets_go_and_still_answers() -> None:
    macro = Counted()
    kept = KeptMacro(macro, limit=2)
    first = kept("a")
    kept("b")
    kept("c")
    assert kept("a") == first
    assert macro.calls == 4


def test_the_kept_command_is_the_macro_s_own_rendering() -> None:
    env = make_templates().env
    shared: Any = env.globals["ui"]
    kept = shared.command
    assert isinstance(kept, KeptMacro)
    macro = env.get_template("partials/macros.html").module.command  # type: ignore[attr-defined]
    arguments: dict[str, Any] = {
        "fields": {"participant_id": "p-1", "seconds": 60},
        "class": "btn--primary btn--big",
        "shortcut": "space",
        "id": "turn-share",
    }
    for language in ("en", "es"):
        with LANGUAGES.speaking(language):
            assert kept("share", "Next speaker", **arguments) == macro(
                "share", "Next speaker", **arguments
            )
