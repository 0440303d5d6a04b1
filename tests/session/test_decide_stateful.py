"""The engine's state machine (tests/support/engine_machine.py) under random use."""

import pytest

from tests.support.engine import engine_settings
from tests.support.engine_machine import EngineMachine

EngineMachine.TestCase.settings = engine_settings(60, stateful_step_count=60)
# A long hypothesis run: in `make test`, not in the fast lane.
TestEngine = pytest.mark.slow(EngineMachine.TestCase)
