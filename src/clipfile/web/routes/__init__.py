"""The workbench's pages, one module per page type; :data:`ROUTERS` is what the app mounts."""
from __future__ import annotations

from . import documents, entities, health, ledger, search

__all__ = ["ROUTERS"]

ROUTERS = [search.router, documents.router, entities.router, ledger.router, health.router]
