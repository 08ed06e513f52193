"""Shared fixtures: the English spaCy pipeline (loaded once per session) and the seed article."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def shared_dir() -> Path:
    """``../shared`` beside the repository, or ``$CLIPFILE_SHARED``."""
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared evaluation folder (it may be absent: tests check what they need in it)."""
    return shared_dir()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article's text; tests that need it skip where ../shared is absent (a user's clone)."""
    files = sorted((shared_dir() / "seed").glob("*.txt"))
    if not files:
        pytest.skip(f"seed article not found under {shared_dir() / 'seed'} (set CLIPFILE_SHARED)")
    return files[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (tests/_pgserver.py); skips with the reason
    where none can be started."""
    from _pgserver import start

    server = start()
    if isinstance(server, str):
        pytest.skip(f"PostgreSQL: {server}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of a new, empty database on the session's PostgreSQL server, dropped afterwards."""
    name = postgres_server.new_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)
