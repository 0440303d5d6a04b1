"""Jinja2 environment, pages and HTML fragments for live pages, and the join QR code."""

from __future__ import annotations

import functools
import io
from collections.abc import KeysView
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, Template, meta, nodes
from markupsafe import Markup

from app.plain_text import quoted
from app.realtime.panels import MadePanels, Panel
from app.session.views import AnyView, FacilitatorView, ParticipantView, PublicView, RoomView, You
from app.store.live_sessions import LiveSessionRecord
from app.timekeeping.time_text import clock_text
from app.web.compiled_words import compiled_for
from app.web.console_panels import console_panels
from app.web.kept_macros import KeptMacro
from app.web.languages import (
    LOCALES_DIR,
    SOURCE_LANGUAGE,
    Languages,
    current_language,
    gettext,
    ngettext,
    translated,
)
from app.web.lengths import duration_words, minutes_words, percent_words
from app.web.local_time import (
    LocalTime,
    date_words,
    day_words,
    list_words,
    meeting_words,
    month_words,
    time_of_day_words,
    zone_named,
)
from app.web.minutes import minutes_value
from app.web.phone_panels import phone_panels
from app.web.room_panels import room_panels
from app.web.script_words import script_words
from app.web.services import Services

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
NODE_MODULES = ROOT / "node_modules"

# Front-end packages are installed from npm (package-lock.json) and served from node_modules.
VENDOR_FILES = {
    "htmx.min.js": NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js",
    "ws.js": NODE_MODULES / "htmx-ext-ws" / "ws.js",
    "axe.min.js": NODE_MODULES / "axe-core" / "axe.min.js",
    "swagger-ui-bundle.js": NODE_MODULES / "swagger-ui-dist" / "swagger-ui-bundle.js",
    "swagger-ui.css": NODE_MODULES / "swagger-ui-dist" / "swagger-ui.css",
}


def make_templates(
    time_zone: str | None = None, languages: Languages | None = None
) -> Jinja2Templates:
    """`time_zone`: the server's (Settings.time_zone), for sessions that have no group's;
    `languages`: the catalogs it can answer in (the shipped ones when not given)."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    # The templates ship with the app: without this, every include and import asks the disk
    # whether its file changed (10 to 40 stats per version of a session's screens).
    templates.env.auto_reload = False
    add_filters(templates.env, time_zone, languages)
    return templates


def add_filters(
    env: Environment, time_zone: str | None = None, languages: Languages | None = None
) -> None:
    """Formatting every template shares, so a number reads the same on every screen, and the
    words: `{{ _("…") }}` answers in the language of the request or render at hand
    (app/web/languages.py)."""
    env.filters["clock"] = clock_text
    env.filters["minutes"] = minutes_words
    env.filters["duration"] = duration_words
    env.filters["percent"] = percent_words
    env.filters["minutes_value"] = minutes_value
    env.filters["quoted"] = quoted
    env.filters["local_time"] = LocalTime(zone_named(time_zone))
    env.filters["day"] = day_words
    env.filters["date"] = date_words
    env.filters["month"] = month_words
    env.filters["time_of_day"] = time_of_day_words
    env.filters["meeting_words"] = meeting_words
    env.filters["listed"] = list_words
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
    # Words made elsewhere (a refusal, a page's title), marked there with `translatable` or
    # built as `Words`.
    env.filters["translated"] = translated
    env.globals["current_language"] = current_language
    env.globals["script_words"] = script_words
    env.globals["languages"] = (languages or Languages.from_directory(LOCALES_DIR)).offered
    # An icon is the same SVG wherever its name is asked for: drawn once per name, not by a
    # macro call on every render (three in every countdown, some fifteen a version).
    icons: Any = env.get_template("partials/icons.html").module
    env.globals["icon"] = functools.cache(icons.icon)
    # The shared macros, made once with the globals above, for every template as `ui`: an
    # `{% import %}` of them in each panel cost ~15 µs per render (Jinja compares the render's
    # globals with the module's on every import), some 35 times a version.
    shared: Any = env.get_template("partials/macros.html").module
    shared.command = KeptMacro(shared.command)
    env.globals["ui"] = shared


def page(
    svc: Services, request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return svc.templates.TemplateResponse(request, template, context, status_code=status_code)


def message_page(
    svc: Services, request: Request, title: str, message: str, status_code: int
) -> HTMLResponse:
    """A calm page with a heading and a few words: what happened, and what to do."""
    return page(svc, request, "message.html", status_code, title=title, message=message)


def live_fragment_name(view: AnyView) -> str:
    if isinstance(view, FacilitatorView):
        return "live/console.html"
    if isinstance(view, ParticipantView):
        return "live/participant.html"
    return "live/room.html"


class PanelReadsTooMuch(Exception):
    """A panel's template reads a name its panel is not given, so the name is not in its key."""


