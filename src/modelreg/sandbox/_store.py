"""Where a sandbox keeps its state: in memory for tests, in SQLite for the CLI.

Both stores answer in time proportional to what they return, whatever the size of the table:
``get``, ``put`` and ``delete`` by key, ``count`` of the documents matching some field values,
and ``select`` of a slice of them in insertion order (see ``_index``).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from modelreg.errors import ConfigurationError
from modelreg.sandbox._index import Fields, Ordering, Values, hashable, values_of

if TYPE_CHECKING:
    import sqlite3

Document = dict[str, Any]
Where = Mapping[str, Any]
"""Field values a document must have (each equal, as ``==`` compares JSON values), e.g. ``{"language": "en"}``."""


class Store(Protocol):
    """A small document store: tables of JSON documents by key, in insertion order, plus id counters.

    A class that subclasses ``Store`` explicitly gets ``count`` and ``select`` written over ``scan``
    (correct, but proportional to the table); ``MemoryStore`` and ``SqliteStore`` index instead.
    """

    def get(self, table: str, key: str) -> Document | None:
        """The document at ``key``, or None."""

    def put(self, table: str, key: str, doc: Document) -> None:
        """Insert or replace the document at ``key`` (a new key goes last in ``scan``)."""

    def delete(self, table: str, key: str) -> bool:
        """Remove ``key``; True when it existed."""

    def scan(self, table: str) -> list[Document]:
        """Every document of ``table`` in insertion order (copies)."""

    def next_id(self, table: str) -> int:
        """The next integer id for ``table``, never reused."""

    def clear(self) -> None:
        """Forget everything."""

    def count(self, table: str, where: Where | None = None) -> int:
        """How many documents of ``table`` have every field of ``where`` equal to its value."""
        return len(self.select(table, where))

    def select(self, table: str, where: Where | None = None, start: int = 0, stop: int | None = None) -> list[Document]:
        """The documents matching ``where``, in insertion order, from position ``start`` to ``stop`` (copies)."""
        wanted = {field: hashable(value) for field, value in (where or {}).items()}
        fields = tuple(wanted)
        found = [doc for doc in self.scan(table) if values_of(doc, fields) == tuple(wanted.values())]
        return found[start:stop]


class MemoryStore(Store):
    """A ``Store`` in process memory."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, Document]] = {}
        self._orders: dict[str, Ordering] = {}
        self._counters: dict[str, int] = {}
        self._sequence = 0
        self._lock = threading.RLock()

    def _order(self, table: str) -> Ordering:
        found = self._orders.get(table)
        if found is not None:
            return found
        docs = self._tables.setdefault(table, {})

        def rows(fields: Fields) -> Iterable[tuple[int, Values]]:
            return ((seq, values_of(docs[key], fields)) for key, seq in order.seq_of.items())

        order = self._orders[table] = Ordering(rows)
        return order

    def get(self, table: str, key: str) -> Document | None:
        """The document at ``key``, or None."""
        with self._lock:
            doc = self._tables.get(table, {}).get(key)
            return dict(doc) if doc is not None else None

    def put(self, table: str, key: str, doc: Document) -> None:
        """Insert or replace the document at ``key``."""
        with self._lock:
            order = self._order(table)
            docs = self._tables[table]
            copy = dict(doc)
            if key in docs:
                docs[key] = copy
                order.change(key, copy)
            else:
                docs[key] = copy
                self._sequence += 1
                order.add(key, self._sequence, copy)

    def delete(self, table: str, key: str) -> bool:
        """Remove ``key``; True when it existed."""
        with self._lock:
            found = self._tables.get(table, {}).pop(key, None) is not None
            if found:
                self._orders[table].discard(key)
            return found

    def scan(self, table: str) -> list[Document]:
        """Every document of ``table`` in insertion order."""
        with self._lock:
            return [dict(doc) for doc in self._tables.get(table, {}).values()]

    def count(self, table: str, where: Where | None = None) -> int:
        """How many documents of ``table`` have every field of ``where`` equal to its value."""
        with self._lock:
            return self._order(table).count(where)

    def select(self, table: str, where: Where | None = None, start: int = 0, stop: int | None = None) -> list[Document]:
        """The documents matching ``where``, in insertion order, from position ``start`` to ``stop`` (copies)."""
        with self._lock:
            docs = self._tables.get(table, {})
            return [dict(docs[key]) for key in self._order(table).keys(where, start, stop)]

    def next_id(self, table: str) -> int:
        """The next integer id for ``table``."""
        with self._lock:
            self._counters[table] = self._counters.get(table, 0) + 1
            return self._counters[table]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._tables.clear()
            self._orders.clear()
            self._counters.clear()


