"""Walking JSON without recursion: any depth is only data, and the copy is cut where asked."""

from __future__ import annotations

import sys
from typing import Any

from modelreg._redact import MAX_DEPTH, Redactor
from modelreg._walk import CUT, DESCEND, DROP, rebuild, walk

FAR = 100_000
"""A hundred times Python's recursion limit."""


def _nested(depth: int, leaf: Any = "sk-secret-value") -> Any:
    value: Any = leaf
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, (dict, list)) and value:
        value = value["a"] if isinstance(value, dict) else value[0]
        depth += 1
    return depth


def test_rebuild_copies_a_value_nested_far_past_the_recursion_limit() -> None:
    assert sys.getrecursionlimit() < FAR
    copy = rebuild(_nested(FAR), leaf=lambda v: v.upper() if isinstance(v, str) else v)
    assert _depth(copy) == FAR


def test_rebuild_cuts_containers_below_max_depth() -> None:
    copy = rebuild(_nested(FAR), max_depth=5)
    assert _depth(copy) == 5
    assert copy["a"][0]["a"][0] == {"a": CUT}


def test_rebuild_keeps_tuples_and_maps_leaves() -> None:
    assert rebuild({"k": (1, ["x", 2.5])}, leaf=str) == {"k": ("1", ["x", "2.5"])}


def test_rebuild_field_hook_drops_replaces_or_descends() -> None:
    def field(key: Any, item: Any) -> Any:
        return DROP if key == "input" else "***" if key == "api_key" else DESCEND

    body = {"input": {"x": 1}, "api_key": "sk-1", "detail": [{"api_key": "sk-2", "msg": "bad"}]}
    assert rebuild(body, field=field) == {"api_key": "***", "detail": [{"api_key": "***", "msg": "bad"}]}


def test_walk_visits_every_entry_at_any_depth() -> None:
    entries = list(walk(_nested(FAR)))
    assert len(entries) == FAR
    assert entries[-1] == (None, "sk-secret-value")  # the innermost container is a list


def test_the_redactor_masks_and_cuts_error_details_of_any_depth() -> None:
    details = Redactor(["sk-secret-value"]).value({"shallow": "sk-secret-value", "deep": _nested(FAR)})
    assert details["shallow"] == "***"
    assert _depth(details["deep"]) == MAX_DEPTH - 1  # one level below the top: the first levels only
    assert "sk-secret-value" not in repr(details)
