"""Masking secrets in text and JSON-like values, public for tools that write what modelreg sends.

``Redactor(secrets).text(s)`` replaces every given secret (and ``key=...`` query parameters) with
``MASK``; ``.value(v)`` does the same through a JSON-like value. Values shorter than
``MIN_SECRET_LENGTH`` are not masked, since masking every two-letter match would hide the text.
"""

from modelreg._redact import MASK, MIN_SECRET_LENGTH, Redactor

__all__ = ["MASK", "MIN_SECRET_LENGTH", "Redactor"]
