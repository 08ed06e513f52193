"""Running ``clipfile ingest`` in-process for the hardening tests, and reading back the library."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.library import Library
from clipfile.records import Document


def ingest_cli(lib: Path, *args: str, input: bytes | str | None = None) -> Any:
    """``clipfile -L LIB ingest --no-analyze ARGS``; ``.said`` is the output with rich's wrapping undone."""
    result = CliRunner().invoke(app, ["-L", str(lib), "ingest", "--no-analyze", *args], input=input)
    # Anything but a clean exit is a traceback the user would have seen.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    result.said = " ".join(result.output.split())
    return result


def stored(lib: Path) -> list[Document]:
    """Every document in the library, in insertion order."""
    with Library(lib) as library:
        return list(library.store.iter_documents())
