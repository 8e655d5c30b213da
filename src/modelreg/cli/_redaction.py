"""Keeping credentials out of everything the command line prints or writes to disk.

A vendor record may carry a credential: SELISE's carries the ``project_key`` (which defaults to
the blocks key) and may carry a third-party ``api_key``. Two nets catch them: fields named like a
credential are masked whatever their value, and the value of every credential the CLI connects
with (each provider's secret settings, from the environment or a profile) is masked wherever it appears.
``redaction()`` gives the masking for the moment's providers and environment.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import modelreg
from modelreg.redaction import DESCEND, MASK, Redactor

KEY_FIELDS = frozenset(
    {
        "apikey",
        "projectkey",
        "blockskey",
        "xblockskey",
        "clientsecret",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "token",
        "password",
        "secret",
        "authorization",
        "cookie",
    }
)
"""Field names (folded: lower case, no ``_`` or ``-``) whose value is a credential."""
HEADER_FIELDS = frozenset({"customheaders", "headers"})
"""Fields holding HTTP headers for a third party: every header value may be a credential."""


def fold(name: Any) -> str:
    """A field name compared loosely: ``Project-Key``, ``projectKey`` and ``project_key`` are one."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


_REMEMBERED: set[str] = set()
"""Credential values the CLI connected with that the environment does not hold (from a profile)."""


def remember(values: Iterable[str]) -> None:
    """Mask these credential values too, from now on (the CLI calls it with every registry's secrets)."""
    _REMEMBERED.update(value for value in values if value)


def redaction() -> CliRedaction:
    """The masking for the credentials of this moment: installed providers, secret settings in the environment."""
    secrets = tuple(s for info in modelreg.providers(details=True) for s in info.settings if s.secret)
    values = {os.environ.get(s.env) for s in secrets if s.env} | _REMEMBERED
    return _redaction(tuple(sorted({s.name for s in secrets})), tuple(sorted(v for v in values if v)))


class CliRedaction:
    """Masking by field name in records (``fields``) and by credential value in any text."""

    def __init__(self, fields: frozenset[str], values: tuple[str, ...]) -> None:
        self.fields = fields
        self.redactor = Redactor(values)

    def text(self, text: str) -> str:
        """``text`` with every credential value (and ``key=...`` parameter) masked."""
        return self.redactor.text(text)

    def field(self, key: Any, item: Any) -> Any:
        """A ``rebuild`` field hook: mask a credential field, every value of a header map, else descend."""
        name = fold(key)
        if name in self.fields:
            return MASK if item not in (None, "") else item
        if name in HEADER_FIELDS and isinstance(item, Mapping):
            return {str(header): MASK for header in item}
        return DESCEND


@functools.lru_cache(maxsize=8)
def _redaction(names: tuple[str, ...], values: tuple[str, ...]) -> CliRedaction:
    # Built once per set of credential names and values: output calls this for every table cell.
    declared = {fold(name) for name in names}
    return CliRedaction(KEY_FIELDS | declared, values)