DEFAULT_FIX = "delete it (and its -wal and -shm files beside it) to start again from an empty store"


class SqliteStore(Store):
    """A ``Store`` in one SQLite file, so that successive CLI commands see the same models.

    Documents keep their place by row id. The order and equality indexes of a table live in this
    process (built on first use from the file, in C) and are dropped whenever another connection
    has written to the file (SQLite's ``data_version``), so that several processes can share it.
    A file that cannot be used raises ``ConfigurationError`` naming it: unreadable (corrupted, not
    a database) with ``fix`` as the advice, or unusable (locked, read-only) with a hint at why.
    """

    def __init__(self, path: str | Path, *, fix: str = DEFAULT_FIX) -> None:
        import sqlite3  # here rather than at import: only the CLI's stores need it

        self.path = Path(path)
        self.fix = fix
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._orders: dict[str, Ordering] = {}
        # check_same_thread=False: the lock above serializes access from the engine's threads.
        self._db: sqlite3.Connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            with self._guard():
                self._db.execute("PRAGMA journal_mode=WAL")
                # A sandbox's state need not survive a power cut: commits wait for no disk sync (WAL
                # mode keeps the file consistent), which makes a write some ten times faster.
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS docs (tbl TEXT, key TEXT, doc TEXT, PRIMARY KEY (tbl, key))"
                )
                self._db.execute("CREATE TABLE IF NOT EXISTS counters (tbl TEXT PRIMARY KEY, value INTEGER)")
                self._version = self._data_version()
        except ConfigurationError:
            self._db.close()
            raise

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Hold the lock; turn SQLite's and JSON's failures into one error naming the file."""
        import sqlite3

        with self._lock:
            try:
                yield
            except sqlite3.OperationalError as exc:  # locked, read-only, disk full: the file may be fine
                if "malformed" in str(exc):  # SQLite's JSON functions reading a damaged document
                    raise ConfigurationError(
                        f"the sandbox state file {self.path} is corrupted ({exc}); {self.fix}"
                    ) from exc
                raise ConfigurationError(
                    f"could not use the sandbox state file {self.path} ({exc}); check that its directory "
                    "is writable and that no other program holds the file, then try again"
                ) from exc
            except (sqlite3.DatabaseError, ValueError) as exc:  # not a database, malformed, bad JSON
                message = f"the sandbox state file {self.path} is corrupted ({exc}); {self.fix}"
                raise ConfigurationError(message) from exc

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _order(self, table: str) -> Ordering:
        """The table's order and indexes, rebuilt from the file if another connection wrote to it since."""
        version = self._data_version()
        if version != self._version:
            self._orders.clear()
            self._version = version
        order = self._orders.get(table)
        if order is None:
            order = self._orders[table] = Ordering(lambda fields: self._rows(table, fields))
            rows = self._db.execute("SELECT rowid, key FROM docs WHERE tbl = ?", (table,)).fetchall()
            order.load(rows)
        return order

    def _rows(self, table: str, fields: Fields) -> Iterable[tuple[int, Values]]:
        """Each document's row id and values of ``fields``, read by SQLite's JSON functions."""
        columns = ", ".join("json_extract(doc, ?), json_type(doc, ?)" for _ in fields)
        paths = [part for field in fields for part in (_path(field), _path(field))]
        query = f"SELECT rowid, {columns} FROM docs WHERE tbl = ?"  # noqa: S608 - placeholders only
        for row in self._db.execute(query, (*paths, table)):
            yield row[0], tuple(_value(row[i], row[i + 1]) for i in range(1, len(row), 2))

    def get(self, table: str, key: str) -> Document | None:
        """The document at ``key``, or None."""
        with self._guard():
            row = self._db.execute("SELECT doc FROM docs WHERE tbl = ? AND key = ?", (table, key)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, table: str, key: str, doc: Document) -> None:
        """Insert or replace the document at ``key``, keeping its place in ``scan``."""
        text = json.dumps(doc)
        with self._guard():
            order = self._order(table)
            updated = self._db.execute("UPDATE docs SET doc = ? WHERE tbl = ? AND key = ?", (text, table, key)).rowcount
            if updated:
                order.change(key, doc)
            else:
                cursor = self._db.execute("INSERT INTO docs VALUES (?, ?, ?)", (table, key, text))
                assert cursor.lastrowid is not None
                order.add(key, cursor.lastrowid, doc)

    def delete(self, table: str, key: str) -> bool:
        """Remove ``key``; True when it existed."""
        with self._guard():
            order = self._order(table)
            cursor = self._db.execute("DELETE FROM docs WHERE tbl = ? AND key = ?", (table, key))
            if cursor.rowcount > 0:
                order.discard(key)
                return True
            return False

    def scan(self, table: str) -> list[Document]:
        """Every document of ``table`` in insertion order."""
        with self._guard():
            rows = self._db.execute("SELECT doc FROM docs WHERE tbl = ? ORDER BY rowid", (table,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def count(self, table: str, where: Where | None = None) -> int:
        """How many documents of ``table`` have every field of ``where`` equal to its value."""
        with self._guard():
            return self._order(table).count(where)

    def select(self, table: str, where: Where | None = None, start: int = 0, stop: int | None = None) -> list[Document]:
        """The documents matching ``where``, in insertion order, from position ``start`` to ``stop``."""
        with self._guard():
            order = self._order(table)
            seqs = [order.seq_of[key] for key in order.keys(where, start, stop)]
            found: dict[int, str] = {}
            for first in range(0, len(seqs), _BATCH):
                batch = seqs[first : first + _BATCH]
                marks = ", ".join("?" * len(batch))
                query = f"SELECT rowid, doc FROM docs WHERE rowid IN ({marks})"  # noqa: S608 - placeholders only
                found.update(self._db.execute(query, batch).fetchall())
        return [json.loads(found[seq]) for seq in seqs]

    def next_id(self, table: str) -> int:
        """The next integer id for ``table``."""
        with self._guard():
            self._db.execute(
                "INSERT INTO counters VALUES (?, 1) ON CONFLICT(tbl) DO UPDATE SET value = value + 1",
                (table,),
            )
            row = self._db.execute("SELECT value FROM counters WHERE tbl = ?", (table,)).fetchone()
        return int(row[0])

    def clear(self) -> None:
        """Forget everything."""
        with self._guard():
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM counters")
            self._orders.clear()

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()


_BATCH = 500
"""Row ids per ``IN (...)`` query (SQLite allows at least 999 parameters)."""


def _path(field: str) -> str:
    """The JSON path of a top-level field, quoted so that any name works."""
    return '$."' + field.replace('"', '""') + '"'


def _value(value: Any, kind: str | None) -> Any:
    """A JSON value as ``json_extract`` and ``json_type`` report it, as an index key (see ``_index.hashable``)."""
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind in ("object", "array"):
        return hashable(json.loads(value))
    return value  # null (or absent), integer, real, text
