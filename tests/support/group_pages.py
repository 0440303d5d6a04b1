"""The group pages in a browser: a page checked by axe as it goes, and a facilitator's first
steps (an account, then a group) that the group pages' browser tests start from."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.support.browser import WAIT_MS
from tests.support.groups import PASSWORD, today
from tests.support.pages import axe_violations, describe_violations

LAPTOP: ViewportSize = {"width": 1280, "height": 900}


@dataclass
class AuditedPage:
    """One page at laptop size; `audit` notes what axe finds serious, asserted at the end."""

    page: Page
    problems: list[str] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        browser: Browser,
        viewport: ViewportSize = LAPTOP,
        problems: list[str] | None = None,
    ) -> AuditedPage:
        """A page in a context of its own; `problems` shared with another page's, if given."""
        page = browser.new_context(viewport=viewport).new_page()
        page.set_default_timeout(WAIT_MS)
        return cls(page) if problems is None else cls(page, problems)

    def audit(self, where: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(describe_violations(where, violations))

    def assert_no_problems(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def sign_up_with_a_group(
    audited: AuditedPage, base_url: str, *, welcome_every: str | None = None
) -> None:
    """Sam creates an account and the group Riverside, meeting today at 18:30 (and welcoming
    new members every `welcome_every` meetings, if given)."""
    page = audited.page
    page.goto(f"{base_url}/account/register")
    audited.audit("register")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Your groups")).to_be_visible()
    audited.audit("groups, none yet")
    page.get_by_label("Group name").fill("Riverside")
    page.get_by_label("Date of the first meeting").fill(today().isoformat())
    page.get_by_label("Meeting time").fill("18:30")
    if welcome_every is not None:
        page.get_by_label("New members welcome every … meetings").fill(welcome_every)
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", name="Riverside", level=1)).to_be_visible()
    audited.audit("group page")
