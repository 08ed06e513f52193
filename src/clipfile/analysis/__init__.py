"""The analysis algorithms every language shares, written once.

A language (:mod:`clipfile.lang`) supplies what differs: its parser, entities, quote
conventions, word lists, syntax tests and time-expression rules.  The modules here take those
as data and hooks: quotation-mark pairing (:mod:`.marks`), quote assembly with ``nested_in``
and ``continues`` (:mod:`.quotes`), transcript turns (:mod:`.turns`), the marker engine and
certainty formula (:mod:`.markers`, :mod:`.claims`), claims and their footing, forecasts,
events, the time-expression resolver (:mod:`.timex`) and recycled text (:mod:`.duplicates`).
"""
