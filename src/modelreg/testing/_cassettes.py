"""Cassette recording and replay with vcrpy: scrubbed of secrets, matched on canonical bodies.

vcrpy is imported only when a cassette is used, so that ``modelreg.testing`` (a pytest plugin
active wherever modelreg is installed) imports without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from modelreg.testing._mismatch import from_vcr, is_vcr_mismatch
from modelreg.testing._scrub import Scrubber, canonical_json
from modelreg.testing._secrets import scrubber as default_scrubber

MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "canonical_body")
"""What must be equal for a recorded answer to be replayed: a changed JSON body is a different request."""
RECORD_MODES = ("none", "once", "new_episodes", "all")


def _canonical(body: Any) -> Any:
    if not body:
        return b""
    raw = body.encode() if isinstance(body, str) else body
    try:
        return canonical_json(json.loads(raw))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return raw


def canonical_body(first: Any, second: Any) -> None:
    """vcrpy matcher: bodies equal as canonical JSON (or byte for byte when not JSON)."""
    ours, theirs = _canonical(first.body), _canonical(second.body)
    if ours != theirs:
        raise AssertionError(f"body differs: {ours!r} != {theirs!r}")


def _header(headers: dict[str, Any], name: str) -> str:
    value = next((v for k, v in headers.items() if k.lower() == name), "")
    return " ".join(value) if isinstance(value, list) else str(value)


def vcr_options(scrubber: Scrubber) -> dict[str, Any]:
    """``vcr.VCR`` / ``use_cassette`` options that scrub with ``scrubber`` and match canonical bodies.

    Usable as pytest-recording's ``vcr_config``; the ``canonical_body`` matcher is registered
    by the modelreg pytest plugin on every VCR pytest-recording builds.
    """

    def before_record_request(request: Any) -> Any:
        for name, value in list(request.headers.items()):
            scrubber.learn_header(name, str(value))
        request.uri = scrubber.uri(request.uri)
        content_type = _header(dict(request.headers), "content-type")
        request.body = scrubber.body(request.body, content_type, learn=True)
        headers = dict(request.headers)
        scrubber.headers(headers)
        for name, value in headers.items():
            request.headers[name] = value
        return request

    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        headers = response.get("headers", {})
        scrubber.headers(headers)
        body = response.get("body", {})
        if body.get("string"):
            before = body["string"]
            body["string"] = scrubber.body(before, _header(headers, "content-type"))
            if body["string"] != before:
                for name in [k for k in headers if k.lower() == "content-length"]:
                    headers[name] = [str(len(body["string"]))]
        return response

    return {
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "match_on": list(MATCH_ON),
        "decode_compressed_response": True,
    }


def make_vcr(
    *,
    record_mode: str = "none",
    secrets: Iterable[str] = (),
    secret_fields: Iterable[str] = (),
    scrubber: Scrubber | None = None,
    **options: Any,
) -> Any:
    """A ``vcr.VCR`` that scrubs every credential on record and matches method, URL and canonical body.

    It masks the credentials every installed provider declares (by name and by configured
    value), ``secrets`` and ``secret_fields``, and every credential seen in a recorded request.
    """
    import vcr

    if record_mode not in RECORD_MODES:
        raise ValueError(f"record_mode must be one of {', '.join(RECORD_MODES)}, got {record_mode!r}")
    scrub = scrubber if scrubber is not None else default_scrubber(secrets, secret_fields)
    scrub.add(*secrets)
    config = vcr.VCR(record_mode=record_mode, **{**vcr_options(scrub), **options})
    config.register_matcher("canonical_body", canonical_body)
    return config


@contextmanager
def use_cassette(
    path: str | Path,
    *,
    record_mode: str = "none",
    secrets: Iterable[str] = (),
    secret_fields: Iterable[str] = (),
    scrubber: Scrubber | None = None,
    **options: Any,
) -> Iterator[Any]:
    """Record to or replay from the cassette at ``path``; ``record_mode="none"`` never touches the network.

    A request the cassette does not hold raises ``CassetteMismatch`` naming the closest
    recorded request and the matchers that differ.
    """
    config = make_vcr(record_mode=record_mode, secrets=secrets, secret_fields=secret_fields, scrubber=scrubber)
    with config.use_cassette(str(path), **options) as cassette:
        try:
            yield cassette
        except Exception as exc:
            if is_vcr_mismatch(exc):
                raise from_vcr(exc) from exc
            raise
