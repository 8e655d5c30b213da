"""Sandbox stores: ordered slices and indexed counts, in memory and in SQLite, equal to filtering a scan."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelreg.sandbox import MemoryStore, SqliteStore, Store
from modelreg.sandbox._index import SortedInts
from tests.fuzz.strategies import FUZZ


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    sqlite = SqliteStore(tmp_path / "store.sqlite3")
    yield sqlite
    sqlite.close()


def keys(docs: list[dict[str, Any]]) -> list[str]:
    return [doc["k"] for doc in docs]


def test_select_slices_the_matches_in_insertion_order_and_count_counts_them(store: Store) -> None:
    for n in range(10):
        store.put("t", f"k{n}", {"k": f"k{n}", "even": n % 2 == 0, "n": n})
    assert store.count("t") == 10 and store.count("t", {"even": True}) == 5
    assert keys(store.select("t", start=3, stop=6)) == ["k3", "k4", "k5"]
    assert keys(store.select("t", {"even": True}, 1, 3)) == ["k2", "k4"]
    assert keys(store.select("t", {"even": False}, 4)) == ["k9"]
    assert store.select("t", {"even": True}, 9, 20) == [] and store.count("t", {"n": 99}) == 0
    assert store.count("other") == 0 and store.select("other") == []


def test_a_replaced_document_keeps_its_place_and_moves_between_matches(store: Store) -> None:
    for n in range(4):
        store.put("t", f"k{n}", {"k": f"k{n}", "state": "new"})
    assert store.count("t", {"state": "new"}) == 4
    store.put("t", "k1", {"k": "k1", "state": "done"})
    store.put("t", "k3", {"k": "k3", "state": "done"})
    assert keys(store.select("t")) == ["k0", "k1", "k2", "k3"]
    assert keys(store.select("t", {"state": "done"})) == ["k1", "k3"]
    assert keys(store.select("t", {"state": "new"})) == ["k0", "k2"]


def test_a_deleted_then_added_key_goes_last(store: Store) -> None:
    for n in range(3):
        store.put("t", f"k{n}", {"k": f"k{n}"})
    assert store.delete("t", "k0") and not store.delete("t", "k0")
    store.put("t", "k0", {"k": "k0"})
    assert keys(store.select("t")) == ["k1", "k2", "k0"] == keys(store.scan("t"))


def test_fields_match_as_python_compares_json_values(store: Store) -> None:
    store.put("t", "a", {"k": "a", "flag": True, "x": 1})
    store.put("t", "b", {"k": "b", "flag": 1, "x": 1.0})
    store.put("t", "c", {"k": "c", "x": None})
    store.put("t", "d", {"k": "d", "flag": {"nested": [1]}})
    assert keys(store.select("t", {"flag": True})) == ["a", "b"]
    assert keys(store.select("t", {"x": 1})) == ["a", "b"]
    assert keys(store.select("t", {"flag": None})) == ["c"], "a missing field reads as None, as doc.get does"
    assert keys(store.select("t", {"flag": {"nested": [1]}})) == ["d"]
    assert keys(store.select("t", {"flag": True, "x": 1.0})) == ["a", "b"]


def test_an_index_follows_writes_made_after_it_was_built(store: Store) -> None:
    store.put("t", "a", {"k": "a", "lang": "en"})
    assert store.count("t", {"lang": "en"}) == 1
    store.put("t", "b", {"k": "b", "lang": "en"})
    store.put("t", "a", {"k": "a", "lang": "nl"})
    store.delete("t", "b")
    assert store.count("t", {"lang": "en"}) == 0 and keys(store.select("t", {"lang": "nl"})) == ["a"]
    store.clear()
    assert store.count("t") == 0 and store.count("t", {"lang": "nl"}) == 0


def test_a_sqlite_store_sees_what_another_process_wrote(tmp_path: Path) -> None:
    first, second = SqliteStore(tmp_path / "s.sqlite3"), SqliteStore(tmp_path / "s.sqlite3")
    try:
        first.put("t", "a", {"k": "a", "lang": "en"})
        assert second.count("t", {"lang": "en"}) == 1
        second.put("t", "b", {"k": "b", "lang": "en"})
        second.delete("t", "a")
        assert keys(first.select("t", {"lang": "en"})) == ["b"] and first.count("t") == 1
    finally:
        first.close()
        second.close()


class ScanOnly(Store):
    """A store written against the original protocol only: count and select come from Store."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        return self.docs.get(key)

    def put(self, table: str, key: str, doc: dict[str, Any]) -> None:
        self.docs[key] = doc

    def delete(self, table: str, key: str) -> bool:
        return self.docs.pop(key, None) is not None

    def scan(self, table: str) -> list[dict[str, Any]]:
        return list(self.docs.values())

    def next_id(self, table: str) -> int:
        return len(self.docs) + 1

    def clear(self) -> None:
        self.docs.clear()