class FragmentRenderer:
    """A live page's fragment: whole (the page's first load), or a phone's, the console's or
    the room's panels one by one (app/realtime/panels.py)."""

    def __init__(self, templates: Jinja2Templates, languages: Languages) -> None:
        self._env = templates.env
        self._languages = languages
        # Each language's copy of the templates, its fixed words translated as they compile.
        self._compiled = {
            code: compiled_for(self._env, catalog) for code, catalog in languages.catalogs.items()
        }
        self._checked: set[str] = set()
        self._panel_templates: dict[tuple[str, str], tuple[Template, dict[str, Any]]] = {}

    def _templates_in(self, language: str) -> Environment:
        return self._compiled.get(language) or self._compiled[SOURCE_LANGUAGE]

    def __call__(self, view: AnyView, record: LiveSessionRecord, language: str) -> str:
        with self._languages.speaking(language):
            return (
                self._templates_in(language)
                .get_template(live_fragment_name(view))
                .render(view=view, session=record, join_code=record.join_code)
            )

    def panels(
        self, view: PublicView, you: You, language: str, made: MadePanels | None = None
    ) -> tuple[Panel, ...]:
        return phone_panels(view, you, language, made)

    def console_panels(
        self, view: FacilitatorView, record: LiveSessionRecord, language: str
    ) -> tuple[Panel, ...]:
        return console_panels(view, record, language)

    def room_panels(
        self, view: RoomView, record: LiveSessionRecord, language: str
    ) -> tuple[Panel, ...]:
        return room_panels(view, record, language)

    def render_panel(self, panel: Panel) -> str:
        if panel.template not in self._checked:
            self._check_reads(panel)
        template, names = self._panel_template(panel.language, panel.template)
        # The panel's inputs over the template's globals, as Template.render merges them, but
        # with the globals (a ChainMap Jinja copies key by key) flattened once per template.
        context = template.new_context({**names, **panel.inputs}, shared=True)
        environment = template.environment
        with self._languages.speaking(panel.language):
            try:
                html = environment.concat(template.root_render_func(context))
            except Exception:
                environment.handle_exception()
        return panel.lead + html + panel.tail

    def _panel_template(self, language: str, name: str) -> tuple[Template, dict[str, Any]]:
        found = self._panel_templates.get((language, name))
        if found is None:
            template = self._templates_in(language).get_template(name)
            found = self._panel_templates[language, name] = (template, dict(template.globals))
        return found

    def _check_reads(self, panel: Panel) -> None:
        """The template is given only its inputs; a name it reads beyond them (and the
        environment's globals) would render as nothing here yet be read from the view in the
        whole page: refuse it before it renders once."""
        tree = self._parse(panel.template)
        # A name set inside a branch is "undeclared" to Jinja's analysis; it is the template's own.
        sets = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "store"}
        reads = meta.find_undeclared_variables(tree) - sets
        unknown = reads - panel.inputs.keys() - self._env.globals.keys()
        if unknown:
            raise PanelReadsTooMuch(f"{panel.template} reads {sorted(unknown)}")
        for name, value in panel.inputs.items():
            if isinstance(value, dict):
                self._check_fields(panel.template, tree, name, value.keys())
        self._checked.add(panel.template)

    def _check_fields(
        self, template: str, tree: nodes.Template, name: str, given: KeysView[str]
    ) -> None:
        """An input given as some of a view's fields (the console's panels): the template, and
        the templates it includes, read no other field of it, and never it whole."""
        fields: set[str] = set()
        whole = 0
        for source in (tree, *self._included(tree)):
            fields |= {
                node.attr
                for node in source.find_all(nodes.Getattr)
                if isinstance(node.node, nodes.Name) and node.node.name == name
            }
            whole += sum(1 for node in source.find_all(nodes.Name) if node.name == name)
            whole -= sum(
                1
                for node in source.find_all(nodes.Getattr)
                if isinstance(node.node, nodes.Name) and node.node.name == name
            )
        if fields - given:
            raise PanelReadsTooMuch(f"{template} reads {name}.{sorted(fields - given)}")
        if whole:
            raise PanelReadsTooMuch(f"{template} reads the whole of {name}")

    def _included(self, tree: nodes.Template) -> list[nodes.Template]:
        """The templates an include brings in with this one's names, and theirs."""
        found = []
        for include in tree.find_all(nodes.Include):
            if include.with_context and isinstance(include.template, nodes.Const):
                included = self._parse(include.template.value)
                found += [included, *self._included(included)]
        return found

    def _parse(self, template: str) -> nodes.Template:
        source = self._env.loader.get_source(self._env, template)[0]  # type: ignore[union-attr]
        return self._env.parse(source)


def qr_svg(data: str) -> Markup:
    # Imported on the first room page, not at start-up: qrcode brings PIL, and a restarted
    # server should answer its screens first (docs/operations.md, "Restart").
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return Markup(buffer.getvalue().decode())
