"""Items by and about an entity: the one definition every view uses.

An item is *by* an entity when the entity is its speaker (a quote's speaker, a claim's source, a
forecast's forecaster: the store's ``speaker`` role).  It is *about* the entity when the entity is
its subject or target, takes part in it (an event), or is named inside it, and it is not by the
entity.  The CLI (``quotes``, ``claims``, ``entity``, ``brief``), the web entity page and brief,
and the ledger's ``--about`` all ask these functions, so they give the same answers.

Every filter and the limit go into the store's query: nothing fetches every row to keep a few.
"""
from __future__ import annotations

from typing import Any

from ..store.base import EntityLink, Store

__all__ = ["BY_ROLES", "ABOUT_ROLES", "FOOTINGS", "QUOTE_KINDS", "by", "about", "by_or_about", "listing",
           "unique_items", "check_footing", "check_quote_kind"]

BY_ROLES = ("speaker",)
ABOUT_ROLES = ("subject", "participant", "mentioned")
# The footing (``status``) of a claim, in the order a brief lists them.
FOOTINGS = ("evidenced", "asserted", "hedged", "hearsay", "unsupported", "disputed", "denied")
QUOTE_KINDS = ("direct", "mixed", "indirect")


def check_footing(footing: str | None) -> str | None:
    """``footing`` lower-cased, or ValueError naming the footings there are."""
    if footing is None or footing == "":
        return None
    if footing.lower() not in FOOTINGS:
        raise ValueError(f"unknown footing {footing!r}: choose {', '.join(FOOTINGS)}")
    return footing.lower()


def check_quote_kind(kind: str | None) -> str | None:
    """A quote kind lower-cased, or ValueError naming the kinds there are."""
    if not kind:
        return None
    if kind.lower() not in QUOTE_KINDS:
        raise ValueError(f"unknown quote kind {kind!r}: choose {', '.join(QUOTE_KINDS)}")
    return kind.lower()


def by(store: Store, entity: int, kind: str, **filters: Any) -> list[dict[str, Any]]:
    """Items of ``kind`` the entity said, claimed or forecast (``filters``: :meth:`Store.items`'s
    ``quote_kind``, ``footing``, ``limit``, ``offset``, ``links``)."""
    links = (EntityLink(entity, BY_ROLES), *filters.pop("links", ()))
    return store.items(kind, links=links, **filters)


def about(store: Store, entity: int, kind: str, **filters: Any) -> list[dict[str, Any]]:
    """Items of ``kind`` about the entity that are not by it."""
    links = (EntityLink(entity, ABOUT_ROLES), EntityLink(entity, BY_ROLES, absent=True),
             *filters.pop("links", ()))
    return store.items(kind, links=links, **filters)


def by_or_about(store: Store, entity: int, kind: str, **filters: Any) -> list[dict[str, Any]]:
    """Items of ``kind`` linked to the entity in any role, each once."""
    links = (EntityLink(entity, BY_ROLES + ABOUT_ROLES), *filters.pop("links", ()))
    return store.items(kind, links=links, **filters)


def listing(store: Store, kind: str, *, by_entity: int | None = None, about_entity: int | None = None,
            **filters: Any) -> list[dict[str, Any]]:
    """Items of ``kind``, optionally by one entity and/or about another (both must hold)."""
    links: list[EntityLink] = []
    if by_entity is not None:
        links.append(EntityLink(by_entity, BY_ROLES))
    if about_entity is not None:
        links.append(EntityLink(about_entity, ABOUT_ROLES))
        if by_entity is None:
            links.append(EntityLink(about_entity, BY_ROLES, absent=True))
    return store.items(kind, links=links, **filters)


def unique_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in their order, each library item once."""
    seen: set[int] = set()
    out = []
    for it in items:
        if it["item_id"] not in seen:
            seen.add(it["item_id"])
            out.append(it)
    return out
