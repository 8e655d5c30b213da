"""Walking JSON-like data with an explicit stack: a vendor body nested 100,000 levels deep is only data.

Python's recursion limit (1,000 frames) is reached by a recursive walk over a body a few hundred
levels deep, and ``json.loads`` accepts nearly that much: every walk over vendor JSON goes
through here instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

DESCEND: Final = object()
"""Returned by a ``field`` hook of ``rebuild``: copy the entry's value as usual."""
DROP: Final = object()
"""Returned by a ``field`` hook of ``rebuild``: leave the entry out of the copy."""
CUT: Final = "…"
"""What ``rebuild`` puts in place of a container deeper than its ``max_depth``."""

Container = Mapping[Any, Any] | list[Any] | tuple[Any, ...]


def _same(value: Any) -> Any:
    return value


def containers(value: Any) -> Container | None:
    """``value`` itself when it is a mapping, list or tuple (what a walk descends into), else None."""
    return value if isinstance(value, (Mapping, list, tuple)) else None


class _Frame:
    """One container being copied: its remaining entries and the copy built so far."""

    __slots__ = ("depth", "entries", "key", "out", "tuple")

    def __init__(self, source: Container, depth: int, key: Any) -> None:
        self.depth = depth
        self.key = key
        self.tuple = isinstance(source, tuple)
        self.out: dict[Any, Any] | list[Any]
        if isinstance(source, Mapping):
            self.entries: Iterator[tuple[Any, Any]] = iter(source.items())
            self.out = {}
        else:
            self.entries = iter(enumerate(source))
            self.out = []

    def put(self, key: Any, value: Any) -> None:
        if isinstance(self.out, dict):
            self.out[key] = value
        else:
            self.out.append(value)

    def finish(self) -> Any:
        return tuple(self.out) if self.tuple else self.out


def rebuild(
    value: Any,
    *,
    leaf: Callable[[Any], Any] = _same,
    field: Callable[[Any, Any], Any] | None = None,
    expand: Callable[[Any], Container | None] = containers,
    max_depth: int | None = None,
) -> Any:
    """A copy of ``value`` whose mappings become dicts and lists lists (tuples stay tuples), built without recursion.

    ``leaf`` maps every value that ``expand`` does not open as a container. ``field(key, item)``
    sees each mapping entry first and returns ``DESCEND`` (copy it as usual), ``DROP`` (leave it
    out) or the value to put instead. Containers ``max_depth`` levels down become ``CUT``.
    """
    top = expand(value)
    if top is None:
        return leaf(value)
    if max_depth is not None and max_depth <= 0:
        return CUT
    stack = [_Frame(top, 0, None)]
    while True:
        frame = stack[-1]
        entry = next(frame.entries, None)
        if entry is None:
            stack.pop()
            if not stack:
                return frame.finish()
            stack[-1].put(frame.key, frame.finish())
            continue
        key, item = entry
        if field is not None and isinstance(frame.out, dict):
            replaced = field(key, item)
            if replaced is DROP:
                continue
            if replaced is not DESCEND:
                frame.put(key, replaced)
                continue
        inner = expand(item)
        if inner is None:
            frame.put(key, leaf(item))
        elif max_depth is not None and frame.depth + 1 >= max_depth:
            frame.put(key, CUT)
        else:
            stack.append(_Frame(inner, frame.depth + 1, key))


def walk(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every ``(key, item)`` inside ``value``, parents before children; ``key`` is None for list items."""
    stack: list[Iterator[tuple[Any, Any]]] = []
    top = containers(value)
    if top is not None:
        stack.append(_entries(top))
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        yield entry
        inner = containers(entry[1])
        if inner is not None:
            stack.append(_entries(inner))


def _entries(container: Container) -> Iterator[tuple[Any, Any]]:
    if isinstance(container, Mapping):
        return iter(container.items())
    return ((None, item) for item in container)
