"""A scanner for credentials left in cassettes: known secrets, key-like strings, unmasked auth headers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs

from modelreg.redaction import MASK, walk
from modelreg.testing._scrub import is_secret_header
from modelreg.testing._secrets import configured_secrets, secret_fields

# Each pattern names one shape a credential takes; ids and timestamps do not take these shapes.
PATTERNS: dict[str, re.Pattern[str]] = {
    "sk- key": re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    "bearer token": re.compile(r"(?i)\bbearer\s+(?!\*\*\*)[A-Za-z0-9._~+/=\-]{4,}"),
    # 40+ hex digits: SHA-1-sized and longer keys; 32-digit runs are left alone (uuid4().hex ids).
    "long hex run": re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{40,}(?![0-9A-Fa-f])"),
    "long base64 run": re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{40,}={0,2}"),
}
"""Key-like shapes reported wherever they appear in a cassette."""


@attrs.frozen
class Leak:
    """One credential-like string found in a cassette: where, what kind, and a shortened excerpt."""

    source: str
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.source}: {self.kind}: {self.excerpt}"


def _shorten(value: str) -> str:
    # Enough to find the string, too little to reuse it.
    return value[:6] + "…" if len(value) > 6 else value[:2] + "…"


def _looks_random(run: str) -> bool:
    """Mixed case and digits: a base64 key, not a word, path or identifier."""
    return any(c.islower() for c in run) and any(c.isupper() for c in run) and any(c.isdigit() for c in run)


def scan_text(text: str, *, secrets: Iterable[str] = (), source: str = "<text>") -> list[Leak]:
    """Every known secret and key-like string in ``text``."""
    found: list[Leak] = []
    for secret in {s for s in secrets if s and s != MASK}:
        if secret in text:
            found.append(Leak(source, "known secret", _shorten(secret)))
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            run = match.group(0)
            if kind == "long base64 run" and not _looks_random(run):
                continue
            found.append(Leak(source, kind, _shorten(run)))
    return found


def _strings(value: Any) -> Iterator[str]:
    # Iterative: a recorded body may nest deeper than Python's recursion limit.
    for key, item in itertools.chain([(None, value)], walk(value)):
        if key is not None:
            yield str(key)
        if isinstance(item, bytes):
            yield item.decode("utf-8", "replace")
        elif isinstance(item, str):
            yield item


def _header_leaks(document: Any, source: str, names: frozenset[str]) -> Iterator[Leak]:
    interactions = document.get("interactions", []) if isinstance(document, dict) else []
    for number, interaction in enumerate(interactions):
        for side in ("request", "response"):
            part = interaction.get(side) or {}
            where = f"{source} interaction {number} {side}"
            headers = part.get("headers") or {}
            for name, values in headers.items():
                for value in values if isinstance(values, list) else [values]:
                    secret = is_secret_header(str(name)) or str(name).lower() in names
                    if secret and str(value) != MASK:
                        yield Leak(where, f"unmasked {name} header", _shorten(str(value)))
            uri = part.get("uri")
            for name, value in parse_qsl(urlsplit(uri).query, keep_blank_values=True) if isinstance(uri, str) else ():
                if name.lower() in names and value and value != MASK:
                    yield Leak(where, f"unmasked {name} query parameter", _shorten(value))


def scan_cassette(path: str | Path, *, secrets: Iterable[str] = (), names: Iterable[str] | None = None) -> list[Leak]:
    """Every credential left in the cassette at ``path``: known values, key-like strings, unmasked credentials.

    Besides ``secrets``, it looks for the value of every credential the installed providers
    declare that the environment holds (a 32-digit hex key has no telltale shape), and checks
    that every header and query parameter named by ``names`` (default: the declared
    credentials' names, their headers and query parameters) is masked.
    """
    import yaml

    source = str(path)
    text = Path(path).read_text(encoding="utf-8")
    secrets = (*secrets, *configured_secrets())
    declared = frozenset(n.lower() for n in (secret_fields() if names is None else names))
    leaks = scan_text(text, secrets=secrets, source=source)
    document = yaml.safe_load(text)
    for string in _strings(document):
        leaks.extend(scan_text(string, secrets=secrets, source=source))
    leaks.extend(_header_leaks(document, source, declared))
    return list(dict.fromkeys(leaks))
