"""Path routing for sandboxes: ``@route("GET", "/models/{model_id}", operation="get")``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

Handler = Callable[..., Any]


@attrs.frozen
class Route:
    """One endpoint: method, path pattern, the operation name used for limits, and its handler."""

    method: str
    pattern: str
    operation: str
    handler: Handler
    regex: re.Pattern[str]


def route(method: str, pattern: str, *, operation: str) -> Callable[[Handler], Handler]:
    """Mark a sandbox method as the handler of ``method pattern``; ``{name}`` matches a segment."""

    def mark(handler: Handler) -> Handler:
        routes: list[tuple[str, str, str]] = getattr(handler, "__sandbox_routes__", [])
        routes.append((method.upper(), pattern, operation))
        handler.__sandbox_routes__ = routes  # type: ignore[attr-defined]
        return handler

    return mark


def compile_routes(namespace: dict[str, Any]) -> list[Route]:
    """Collect the routes marked in a class body, the most literal first.

    ``/models/custom`` is tried before ``/models/{model_id}`` whatever order they were declared
    in: at the first segment where two patterns differ, a literal segment wins over a parameter.
    """
    found = []
    for value in namespace.values():
        for method, pattern, operation in getattr(value, "__sandbox_routes__", []):
            regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
            found.append(Route(method, pattern, operation, value, regex))
    # A stable sort: routes equally literal keep their declaration order.
    return sorted(found, key=_specificity)


def _specificity(route: Route) -> list[bool]:
    """Per path segment, whether it is a parameter: literal segments (False) sort first."""
    return [bool(re.fullmatch(r"\{\w+\}", segment)) for segment in route.pattern.split("/")]


def match(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | str | None:
    """The route and path parameters for a request; ``"method"`` if only the method is wrong."""
    path_matched = False
    for candidate in routes:
        found = candidate.regex.match(path)
        if found:
            if candidate.method == method:
                return candidate, found.groupdict()
            path_matched = True
    return "method" if path_matched else None
