"""The in-memory indexes behind both stores: a table's order and its equality indexes, by sequence number.

Every document of a table has a sequence number that orders it: the store's insertion counter in
memory, the row id in SQLite (a replaced document keeps its number, a deleted and re-added one
gets a new, larger one). ``Ordering`` keeps those numbers sorted, for the whole table and for
each value of each set of fields a query has filtered on, so that counting matches is O(1) and
a slice of them costs what it returns. An equality index is built the first time a query uses
its fields (one pass over the table) and kept up to date from then on.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Fields = tuple[str, ...]
Values = tuple[Any, ...]


class SortedInts:
    """Distinct integers in ascending order, in chunks: adding or removing one moves at most a chunk.

    Slicing by position finds its first chunk by bisection over the chunks' running lengths
    (recomputed, in one C pass over the chunks, after a change), then copies what it returns.
    """

    LOAD = 512
    """Chunks hold LOAD to 2 x LOAD numbers (fewer only at the ends or after removals)."""

    __slots__ = ("_chunks", "_len", "_maxes", "_offsets")

    def __init__(self, values: Iterable[int] = ()) -> None:
        ordered = sorted(values)
        self._chunks = [ordered[i : i + self.LOAD] for i in range(0, len(ordered), self.LOAD)]
        self._maxes = [chunk[-1] for chunk in self._chunks]
        self._len = len(ordered)
        self._offsets: list[int] | None = None

    def __len__(self) -> int:
        return self._len

    def add(self, value: int) -> None:
        """Insert ``value`` (not already present)."""
        chunks, maxes = self._chunks, self._maxes
        self._len += 1
        self._offsets = None
        if not chunks:
            chunks.append([value])
            maxes.append(value)
            return
        i = bisect.bisect_left(maxes, value)
        if i == len(maxes):  # the common case: a new document goes last
            i -= 1
            chunk = chunks[i]
            chunk.append(value)
            maxes[i] = value
        else:
            chunk = chunks[i]
            bisect.insort(chunk, value)
        if len(chunk) > 2 * self.LOAD:
            half = self.LOAD
            chunks[i : i + 1] = [chunk[:half], chunk[half:]]
            maxes[i : i + 1] = [chunk[half - 1], chunk[-1]]

    def remove(self, value: int) -> None:
        """Remove ``value``; ``KeyError`` when it is not there."""
        chunks, maxes = self._chunks, self._maxes
        i = bisect.bisect_left(maxes, value)
        chunk = chunks[i] if i < len(chunks) else []
        j = bisect.bisect_left(chunk, value)
        if j == len(chunk) or chunk[j] != value:
            raise KeyError(value)
        del chunk[j]
        self._len -= 1
        self._offsets = None
        if not chunk:
            del chunks[i], maxes[i]
            return
        maxes[i] = chunk[-1]
        # Merge a thin chunk into its successor, so that removals do not leave many tiny chunks.
        if len(chunk) < self.LOAD // 2 and i + 1 < len(chunks):
            merged = chunk + chunks[i + 1]
            if len(merged) > 2 * self.LOAD:
                half = len(merged) // 2
                chunks[i : i + 2] = [merged[:half], merged[half:]]
                maxes[i : i + 2] = [merged[half - 1], merged[-1]]
            else:
                chunks[i : i + 2] = [merged]
                maxes[i : i + 2] = [merged[-1]]

    def slice(self, start: int, stop: int) -> list[int]:
        """The numbers at positions ``start`` to ``stop`` (not included), ascending."""
        start, stop = max(start, 0), min(stop, self._len)
        if start >= stop:
            return []
        offsets = self._offsets
        if offsets is None:
            offsets = self._offsets = list(itertools.accumulate((len(c) for c in self._chunks), initial=0))
        i = bisect.bisect_right(offsets, start) - 1
        found: list[int] = []
        position = start - offsets[i]
        wanted = stop - start
        chunks = self._chunks
        while len(found) < wanted:
            found += chunks[i][position : position + wanted - len(found)]
            i, position = i + 1, 0
        return found


def hashable(value: Any) -> Any:
    """``value`` as an index key: itself when hashable (so ``1 == 1.0 == True`` as in Python), else its JSON text."""
    try:
        hash(value)
    except TypeError:
        return ("\0json", json.dumps(value, sort_keys=True, default=str))
    return value


def values_of(doc: Mapping[str, Any], fields: Fields) -> Values:
    """The index key of ``doc`` for ``fields`` (a missing field reads as None, like ``doc.get``)."""
    return tuple(hashable(doc.get(field)) for field in fields)


class _Equality:
    """One equality index: for each combination of values of its fields, the sequence numbers that have it."""

    __slots__ = ("buckets", "fields", "values")

    def __init__(self, fields: Fields, rows: Iterable[tuple[int, Values]]) -> None:
        self.fields = fields
        self.values: dict[int, Values] = {}
        grouped: dict[Values, list[int]] = {}
        for seq, values in rows:
            self.values[seq] = values
            grouped.setdefault(values, []).append(seq)
        self.buckets = {values: SortedInts(seqs) for values, seqs in grouped.items()}

    def add(self, seq: int, values: Values) -> None:
        self.values[seq] = values
        bucket = self.buckets.get(values)
        if bucket is None:
            bucket = self.buckets[values] = SortedInts()
        bucket.add(seq)

    def discard(self, seq: int) -> None:
        values = self.values.pop(seq)
        bucket = self.buckets[values]
        bucket.remove(seq)
        if not bucket:
            del self.buckets[values]


Rows = Callable[[Fields], Iterable[tuple[int, Values]]]
"""Gives every document's sequence number and its values of the fields asked for (to build an index)."""


