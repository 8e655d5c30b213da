"""Line numbers for manifest messages: ``tomllib`` gives values only, so headers and keys are found in the text."""

from __future__ import annotations

import re

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")


class Lines:
    """Where ``[[models]]`` entries, their fields and ``[prune]`` keys sit in a manifest's text (1-based)."""

    def __init__(self, text: str) -> None:
        self._text = text.splitlines()
        self._headers: list[tuple[int, str]] = []
        for number, line in enumerate(self._text, start=1):
            match = _ARRAY_HEADER.match(line) or _TABLE_HEADER.match(line)
            if match:
                self._headers.append((number, match[1].strip().strip('"')))
        self._entries = [number for number, name in self._headers if name == "models"]

    def entry(self, number: int) -> int | None:
        """The line of the ``number``-th ``[[models]]`` header (None when written another way)."""
        return self._entries[number - 1] if 0 < number <= len(self._entries) else None

    def field(self, number: int, field: str) -> int | None:
        """The line of ``field = ...`` inside the ``number``-th entry."""
        start = self.entry(number)
        return self._key_in_section(start, field) if start else None

    def prune(self, provider: str) -> int | None:
        """The line of ``provider = ...`` under ``[prune]``."""
        start = next((number for number, name in self._headers if name == "prune"), None)
        if start is None:
            return next((n for n, name in self._headers if name == f"prune.{provider}"), None)
        return self._key_in_section(start, provider)

    def top(self, key: str) -> str:
        """``key (line N)`` for a top-level table or key, or just ``key`` when it cannot be found."""
        line = next((number for number, name in self._headers if name == key), None)
        if line is None:
            first = self._headers[0][0] if self._headers else len(self._text) + 1
            line = self._key_between(1, first, key)
        return f"{key} (line {line})" if line else key

    def _key_in_section(self, start: int, key: str) -> int | None:
        end = next((number for number, _ in self._headers if number > start), len(self._text) + 1)
        return self._key_between(start + 1, end, key)

    def _key_between(self, start: int, end: int, key: str) -> int | None:
        pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
        for number in range(start, end):
            if pattern.match(self._text[number - 1]):
                return number
        return None
