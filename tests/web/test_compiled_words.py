"""Fixed words translated as a language's templates compile (app/web/compiled_words.py): the
same bytes as gettext at render time, on every live screen of random sessions in each language."""

from __future__ import annotations

import gettext

from jinja2 import DictLoader, Environment, select_autoescape

from app.session.command_base import Role
from app.session.state import SessionState
from app.session.views import view_for
from app.web.compiled_words import compiled_for
from app.web.languages import LOCALES_DIR, Languages
from app.web.rendering import FragmentRenderer, add_filters, live_fragment_name, make_templates
from tests.support.engine_machine import checked_after_every_step
from tests.support.frames import RECORD

LANGUAGES = Languages.from_directory(LOCALES_DIR)
TEMPLATES = make_templates()
RENDERER = FragmentRenderer(TEMPLATES, LANGUAGES)


class Catalog(gettext.NullTranslations):
    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()
        self.words = words

    def gettext(self, message: str) -> str:
        return self.words.get(message, message)


SPANISH = Catalog(
    {
        "Speaking now": "Hablando ahora",
        "Q & A": "P & R",
        "%(name)s is speaking.": "%(name)s está hablando.",
    }
)


def environment(source: str, name: str = "page.html") -> Environment:
    env = Environment(
        loader=DictLoader(
            {
                name: source,
                "partials/macros.html": "{% macro command() %}{% endmacro %}",
                "partials/icons.html": "{% macro icon(name) %}{% endmacro %}",
            }
        ),
        autoescape=select_autoescape(),
    )
    add_filters(env)
    return env


def test_fixed_words_are_in_the_language_compiled_without_a_language_at_render_time() -> None:
    env = environment("""<h2>{{ _("Speaking now") }}</h2><p>{{ _('Q & A') }}</p>""")
    compiled = compiled_for(env, SPANISH)
    # Nothing chose a language for this render: the words were translated as it compiled.
    assert compiled.get_template("page.html").render() == "<h2>Hablando ahora</h2><p>P & R</p>"
    assert env.get_template("page.html").render() == "<h2>Speaking now</h2><p>Q & A</p>"


def test_words_with_values_are_translated_compiled_and_the_values_escaped_at_render() -> None:
    env = environment(
        """{{ _("%(name)s is speaking.", name=who | upper) | striptags }}|"""
        """{{ _("%(name)s is speaking.", name=_("Q & A")) }}|{{ _("100%%") }}"""
    )
    compiled = compiled_for(env, SPANISH)
    html = compiled.get_template("page.html").render(who="<b>Sam</b>")
    # striptags takes the whole sentence, as it does the runtime call's answer.
    escaped, nested, percent = html.split("|")
    assert escaped == "&lt;B&gt;SAM&lt;/B&gt; está hablando."
    assert nested == "P & R está hablando."
    assert percent == "100%"
    with Languages({"en": gettext.NullTranslations(), "es": SPANISH}, {}).speaking("es"):
        assert env.get_template("page.html").render(who="<b>Sam</b>") == html


def test_only_a_call_of_gettext_itself_is_translated() -> None:
    env = environment("""{{ _ }}|{{ words._("Speaking now") }}|{{ _(title) }}""")
    compiled = compiled_for(env, SPANISH)

    class Words:
        def _(self, message: str) -> str:
            return f"[{message}]"

    html = compiled.get_template("page.html").render(words=Words(), title="Speaking now")
    gettext_shown, method, variable = html.split("|")
    assert gettext_shown.startswith("&lt;function")
    assert method == "[Speaking now]"
    # Not a fixed word: the runtime call, in the language being spoken (none: the source's).
    assert variable == "Speaking now"


def test_a_template_that_does_not_escape_keeps_the_runtime_call() -> None:
    env = environment("""{{ _("%(name)s is speaking.", name=who) }}""", name="mail.txt")
    compiled = compiled_for(env, SPANISH)
    # Unescaped, as gettext answers a template that does not escape; and in no language yet.
    assert compiled.get_template("mail.txt").render(who="<Sam>") == "<Sam> is speaking."


def assert_screens_render_as_at_runtime(state: SessionState) -> None:
    viewers: list[tuple[Role, str | None]] = [(Role.FACILITATOR, None), (Role.ROOM, None)]
    viewers += [(Role.PARTICIPANT, person) for person in state.participants]
    for role, person in viewers:
        view = view_for(state, role, person)
        runtime = TEMPLATES.env.get_template(live_fragment_name(view))
        for language in LANGUAGES.catalogs:
            with LANGUAGES.speaking(language):
                expected = runtime.render(view=view, session=RECORD, join_code=RECORD.join_code)
            assert RENDERER(view, RECORD, language) == expected


TestCompiledWordsUnderRandomUse = checked_after_every_step(
    assert_screens_render_as_at_runtime, examples=6, steps=30
)
