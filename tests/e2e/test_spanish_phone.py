"""A Spanish-speaking member's evening in a real browser: the join page, the waiting room and a
whole turn on a phone set to Spanish, the room view on a Spanish laptop, while an English phone in
the same session reads English; axe on every Spanish screen.

With UPDATE_SCREENSHOTS=1 the Spanish screens are written to docs/screenshots/*-es.png.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, PROJECTOR, Screens, wait_connected
from tests.support.pages import Session, axe_violations

SPANISH = "es-MX"


def calm_and_accessible(page: Page, shots: Path, name: str) -> None:
    assert axe_violations(page) == [], name
    page.screenshot(path=str(shots / name))


def test_a_spanish_phone_through_a_whole_turn(
    screens: Screens, session: Session, shots: Path
) -> None:
    room = screens.live(session.room_url, PROJECTOR, locale=SPANISH)
    expect(room.locator("#room-status-heading")).to_have_text("Bienvenida")

    lucia = screens.open(session.join_url, PHONE, locale=SPANISH)
    expect(lucia.locator("html")).to_have_attribute("lang", "es")
    expect(lucia.get_by_role("heading", level=1)).to_have_text("Unirme a “Tuesday evening”")
    calm_and_accessible(lucia, shots, "phone-join-es.png")
    lucia.get_by_label("Tu nombre").fill("Lucía")
    lucia.get_by_role("button", name="Unirme").click()
    expect(lucia.locator("#you-heading")).to_have_text("Te damos la bienvenida, Lucía")
    wait_connected(lucia)
    calm_and_accessible(lucia, shots, "phone-waiting-es.png")

    tom = screens.open(session.join_url, PHONE, locale="en-GB")
    tom.get_by_label("Your name").fill("Tom")
    tom.get_by_role("button", name="Join").click()
    wait_connected(tom)

    for name in ("Lucía", "Tom"):
        waiting = next(p for p in session.view()["waiting_room"] if p["name"] == name)
        session.command("admit", participant_id=waiting["id"])
    session.start_first_round()

    expect(lucia.locator("#you-heading")).to_have_text("Tu turno")
    expect(lucia.locator("#turn-panel .panel__title")).to_have_text("Hablando ahora")
    expect(tom.locator("#you-heading")).to_have_text("You are next")
    expect(room.locator("#room-speaker-heading")).to_have_text("Hablando ahora")
    calm_and_accessible(lucia, shots, "phone-turn-es.png")
    room.screenshot(path=str(shots / "room-speaking-es.png"))
    assert axe_violations(room) == []

    lucia.get_by_role("button", name="He terminado de compartir").click()
    expect(lucia.locator("#you-heading")).to_have_text("Has compartido")
    expect(tom.locator("#you-heading")).to_have_text("Your turn")
    calm_and_accessible(lucia, shots, "phone-shared-es.png")

    lucia.get_by_role("button", name="Me gustaría recibir apoyo").click()
    expect(lucia.locator("#support-asked")).to_contain_text("Solo tú ves esto.")
    calm_and_accessible(lucia, shots, "phone-support-es.png")
