"""An entity's newest items of a kind, read from its links, and its newest documents, read from
its (entity, document) rows, written once for both backends.

Each item-entity link carries its item's kind and its document's date (``at``), indexed by
(entity, role, kind, at, item): for each member of the entity (those merged into it) and each
role asked for, the walk reads that member's links newest first and stops at ``offset + limit``
passing the other conditions; the page is the newest of what the walks found, an item found by
two of them once.  Its cost is the page's, whatever the library holds about the entity
(:meth:`.base.Store.items` with ``newest``).
"""
from __future__ import annotations

from typing import Any, Sequence

from .base import LINK_ROLES, EntityLink
from .ledger_sql import Dialect

__all__ = ["linked_items", "newest_items", "newest_documents"]


def linked_items(dialect: Dialect, kind: str, conditions: Sequence[EntityLink], where: list[str], args: list[Any],
                 *, columns: str, newest: bool, limit: int | None, offset: int) -> tuple[str, list[Any]]:
    """SQL and arguments of a kind's items that pass ``where``/``args`` (conditions on the item
    ``i``) and are linked, or not (``absent``), to each entity of ``conditions`` (or one merged
    into it), in the roles asked for: oldest first in reading order, or ``newest`` first by date,
    ``limit`` (None or 0: every one) after ``offset``.  Every match is read and ordered: what
    :func:`newest_items` walks from an index when a page is asked for newest first."""
    mark = dialect.mark
    where, args = list(where), [kind, *args]
    for link in conditions:
        # NOT EXISTS, not NOT IN: PostgreSQL's planner cannot turn NOT IN into an anti-join
        # (NULLs), so it read every item of the kind (12 s for an entity's page at 1M documents)
        where.append(("NOT EXISTS (SELECT 1 FROM item_entities ie WHERE ie.item_id = i.id AND"
                      if link.absent else "i.id IN (SELECT ie.item_id FROM item_entities ie WHERE")
                     + f" ie.entity_id IN ({dialect.merged_set})"
                     + (f" AND ie.role IN ({','.join([mark] * len(link.roles))}))" if link.roles else ")"))
        args.extend((link.entity, *link.roles))
    sql = (f"SELECT {columns} FROM items i JOIN documents d ON d.id = i.doc_id WHERE i.kind = {mark}"
           + "".join(f" AND {w}" for w in where)
           + (f" ORDER BY coalesce(d.published, d.ingested){dialect.collate} DESC, i.id DESC" if newest else
              " ORDER BY coalesce(d.published, d.ingested), i.doc_id, i.start, i.id"))
    if limit or offset:
        sql += f" LIMIT {int(limit) if limit else dialect.no_limit} OFFSET {int(offset)}"
    return sql, args


def newest_items(dialect: Dialect, kind: str, walk: EntityLink, conditions: Sequence[EntityLink],
                 members: dict[int, list[int]], where: list[str], args: list[Any], *, columns: str, join: str,
                 limit: int, offset: int) -> tuple[str, list[Any]]:
    """SQL and arguments of the page: ``walk`` is the link the walks follow, ``conditions``
    every link (the others are tested item by item, through the item's links), ``members`` each
    linked entity's member ids, ``where``/``args`` the conditions on the item ``i`` (then read
    from ``items``; ``join`` is the backend's join that keeps the walk driving)."""
    mark = dialect.mark
    where, args = list(where), list(args)
    items = f" {join} items i ON i.id = ie.item_id" if where else ""
    for link in conditions:
        if link is walk:
            continue
        ids = members[link.entity]
        where.append(("NOT EXISTS" if link.absent else "EXISTS")
                     + f" (SELECT 1 FROM item_entities x{dialect.use_index('item_entities_item')} WHERE"
                     + f" x.item_id = ie.item_id AND x.entity_id IN ({','.join([mark] * len(ids))})"
                     + (f" AND x.role IN ({','.join([mark] * len(link.roles))}))" if link.roles else ")"))
        args.extend((*ids, *link.roles))
    branch = (f"SELECT * FROM (SELECT ie.item_id AS id, ie.at AS at FROM item_entities ie{items}"
              f" WHERE ie.entity_id = {mark} AND ie.role = {mark} AND ie.kind = {mark}"
              + "".join(f" AND {w}" for w in where)
              + f" ORDER BY ie.at DESC, ie.item_id DESC LIMIT {int(limit) + int(offset)}) w")
    pairs = [(m, r) for m in members[walk.entity] for r in (walk.roles or LINK_ROLES)]
    sql = (f"SELECT {columns} FROM ({' UNION '.join([branch] * len(pairs))}) p"
           f" {join} items i ON i.id = p.id {join} documents d ON d.id = i.doc_id"
           f" ORDER BY p.at DESC, p.id DESC LIMIT {int(limit)} OFFSET {int(offset)}")
    return sql, [a for m, r in pairs for a in (m, r, kind, *args)]


def newest_documents(dialect: Dialect, members: Sequence[int], limit: int) -> tuple[str, list[Any]]:
    """SQL and arguments of ``(doc_id, at)`` of the entity's newest ``limit`` documents, newest
    first (then the greatest id first): the entity's rows of ``entity_documents`` (the documents
    naming it or linking it to an item; ``at``: the document's date), for each member of the
    entity (``members``: itself and those merged into it) read newest first from their index by
    (entity, date) and stopped at ``limit``; a document of two members once.  The cost is the
    page's, whatever the library holds about the entity (SQLite schema 15, PostgreSQL migration 7)."""
    branch = ("SELECT * FROM (SELECT doc_id, at FROM entity_documents WHERE entity_id = "
              f"{dialect.mark} ORDER BY at DESC, doc_id DESC LIMIT {int(limit)}) w")
    return (f"SELECT doc_id, at FROM ({' UNION '.join([branch] * len(members))}) p"
            f" ORDER BY at DESC, doc_id DESC LIMIT {int(limit)}", list(members))
