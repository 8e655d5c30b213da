"""The envelopes SELISE answers may come in: lists in their plausible shapes, wrapped documents, ``is_success``.

The docs show only the bare array of ``/agents/models`` and the operation envelope of delete;
everything else here is tolerance for shapes a FastAPI backend plausibly returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from modelreg_selise._codec import ID, protocol_error
from modelreg_selise._errors import envelope_error
from modelreg_selise._wire import flag, fold, pick

LIST_KEYS = ("items", "data", "results", "models", "records", "docs", "content", "value", "list", "rows", "result")
TOTAL_KEYS = ("total", "totalcount", "totalitems", "totalrecords", "totalelements", "totalresults", "count")
MORE_KEYS = ("hasmore", "hasnext", "hasnextpage", "more")
WRAPPERS = ("data", "result", "item", "model", "payload", "page")


def is_failure(doc: Mapping[str, Any]) -> bool:
    """Whether a folded answer is the ``{"is_success": false}`` envelope."""
    return "issuccess" in doc and flag(doc["issuccess"]) is not True


def listing(
    body: Any, response: httpx.Response, what: str, *, nested: bool = False
) -> tuple[list[Any], int | None, bool | None]:
    """The items, total and "more pages" hint of a list answer in any of its plausible shapes."""
    if isinstance(body, list):
        return body, None, None
    if isinstance(body, Mapping):
        doc = fold(body)
        if is_failure(doc):
            raise envelope_error(body, response, what)
        for key in LIST_KEYS:
            items = doc.get(key)
            if isinstance(items, list):
                return items, _total(doc), _more(doc)
        if not nested:
            for key in WRAPPERS:
                inner = doc.get(key)
                if isinstance(inner, Mapping):
                    items, total, more = listing(inner, response, what, nested=True)
                    return items, total if total is not None else _total(doc), more if more is not None else _more(doc)
    names = ", ".join(LIST_KEYS[:5])
    raise protocol_error(response, what, f"neither an array nor an object holding one under {names}...")


def _total(doc: Mapping[str, Any]) -> int | None:
    for key in TOTAL_KEYS:
        value = doc.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def _more(doc: Mapping[str, Any]) -> bool | None:
    for key in MORE_KEYS:
        if key in doc:
            return flag(doc[key])
    if "next" in doc:
        return bool(doc["next"])
    return None


def document(body: Any, response: httpx.Response, what: str) -> Mapping[str, Any] | None:
    """The model document of a get/create answer, bare or wrapped; None for a bare success envelope."""
    if not isinstance(body, Mapping):
        raise protocol_error(response, what, "no model document (an object with _id or id)")
    doc = fold(body)
    if is_failure(doc):
        raise envelope_error(body, response, what)
    envelope = "issuccess" in doc
    if not envelope and pick(doc, ID) is not None:
        return body
    for key in WRAPPERS:
        inner = doc.get(key)
        if isinstance(inner, Mapping) and pick(fold(inner), ID) is not None:
            return inner
    if envelope:
        return None
    raise protocol_error(response, what, "no model document (an object with _id or id)")
