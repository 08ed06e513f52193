"""The browser workbench: ``clipfile serve`` (search, documents, entities, forecast ledger, briefs)."""
from __future__ import annotations

from .app import create_app, run

__all__ = ["create_app", "run"]
