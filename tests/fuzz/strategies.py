"""Hypothesis strategies for vendor answers: arbitrary JSON, mutated documented bodies, raw bytes.

The documented bodies are the answers recorded in ``cassettes/<provider>/``; mutating them keeps
the fuzzer close to the shapes the parsers read (right keys, wrong types, missing or extra fields).
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
MAX_EXAMPLES = int(os.environ.get("MODELREG_FUZZ_EXAMPLES", "250"))
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
EXAMPLES: Counter[str] = Counter()
"""Examples tried, by test; reported at the end of the run."""
OUTCOMES: defaultdict[str, Counter[str]] = defaultdict(Counter)
"""How the examples of each test ended (``record`` or ``error``), reported beside the count."""

STATUSES = (200, 201, 202, 204, 301, 400, 401, 402, 403, 404, 409, 415, 422, 429, 500, 502, 503)
statuses = st.one_of(st.sampled_from([200, 201]), st.sampled_from(STATUSES))
"""Half success (so that success parsers see every shape), half any status."""
HUGE_INT = 10**400
DEEP = b"[" * 3000 + b"]" * 3000


def pattern(path: str) -> str:
    """A request path with its ids replaced by ``{id}`` (any segment holding a digit)."""
    return "/".join("{id}" if any(c.isdigit() for c in part) else part for part in path.split("/"))


@cache
def documented_answers(provider: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The JSON answers recorded for ``provider``, by request method and path pattern."""
    found: dict[tuple[str, str], list[Any]] = {}
    for path in sorted((CASSETTES / provider).glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            request, response = interaction["request"], interaction["response"]
            try:
                body = json.loads(response["body"].get("string") or "")
            except ValueError:
                continue
            key = (request["method"], pattern(urlsplit(request["uri"]).path))
            found.setdefault(key, []).append(body)
    return {key: tuple(bodies) for key, bodies in found.items()}


@cache
def documented_bodies(provider: str) -> tuple[Any, ...]:
    """Every JSON answer recorded for ``provider`` (its documented and emulated shapes)."""
    return tuple(body for bodies in documented_answers(provider).values() for body in bodies)


@cache
def documented_keys(provider: str) -> tuple[str, ...]:
    """Every object key in the documented answers, so that fuzzed objects use the keys parsers read."""
    keys: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for body in documented_bodies(provider):
        walk(body)
    return tuple(sorted(keys))


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**63, -(2**63), HUGE_INT, 1, 2, 3, 4, 5, 6]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", "2026-01-01T00:00:00Z", "not a date", "valid", "invalid", "openai", "1", "x" * 100_000]),
)


@cache
def json_values(provider: str) -> st.SearchStrategy[Any]:
    """Arbitrary JSON, its objects keyed mostly by the provider's documented keys."""
    keys = st.sampled_from(documented_keys(provider)) | st.text(max_size=12)
    return st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=6) | st.dictionaries(keys, children, max_size=8),
        max_leaves=30,
    )


def field_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (keys and list indices), the root's ``()`` first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += field_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += field_paths(item, (*prefix, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


_DELETE = object()


def mutate(value: Any, path: tuple[Any, ...], operation: str, payload: Any) -> Any:
    """A copy of ``value`` with the field at ``path`` deleted, replaced (``retype``/``replace``) or extended."""
    if operation == "extra" or not path:
        target = _get(value, path)
        if isinstance(target, dict):
            return _replace(value, path, {**target, str(payload)[:20] or "extra": payload})
        return _replace(value, path, payload)
    parent, last = path[:-1], path[-1]
    container = _get(value, parent)
    if operation == "delete":
        if isinstance(container, dict):
            return _replace(value, parent, {k: v for k, v in container.items() if k != last})
        return _replace(value, parent, [v for i, v in enumerate(container) if i != last])
    return _replace(value, path, payload)


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


WRONG_TYPES: st.SearchStrategy[Any] = st.sampled_from(
    [None, 0, -1, HUGE_INT, 1.5, math.nan, math.inf, "", "x", [], {}, True, [{}], {"": None}]
)
"""Values of the wrong type for almost any field."""


@st.composite
def mutated(draw: st.DrawFn, bases: tuple[Any, ...], provider: str) -> Any:
    """One of ``bases`` as is, or with a few fields deleted, retyped, replaced or added."""
    body = draw(st.sampled_from(bases))
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        path = draw(st.sampled_from(field_paths(body)))
        operation = draw(st.sampled_from(["delete", "retype", "retype", "replace", "extra"]))
        payload = draw(WRONG_TYPES if operation == "retype" else json_values(provider))
        body = mutate(body, path, operation, payload)
    return body


def encode(value: Any) -> bytes:
    """JSON as a lenient server writes it (NaN and Infinity included)."""
    return json.dumps(value, allow_nan=True).encode()


@st.composite
def raw_bodies(draw: st.DrawFn, provider: str) -> bytes:
    """Bodies that are not JSON: bytes, truncated documents, deep nesting, empty."""
    bodies = documented_bodies(provider)
    truncated = (
        st.sampled_from(bodies)
        .map(encode)
        .flatmap(lambda b: st.integers(0, max(0, len(b) - 1)).map(lambda cut: b[:cut]))
    )
    return draw(
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from([b"", b" ", b"null", b"\xff\xfe\x00", b"<html>502 Bad Gateway</html>", DEEP, b"{" * 3000]),
            truncated if bodies else st.binary(max_size=10),
        )
    )


def bodies(provider: str, method: str = "", path: str = "") -> st.SearchStrategy[bytes]:
    """Any answer to a request: its documented answers mutated, arbitrary JSON, or not JSON at all."""
    return _bodies(provider, method, pattern(path))


@cache
def _bodies(provider: str, method: str, path_pattern: str) -> st.SearchStrategy[bytes]:
    bases = documented_answers(provider).get((method, path_pattern)) or documented_bodies(provider)
    options = [json_values(provider).map(encode), raw_bodies(provider)]
    if bases:
        # Listed three times: most answers stay close to a documented shape, where parsers go deepest.
        options[:0] = [mutated(bases, provider).map(encode)] * 3
    return st.one_of(*options)


@cache
def headers() -> st.SearchStrategy[dict[str, str]]:
    """Response headers: sometimes a content type, sometimes a Retry-After of any form."""
    retry_after = st.one_of(
        st.sampled_from(["1", "0", "-5", "nan", "inf", "1e400", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"]),
        st.floats(allow_nan=True).map(lambda f: str(f) if math.isfinite(f) else "nan"),
    )
    return st.fixed_dictionaries(
        {}, optional={"content-type": st.sampled_from(["application/json", "text/html"]), "retry-after": retry_after}
    )
