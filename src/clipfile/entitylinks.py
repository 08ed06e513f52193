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

from .entity_evidence import best_supported, canonical_choice, people_agree
from .errors import NotFound
from .linking import entity_keys, is_bare_person, is_weak, weak_keys
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
    names the library does not know, and the names and keys of each are added to its entity.
    People named by surname alone link last: the document's other entities are their context
    (:func:`clipfile.entity_evidence.best_supported`).  The library's name for an entity is the
    best-attested of its names (:func:`clipfile.entity_evidence.canonical_choice`)."""
    mapping: dict[str, str] = {}
    context: dict[int, str] = {}  # library entities this document names so far, with their type
    bare = {id(e): all(is_bare_person(n, e.get("type") or "MISC") for n in [e["name"], *e.get("aliases", [])])
            for e in entities}
    for ent in sorted(entities, key=lambda e: bare[id(e)]):
        names = [ent["name"], *ent.get("aliases", [])]
        etype = ent.get("type") or "MISC"
        entity_id = find_entity_for(store, names, etype, context)
        if entity_id is None:
            entity_id = store.add_entity(ent["name"], etype)
        else:
            current = store.entity_name(entity_id)
            if ent["name"] != current:
                best = canonical_choice([current, ent["name"]], etype,
                                        _attestation(store, entity_id, (current, ent["name"]), ent))
                if best != current:
                    store.rename_entity(entity_id, best)
        store.add_entity_names(entity_id, names, [key for name in names for key in entity_keys(name, etype)])
        mapping[ent["id"]] = f"E{entity_id}"
        context[entity_id] = etype
    return mapping


def find_entity_for(store: Store, names: list[str], etype: str,
                    context: dict[int, str] | None = None) -> int | None:
    """The library entity these names of one document entity link to (keys from
    :mod:`clipfile.linking`, evidence from :mod:`clipfile.entity_evidence`), or None."""
    verdicts: dict[int, bool] = {}

    def agrees(entity_id: int) -> bool:
        if etype != "PERSON":
            return True
        if entity_id not in verdicts:  # its own names: what an analyst merged in is vouched for
            known = store.entity_aliases(entity_id)
            verdicts[entity_id] = people_agree(names, [store.entity_name(entity_id), *known])
        return verdicts[entity_id]

    for key in (k for n in names for k in entity_keys(n, etype) if not is_weak(k)):
        found = [e for e in store.entities_with_key(key) if agrees(e)]
        if len(found) == 1:
            return found[0]
    # A surname alone ("Kessler", "Кесслер") joins the library person with that surname whose
    # documents share this document's company best.
    if all(is_bare_person(n, etype) for n in names):
        bearers = {e for n in names for k in weak_keys(n, etype) for e in store.entities_with_key(k)}
        return best_supported(context or {}, {e: store.entity_company(e) for e in bearers})
    return None


def _attestation(store: Store, entity_id: int, names: tuple[str, ...], ent: dict[str, Any]) -> dict[str, int]:
    """How often each of ``names`` is written in the entity's mentions, in the library and in
    the document being linked (``ent``): a mention attests a name when it holds every word of
    the name less its last letter (so inflected Russian forms count).  The library's side is a
    sample of the entity's latest mentions (``Store.entity_mention_texts``): a name written
    everywhere was read once per document from every mention, a cost that grew with the library."""
    texts = [t.casefold() for t in store.entity_mention_texts(entity_id)]
    texts += [m.get("text", "").casefold() for m in ent.get("mentions", [])]
    out = {}
    for name in names:
        stems = [w[:-1] if len(w) > 3 else w for w in name.casefold().split()]
        out[name] = sum(all(s in t for s in stems) for t in texts) if stems else 0
    return out


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
