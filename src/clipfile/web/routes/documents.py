"""The document page: the text with what was found in it highlighted, and every item listed
(:func:`clipfile.read.documents.document_view`, what ``clipfile show`` prints)."""
from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...errors import NotFound
from ...read.documents import document_view
from ..common import BadRequest, render, store_of
from ..highlight import highlight, spans_from_analysis

router = APIRouter()
_PASSAGE = re.compile(r"^(\d{1,9})-(\d{1,9})$")


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str, hl: str = "") -> HTMLResponse:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", doc_id):
        raise NotFound(f"no document {doc_id!r}")
    view = document_view(store_of(request), doc_id)
    doc = view["document"]
    target = None
    if hl:
        m = _PASSAGE.match(hl)
        if not m or not int(m.group(1)) < int(m.group(2)) <= len(doc.text):
            raise BadRequest(f"hl={hl!r} is not a passage of this document; write it as START-END "
                             f"with 0 ≤ START < END ≤ {len(doc.text)}")
        target = (int(m.group(1)), int(m.group(2)))
    analysis = view["analysis"] or {}
    body = highlight(doc.text, spans_from_analysis(analysis, target=target))
    forecasts = [f for f in view["forecasts"] if "key" in f]
    return render(request, "document.html", title=doc.title or doc.id, doc=doc, body=body,
                  analysis=analysis, forecasts=forecasts, recycled=view["duplicates"], target=target)
