"""A facilitator whose browser asks for Spanish runs a round from the console in a real browser:
the waiting room, letting people in, the stage, the round and its reordering, the keyboard's
question before moving on, and the drawer of links and settings; axe on every step.

With UPDATE_SCREENSHOTS=1 the screens are written to
docs/screenshots/console-{waiting-room,round,menu}-es.png.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.browser import LAPTOP, Screens
from tests.support.pages import (
    Session,
    axe_violations,
    describe_violations,
    to_the_top,
    version_of,
)
from tests.support.translations import said

SPANISH = "es-MX"
NAMES = ("Lucía", "Tom", "Mere", "Jo")


def es(message: str, **values: object) -> str:
    return said("es", message, **values)


def accessible(page: Page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(where, violations)


def test_a_spanish_facilitator_runs_a_round_from_the_console(
    screens: Screens, session: Session, shots: Path
) -> None:
    for name in NAMES:
        session.join(name)
    sam = screens.live(session.sam_url, LAPTOP, locale=SPANISH)
    expect(sam.locator("html")).to_have_attribute("lang", "es")
    expect(sam.locator("#stage-heading")).to_have_text("Cuando quieras, empezamos")
    expect(sam.locator("#waiting-heading")).to_contain_text("Sala de espera")
    expect(sam.locator("#console-alerts")).to_contain_text("4 esperan para entrar")
    accessible(sam, "the waiting room")
    sam.screenshot(path=str(shots / "console-waiting-room-es.png"))

    for name in NAMES:
        let_in = sam.get_by_role("button", name=es("Let in %(name)s", name=name))
        let_in.click()
        expect(let_in).to_have_count(0)
    expect(sam.locator("#waiting-panel")).to_contain_text(es("Nobody is waiting."))
    expect(sam.locator("#stage-panel .lede")).to_have_text("Hay 4 personas.")

    sam.get_by_role("button", name=es("Start the session")).click()
    expect(sam.locator("#stage-panel .eyebrow")).to_have_text("Ahora · punto 1 de 11")
    sam.locator("#next-stage").click()
    expect(sam.locator("#stage-heading")).to_have_text("Round of Good News")
    sam.get_by_label(es("In a random order")).check()
    sam.get_by_label(es("In the order people joined")).check()
    sam.get_by_role("button", name=es("Start the round")).click()
    expect(sam.locator("#turn-panel .panel__title")).to_have_text("Hablando ahora")
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Lucía")
    expect(sam.locator("#turn-panel .up-next")).to_have_text(
        "Siguen: Tom, luego Mere y Jo", use_inner_text=True
    )
    expect(sam.locator("#round-panel label[for=round-progress]")).to_have_text(
        "0 de 4 han tenido su turno"
    )

    # Reordering says where the person moved, in Spanish: Jo before Mere.
    sam.get_by_role("button", name=es("Move %(name)s up", name="Jo")).focus()
    sam.keyboard.press("Alt+ArrowUp")
    expect(sam.locator("#announcer")).to_have_text(
        "Jo pasa al lugar 2.º de 3 que aún van a hablar."
    )

    version = version_of(sam)
    sam.get_by_role("button", name=es("Next speaker")).click()
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Tom")
    assert version_of(sam) > version
    expect(sam.locator("#round-order .order__item").first.locator(".order__state")).to_have_text(
        es("shared")
    )
    expect(sam.locator(".last-change")).to_contain_text("Último cambio: Sam")
    accessible(sam, "the round")
    to_the_top(sam)
    sam.screenshot(path=str(shots / "console-round-es.png"))

    # S asks before moving on while people are still to speak, and says so in Spanish.
    sam.locator("body").click(position={"x": 5, "y": 5})
    sam.keyboard.press("s")
    expect(sam.locator("#next-stage-ask")).to_contain_text(
        "Aún falta por hablar en este punto: Tom, Jo y Mere."
    )
    expect(sam.locator("#announcer")).to_contain_text(
        es("Press S again to move on, or Escape to stay.")
    )
    sam.keyboard.press("Escape")
    expect(sam.locator("#next-stage-ask")).to_be_hidden()

    sam.get_by_text(es("Links and settings")).click()
    expect(sam.locator("#timing-settings-heading")).to_have_text("Ajustes de tiempo")
    expect(sam.locator("#menu-links-heading")).to_have_text("Enlaces de esta sesión")
    accessible(sam, "the drawer of links and settings")
    sam.screenshot(path=str(shots / "console-menu-es.png"))
    sam.get_by_label(es("Gentle cue before the end (minutes)")).fill("0.75")
    sam.get_by_role("button", name=es("Save settings")).click()
    expect(sam.locator("#notice")).to_contain_text("Ajustes guardados.")

    sam.get_by_role("button", name=es("Keyboard shortcuts")).click()
    expect(sam.locator("#shortcuts-title")).to_have_text("Atajos de teclado")
    expect(sam.locator("#shortcuts-dialog")).to_contain_text("Espacio")
    accessible(sam, "the keyboard shortcuts")
