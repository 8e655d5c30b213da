"""Masking secrets in text and JSON-like values, public for tools that write what modelreg sends.

``Redactor(secrets).text(s)`` replaces every given secret (and ``key=...`` query parameters) with
``MASK``; ``.value(v)`` does the same through a JSON-like value. Values shorter than
``MIN_SECRET_LENGTH`` are not masked, since masking every two-letter match would hide the text.

Walking vendor JSON goes through ``walk`` and ``rebuild``, which use an explicit stack: a body
nested thousands of levels deep is only data, never a ``RecursionError``.
"""

from modelreg._redact import MASK, MIN_SECRET_LENGTH, Redactor
from modelreg._walk import CUT, DESCEND, DROP, Container, containers, rebuild, walk

__all__ = [
    "CUT",
    "DESCEND",
    "DROP",
    "MASK",
    "MIN_SECRET_LENGTH",
    "Container",
    "Redactor",
    "containers",
    "rebuild",
    "walk",
]
