"""Scrubbing credentials out of recorded HTTP interactions: headers, query strings and bodies.

A ``Scrubber`` masks secrets by *name* (headers, query parameters, JSON and form fields that
hold credentials) and by *value* (every configured secret, plus every credential it has seen
in a request, so that an error answer echoing the key is scrubbed too).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from modelreg.redaction import DESCEND, MASK, MIN_SECRET_LENGTH, Redactor, rebuild, walk

SECRET_HEADERS = frozenset({"authorization", "x-blocks-key", "x-zoom-s2t-key", "cookie", "set-cookie"})
"""Headers whose values never reach a cassette (also masked when they appear as JSON fields)."""
SECRET_FIELDS = frozenset(
    {"api_key", "project_key", "client_secret", "client_id", "access_token", "refresh_token", "password", "token"}
)
"""Query parameters and JSON / form body fields whose values never reach a cassette."""
LEARNED_MIN_LENGTH = 8
"""The shortest credential learned from a request (configured ones may be as short as 4)."""
# Header names that by convention carry a credential, beyond the ones listed above.
_SECRET_HEADER_NAME = re.compile(r"(?i)(auth|api[-_]?key|token|secret|session|cookie|password)")
_AUTH_SCHEME = re.compile(r"(?i)^(bearer|basic|token|digest)\s+(\S+)$")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, so equal documents compare equal as text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def is_secret_header(name: str) -> bool:
    """Whether a header of this name carries a credential."""
    return name.lower() in SECRET_HEADERS or bool(_SECRET_HEADER_NAME.search(name))


class Scrubber:
    """Masks credentials by field name and by value; learns the values it sees in requests."""

    def __init__(self, secrets: Iterable[str] = (), fields: Iterable[str] = ()) -> None:
        self.fields = SECRET_FIELDS | SECRET_HEADERS | {f.lower() for f in fields}
        self._secrets: set[str] = set()
        self._redactor = Redactor(())
        self._lock = threading.Lock()
        self.add(*secrets)

    @property
    def secrets(self) -> frozenset[str]:
        """Every secret value this scrubber masks."""
        return frozenset(self._secrets)

    def add(self, *values: Any, min_length: int = MIN_SECRET_LENGTH) -> None:
        """Mask these values from now on (short, empty and already masked values are ignored)."""
        new = {str(v) for v in values if v and len(str(v)) >= min_length and MASK not in str(v)}
        with self._lock:
            if new - self._secrets:
                self._secrets |= new
                self._redactor = Redactor(self._secrets)

    def _learn(self, *values: Any) -> None:
        # A value seen in a request is masked everywhere only when long enough to be a credential:
        # a test password "test" must not turn every "latest" into "la***".
        self.add(*values, min_length=LEARNED_MIN_LENGTH)

    def text(self, text: str) -> str:
        """``text`` with every known secret value masked."""
        return self._redactor.text(text)

    # -- requests and responses ------------------------------------------------------------

    def is_secret_header(self, name: str) -> bool:
        """Whether a header of this name carries a credential: by convention, or declared by a provider."""
        return is_secret_header(name) or name.lower() in self.fields

    def learn_header(self, name: str, value: str) -> None:
        """Remember the credential in a secret header's value (and its bare token after a scheme)."""
        if self.is_secret_header(name):
            scheme = _AUTH_SCHEME.match(value.strip())
            self._learn(value, scheme.group(2) if scheme else None)

    def headers(self, headers: dict[str, Any]) -> None:
        """Mask secret headers in place; values are a string or a list of strings (vcrpy's forms)."""
        for name in list(headers):
            value = headers[name]
            if self.is_secret_header(name):
                headers[name] = [MASK] * len(value) if isinstance(value, list) else MASK
            elif isinstance(value, list):
                headers[name] = [self.text(str(v)) for v in value]
            elif isinstance(value, str):
                headers[name] = self.text(value)

    def uri(self, uri: str) -> str:
        """A URL with secret query parameters masked (after learning their values)."""
        parts = urlsplit(uri)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        self._learn(*(v for k, v in pairs if k.lower() in self.fields))
        query = [(k, MASK if k.lower() in self.fields and v else v) for k, v in pairs]
        return self.text(urlunsplit(parts._replace(query=urlencode(query))))

    def body(self, body: bytes | str | None, content_type: str, *, learn: bool = False) -> bytes | None:
        """A body with secret fields and values masked (JSON, form or text); unchanged bytes when clean."""
        if body is None:
            return None
        raw = body.encode() if isinstance(body, str) else body
        if not raw:
            return raw
        try:
            parsed = json.loads(raw)
            if learn:
                self._learn_json(parsed)
            scrubbed = self._json(parsed)
            text = raw.decode("utf-8", "replace")
            # Keep the bytes as sent when nothing needed masking, so a replay is byte-identical.
            if scrubbed == parsed and self.text(text) == text:
                return raw
            return canonical_json(scrubbed).encode()
        except (ValueError, UnicodeDecodeError, RecursionError):
            # Not JSON, or nested too deep for comparing and dumping (both recurse in C): scrub it
            # as text, where key-bearing fields are still masked by name and secrets by value.
            return self._text_body(raw, content_type, learn)

    def _text_body(self, raw: bytes, content_type: str, learn: bool) -> bytes:
        text = raw.decode("utf-8", "replace")
        if "x-www-form-urlencoded" in content_type:
            pairs = parse_qsl(text, keep_blank_values=True)
            if learn:
                self._learn(*(v for k, v in pairs if k.lower() in self.fields))
            text = urlencode([(k, MASK if k.lower() in self.fields and v else v) for k, v in pairs])
        elif "multipart/form-data" in content_type:
            text = self._multipart(text, learn)
        return self.text(text).encode()

    def _multipart(self, text: str, learn: bool) -> str:
        parts = text.split("\r\n\r\n")
        for index in range(len(parts) - 1):
            header = parts[index].rsplit("\r\n", 3)[-1].lower()
            name = header.partition('name="')[2].partition('"')[0]
            if name in self.fields:
                value, sep, rest = parts[index + 1].partition("\r\n--")
                if learn:
                    self._learn(value)
                parts[index + 1] = MASK + sep + rest
        return "\r\n\r\n".join(parts)

    def _learn_json(self, value: Any) -> None:
        for key, item in walk(value):
            if key is not None and str(key).lower() in self.fields and isinstance(item, (str, int)):
                self._learn(str(item))

    def _json(self, value: Any) -> Any:
        return rebuild(value, leaf=self._leaf, field=self._field)

    def _field(self, key: Any, item: Any) -> Any:
        return MASK if str(key).lower() in self.fields and item else DESCEND

    def _leaf(self, value: Any) -> Any:
        return self.text(value) if isinstance(value, str) else value