class Ordering:
    """A table's documents by sequence number: their order, their keys, and equality indexes built on demand."""

    def __init__(self, rows: Rows) -> None:
        self._rows = rows
        self.seq_of: dict[str, int] = {}
        """Each document's sequence number, by key."""
        self.key_of: dict[int, str] = {}
        self._all = SortedInts()
        self._indexes: dict[Fields, _Equality] = {}

    def __len__(self) -> int:
        return len(self._all)

    def load(self, rows: Iterable[tuple[int, str]]) -> None:
        """Record a whole table at once, as (sequence number, key) pairs (the ordering must be empty)."""
        for seq, key in rows:
            self.seq_of[key] = seq
            self.key_of[seq] = key
        self._all = SortedInts(self.key_of)

    def add(self, key: str, seq: int, doc: Mapping[str, Any]) -> None:
        """Record a new document (``key`` not present yet) at sequence number ``seq``."""
        self.seq_of[key] = seq
        self.key_of[seq] = key
        self._all.add(seq)
        for fields, index in self._indexes.items():
            index.add(seq, values_of(doc, fields))

    def change(self, key: str, doc: Mapping[str, Any]) -> None:
        """Record that the document at ``key`` was replaced by ``doc`` (it keeps its place)."""
        seq = self.seq_of[key]
        for fields, index in self._indexes.items():
            values = values_of(doc, fields)
            if index.values[seq] != values:
                index.discard(seq)
                index.add(seq, values)

    def discard(self, key: str) -> None:
        """Forget the document at ``key``, if there is one."""
        seq = self.seq_of.pop(key, None)
        if seq is None:
            return
        del self.key_of[seq]
        self._all.remove(seq)
        for index in self._indexes.values():
            index.discard(seq)

    def _bucket(self, where: Mapping[str, Any]) -> SortedInts | None:
        if not where:
            return self._all
        fields = tuple(sorted(where))
        index = self._indexes.get(fields)
        if index is None:
            index = self._indexes[fields] = _Equality(fields, self._rows(fields))
        return index.buckets.get(tuple(hashable(where[field]) for field in fields))

    def count(self, where: Mapping[str, Any] | None = None) -> int:
        """How many documents have every field of ``where`` equal to its value."""
        bucket = self._bucket(where or {})
        return len(bucket) if bucket is not None else 0

    def keys(self, where: Mapping[str, Any] | None = None, start: int = 0, stop: int | None = None) -> list[str]:
        """The keys of the matching documents at positions ``start`` to ``stop``, in sequence order."""
        bucket = self._bucket(where or {})
        if bucket is None:
            return []
        key_of = self.key_of
        return [key_of[seq] for seq in bucket.slice(start, len(bucket) if stop is None else stop)]
