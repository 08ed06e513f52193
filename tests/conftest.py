"""Shared fixtures: the English spaCy pipeline, loaded once per test session."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def nlp():
    from clipfile.nlp import english

    return english()