def test_a_store_that_subclasses_the_protocol_gets_count_and_select_over_scan() -> None:
    store = ScanOnly()
    for n in range(5):
        store.put("t", f"k{n}", {"k": f"k{n}", "odd": n % 2})
    assert store.count("t", {"odd": 1}) == 2 and keys(store.select("t", {"odd": 0}, 1)) == ["k2", "k4"]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["put", "put", "put", "delete", "select", "count"]),
        st.integers(0, 30),
        st.sampled_from(["en", "nl", None]),
        st.integers(0, 3),
        st.integers(0, 40),
        st.integers(0, 40),
    ),
    max_size=120,
)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_every_answer_equals_filtering_a_scan(kind: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Random writes and queries: the indexed answers equal those of ``Store``'s scan-based ones."""

    @settings(FUZZ, max_examples=min(FUZZ.max_examples, 80))  # SQLite opens a file per example
    @given(OPERATIONS)
    def check(operations: list[tuple[str, int, str | None, int, int, int]]) -> None:
        store: Store = MemoryStore() if kind == "memory" else SqliteStore(tmp_path_factory.mktemp("s") / "s.sqlite3")
        reference = ScanOnly()
        try:
            for action, n, lang, level, start, stop in operations:
                key, doc = f"k{n}", {"k": f"k{n}", "lang": lang, "level": level}
                where = {"lang": lang, "level": level} if n % 3 == 0 else {"lang": lang} if n % 3 == 1 else None
                if action == "put":
                    store.put("t", key, doc)
                    reference.put("t", key, doc)
                elif action == "delete":
                    assert store.delete("t", key) == reference.delete("t", key)
                elif action == "select":
                    assert store.select("t", where, start, stop) == reference.select("t", where, start, stop)
                else:
                    assert store.count("t", where) == reference.count("t", where)
            assert store.scan("t") == reference.scan("t")
        finally:
            if isinstance(store, SqliteStore):
                store.close()

    check()


class SmallChunks(SortedInts):
    LOAD = 4


@FUZZ
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 200)), max_size=300), st.integers(0, 250), st.integers(0, 250))
def test_sorted_ints_behave_as_a_sorted_list(changes: list[tuple[bool, int]], start: int, stop: int) -> None:
    numbers, reference = SmallChunks(), set()
    for adding, value in changes:
        if adding and value not in reference:
            numbers.add(value)
            reference.add(value)
        elif not adding and value in reference:
            numbers.remove(value)
            reference.discard(value)
    ordered = sorted(reference)
    assert len(numbers) == len(ordered)
    assert numbers.slice(start, stop) == ordered[start:stop]
    assert numbers.slice(0, len(ordered)) == ordered


def test_removing_a_missing_number_is_a_key_error() -> None:
    numbers = SortedInts(random.sample(range(100), 10))
    with pytest.raises(KeyError):
        numbers.remove(1000)
