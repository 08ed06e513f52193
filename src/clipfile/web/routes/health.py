"""``/healthz``: is the server up, and how big is its library."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..common import store_of

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> dict[str, Any]:
    return {"ok": True, "documents": store_of(request).document_count()}
