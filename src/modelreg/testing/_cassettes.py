"""Cassette recording and replay with vcrpy: scrubbed of secrets, matched on canonical bodies."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from modelreg._redact import MASK, Redactor

SECRET_HEADERS = frozenset({"authorization", "x-blocks-key", "x-zoom-s2t-key", "cookie", "set-cookie"})
SECRET_FIELDS = frozenset(
    {"api_key", "project_key", "client_secret", "client_id", "access_token", "refresh_token", "password", "token"}
)
"""Query parameters and JSON / form body fields whose values never reach a cassette."""


def _scrub_json(value: Any, fields: frozenset[str], redactor: Redactor) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if k.lower() in fields and v else _scrub_json(v, fields, redactor)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, fields, redactor) for v in value]
    return redactor.value(value)


def scrub_body(body: bytes | str | None, content_type: str, fields: frozenset[str], redactor: Redactor) -> bytes | None:
    """A request or response body with secret fields and values masked (JSON, form or text)."""
    if body is None:
        return None
    raw = body.encode() if isinstance(body, str) else body
    if not raw:
        return raw
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        parsed = None
    else:
        return canonical_json(_scrub_json(parsed, fields, redactor)).encode()
    text = raw.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in content_type:
        pairs = [(k, MASK if k.lower() in fields else v) for k, v in parse_qsl(text, keep_blank_values=True)]
        text = urlencode(pairs)
    elif "multipart/form-data" in content_type:
        text = _scrub_multipart(text, fields)
    return redactor.text(text).encode()


def _scrub_multipart(text: str, fields: frozenset[str]) -> str:
    parts = text.split("\r\n\r\n")
    for index in range(len(parts) - 1):
        header = parts[index].rsplit("\r\n", 3)[-1].lower()
        name = header.partition('name="')[2].partition('"')[0]
        if name in fields:
            value, sep, rest = parts[index + 1].partition("\r\n--")
            parts[index + 1] = MASK + sep + rest
    return "\r\n\r\n".join(parts)


def scrub_uri(uri: str, fields: frozenset[str], redactor: Redactor) -> str:
    """A URL with secret query parameters masked."""
    parts = urlsplit(uri)
    query = [(k, MASK if k.lower() in fields and v else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return redactor.text(urlunsplit(parts._replace(query=urlencode(query))))


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, so equal documents compare equal as text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _canonical_body(body: Any) -> Any:
    if not body:
        return b""
    raw = body.encode() if isinstance(body, str) else body
    try:
        return canonical_json(json.loads(raw))
    except (ValueError, UnicodeDecodeError):
        return raw


def body_matcher(first: Any, second: Any) -> None:
    """vcrpy matcher: bodies equal as canonical JSON (or byte for byte when not JSON)."""
    if _canonical_body(first.body) != _canonical_body(second.body):
        raise AssertionError(f"body differs: {_canonical_body(first.body)!r} != {_canonical_body(second.body)!r}")


def make_vcr(
    *, record_mode: str = "none", secrets: Iterable[str] = (), secret_fields: Iterable[str] = (), **options: Any
) -> Any:
    """A ``vcr.VCR`` that scrubs credentials on record and matches method, URL and canonical body."""
    import vcr

    redactor = Redactor(secrets)
    fields = SECRET_FIELDS | {f.lower() for f in secret_fields}

    def before_request(request: Any) -> Any:
        for header in list(request.headers):
            if header.lower() in SECRET_HEADERS:
                request.headers[header] = MASK
        request.uri = scrub_uri(request.uri, fields, redactor)
        content_type = str(request.headers.get("content-type", request.headers.get("Content-Type", "")))
        request.body = scrub_body(request.body, content_type, fields, redactor)
        return request

    def before_response(response: dict[str, Any]) -> dict[str, Any]:
        headers = response.get("headers", {})
        for header in list(headers):
            if header.lower() in SECRET_HEADERS:
                headers[header] = [MASK]
        body = response.get("body", {})
        if body.get("string"):
            content_type = " ".join(next((v for k, v in headers.items() if k.lower() == "content-type"), []))
            body["string"] = scrub_body(body["string"], content_type, fields, redactor)
        return response

    config = vcr.VCR(
        record_mode=record_mode,
        before_record_request=before_request,
        before_record_response=before_response,
        match_on=["method", "scheme", "host", "port", "path", "query", "canonical_body"],
        decode_compressed_response=True,
        **options,
    )
    config.register_matcher("canonical_body", body_matcher)
    return config


@contextmanager
def use_cassette(
    path: str | Path,
    *,
    record_mode: str = "none",
    secrets: Iterable[str] = (),
    secret_fields: Iterable[str] = (),
    **options: Any,
) -> Iterator[Any]:
    """Record to or replay from the cassette at ``path``; ``record_mode="none"`` never touches the network."""
    with make_vcr(record_mode=record_mode, secrets=secrets, secret_fields=secret_fields).use_cassette(
        str(path), **options
    ) as cassette:
        yield cassette
