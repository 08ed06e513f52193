"""Saving an analysis into a library: its entities linked to the library's, their ids rewritten.

A document's analysis names entities with local ids (``e1``).  Before it is stored, each is
linked to a library-wide entity (``E12``) by the keys of :mod:`clipfile.linking`, or becomes a
new one, and every ``entity_id`` in the analysis is rewritten to the library's id.  These are
decisions about names, not about storage, so they are made here, once for every backend, over
the small entity primitives of the :class:`~clipfile.store.base.Store`; all of it happens in one
store transaction with the analysis itself, so a library never holds half a document's links.
"""
from __future__ import annotations

from typing import Any

from .errors import NotFound
from .linking import entity_keys, is_weak, name_key, weak_keys
from .store.base import Store

__all__ = ["save_linked", "link_entities", "find_entity_for", "rewrite_entity_ids"]


def save_linked(store: Store, analysis: dict[str, Any], *, version: str) -> dict[str, Any]:
    """Link an analysis's entities to the library's and store it, in one transaction.

    Earlier results for the document are replaced.  Returns the stored object (library ids).

    Raises:
        NotFound: the document is not in the library.
    """
    doc_id = analysis["document"]["id"]
    with store.transaction():
        if not store.has_document(doc_id):
            raise NotFound(f"no document {doc_id!r}: store it before its analysis")
        mapping = link_entities(store, analysis.get("entities", []))
        stored = rewrite_entity_ids(analysis, mapping)
        store.save_analysis(stored, version=version)
    return stored


def link_entities(store: Store, entities: list[dict[str, Any]]) -> dict[str, str]:
    """Library ids (``E12``) for a document's entities, by local id; new entities are made for
    names the library does not know, and the names and keys of each are added to its entity."""
    mapping: dict[str, str] = {}
    for ent in entities:
        names = [ent["name"], *ent.get("aliases", [])]
        etype = ent.get("type") or "MISC"
        entity_id = find_entity_for(store, names, etype)
        if entity_id is None:
            entity_id = store.add_entity(ent["name"], etype)
        elif len(name_key(ent["name"])) > len(name_key(store.entity_name(entity_id))):
            # The library keeps the fullest form as the canonical name.
            store.rename_entity(entity_id, ent["name"])
        store.add_entity_names(entity_id, names, [key for name in names for key in entity_keys(name, etype)])
        mapping[ent["id"]] = f"E{entity_id}"
    return mapping


def find_entity_for(store: Store, names: list[str], etype: str) -> int | None:
    """The one library entity these names of a document's entity belong to, or None."""
    def only_entity(key: str) -> int | None:
        found = store.entities_with_key(key)
        return found[0] if len(found) == 1 else None

    for key in (k for n in names for k in entity_keys(n, etype) if not is_weak(k)):
        if (found := only_entity(key)) is not None:
            return found
    # A surname alone ("Kessler", "Кесслер") joins the one library person with that surname.
    if all(len(name_key(n).split()) <= 1 for n in names):
        for key in (k for n in names for k in weak_keys(n, etype)):
            if (found := only_entity(key)) is not None:
                return found
    return None


def rewrite_entity_ids(analysis: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Replace local entity ids (``e1``) with library ids (``E12``) throughout an analysis."""

    def walk(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: (mapping.get(v, v) if k == "entity_id" and isinstance(v, str) else walk(v))
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [walk(v) for v in obj]
        return obj

    out: dict[str, Any] = walk(analysis)
    out["entities"] = [{**e, "id": mapping.get(e["id"], e["id"])} for e in out.get("entities", [])]
    return out
