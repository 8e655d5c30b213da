"""Keeping secrets out of messages: every configured secret is replaced before text leaves."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from modelreg.errors import APIError, ModelRegError, ProtocolError

MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter values are not masked: replacing every ``ab`` in a message would hide the message."""

_SECRET_PARAMS = re.compile(r"(?i)((?:api[_-]?key|token|secret|password|project[_-]?key)=)[^&\s]+")


class Redactor:
    """Replaces a fixed set of secret values (and obvious ``key=...`` parameters) with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def text(self, text: str) -> str:
        """``text`` with every secret masked."""
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        return _SECRET_PARAMS.sub(lambda m: m.group(1) + MASK, text)

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value

    def error(self, exc: ModelRegError) -> ModelRegError:
        """Mask secrets in an error's message and attributes, in place; returns it."""
        exc.message = self.text(exc.message)
        exc.args = (exc.message,)
        if isinstance(exc, APIError):
            exc.details = self.value(exc.details)
        if isinstance(exc, ProtocolError) and exc.excerpt is not None:
            exc.excerpt = self.text(exc.excerpt)
        issues = getattr(exc, "issues", None)
        if issues:
            exc.issues = tuple(  # type: ignore[attr-defined]
                type(i)(tuple(self.text(p) for p in i.loc), self.text(i.message), i.type) for i in issues
            )
        return exc
