"""Every property test runs under the suite's profile, whatever it declares itself."""

from hypothesis import settings


def test_property_tests_are_repeatable_and_have_no_deadline() -> None:
    active = settings()
    assert active.deadline is None
    assert active.derandomize is True
    assert active.database is None
