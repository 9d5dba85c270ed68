"""Fixtures of the advisor's tests."""

from __future__ import annotations

import pytest

from mlcore.tests.fake_llm import FakeLlm


@pytest.fixture
def fake_llm(settings):
    """A fake OpenAI-compatible server on loopback (mlcore/tests/fake_llm.py), set as the advisor's local model."""
    with FakeLlm() as server:
        yield server.configure(settings)
