"""The read side: one module per question an analyst asks of the library.

- :mod:`~clipfile.read.items` — items by and about an entity (the one definition of both);
- :mod:`~clipfile.read.entities` — an entity found by name, its names, volume and lists;
- :mod:`~clipfile.read.search` — search with filters, facets and snippets;
- :mod:`~clipfile.read.query` — the search syntax matched in memory (alerts);
- :mod:`~clipfile.read.documents` — one document with everything found in it; recycled text;
- :mod:`~clipfile.read.whosaid` — a quotation and everyone it is attributed to;
- :mod:`~clipfile.read.brief` — an actor's brief and timeline.

The forecast ledger is :mod:`clipfile.ledger`.  The CLI, the web workbench and the alerts all
ask these modules, so they give the same answers; each takes a :class:`~clipfile.store.base.Store`
and returns plain data.  Nothing is imported here: import the module you need.
"""
