"""Keeping secrets out of messages: every configured secret is replaced before text leaves."""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Iterable
from typing import Any

from modelreg._walk import rebuild
from modelreg.errors import APIError, ModelRegError, ProtocolError

MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter values are not masked: replacing every ``ab`` in a message would hide the message."""
MAX_DEPTH = 32
"""Error details deeper than this are cut (``…``): no real vendor error nests so far, and a
hostile one nested thousands deep would otherwise break ``repr`` and ``json.dumps`` of the error."""

_KEY_NAMES = r"(?:api[_-]?key|token|secret|password|project[_-]?key)"
_SECRET_PARAMS = re.compile(rf"(?i)({_KEY_NAMES}=)[^&\s]+")
_SECRET_FIELDS = re.compile(rf'(?i)("[\w-]{{0,40}}{_KEY_NAMES}[\w-]{{0,40}}"\s*:\s*")(?:[^"\\]|\\.)*')
"""A key-bearing JSON field in text (an excerpt of a body that echoes a third-party key)."""


class Redactor:
    """Replaces a fixed set of secret values, ``names=`` query parameters and obvious ``key=...`` ones with ``***``."""

    def __init__(self, secrets: Iterable[str], *, names: Iterable[str] = ()) -> None:
        values = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None
        # Query parameters that carry a credential by name (a provider's declared ones): masked
        # whatever their value, even URL-encoded past recognition.
        params = sorted({n for n in names if n}, key=len, reverse=True)
        alternatives = "|".join(re.escape(n) for n in params)
        self._params = re.compile(rf"(?i)((?<![\w-])(?:{alternatives})=)[^&\s#]+") if params else None
        if self._pattern is not None or self._params is not None:
            _LIVE.add(self)

    def text(self, text: str) -> str:
        """``text`` with every secret masked."""
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        if self._params is not None:
            text = self._params.sub(lambda m: m.group(1) + MASK, text)
        text = _SECRET_PARAMS.sub(lambda m: m.group(1) + MASK, text)
        return _SECRET_FIELDS.sub(lambda m: m.group(1) + MASK, text)

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string masked, cut ``MAX_DEPTH`` levels down."""
        return rebuild(value, leaf=self._leaf, max_depth=MAX_DEPTH)

    def _leaf(self, value: Any) -> Any:
        return self.text(value) if isinstance(value, str) else value

    def error(self, exc: ModelRegError) -> ModelRegError:
        """Mask secrets in an error's message and attributes, in place, and in the errors it chains; returns it."""
        self._error(exc)
        # A traceback prints the chained errors too (e.g. the ServerError behind an OutcomeUnknown).
        seen = {id(exc)}
        chained = [exc.__cause__, exc.__context__]
        while chained:
            link = chained.pop()
            if isinstance(link, ModelRegError) and id(link) not in seen:
                seen.add(id(link))
                self._error(link)
                chained += [link.__cause__, link.__context__]
        return exc

    def _error(self, exc: ModelRegError) -> None:
        exc.message = self.text(exc.message)
        exc.args = (exc.message,)
        if isinstance(exc, APIError):
            exc.details = self.value(exc.details)
            if exc.error_code is not None:
                exc.error_code = self.text(exc.error_code)
        if isinstance(exc, ProtocolError) and exc.excerpt is not None:
            exc.excerpt = self.text(exc.excerpt)
        issues = getattr(exc, "issues", None)
        if issues:
            exc.issues = tuple(  # type: ignore[attr-defined]
                type(i)(tuple(self.text(p) for p in i.loc), self.text(i.message), i.type) for i in issues
            )


_LIVE: weakref.WeakSet[Redactor] = weakref.WeakSet()
"""Redactors of registries still in use: their secrets are masked in third-party log records too."""


class _ThirdPartyLogRedaction(logging.Filter):
    """Masks live registries' secrets in httpx's own log lines (its request line shows the full URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redactors = list(_LIVE)
        if redactors:
            message = original = record.getMessage()
            for redactor in redactors:
                message = redactor.text(message)
            if message != original:
                record.msg, record.args = message, None
        return True


for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_ThirdPartyLogRedaction())
