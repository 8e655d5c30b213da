"""Where a sandbox keeps its state: in memory for tests, in SQLite for the CLI."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from modelreg.errors import ConfigurationError

Document = dict[str, Any]
DEFAULT_FIX = "delete it (and its -wal and -shm files beside it) to start again from an empty store"


class Store(Protocol):
    """A small document store: tables of JSON documents by key, plus id counters."""

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


class MemoryStore:
    """A ``Store`` in process memory."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, Document]] = {}
        self._counters: dict[str, int] = {}
        self._lock = threading.RLock()

    def get(self, table: str, key: str) -> Document | None:
        """The document at ``key``, or None."""
        with self._lock:
            doc = self._tables.get(table, {}).get(key)
            return dict(doc) if doc is not None else None

    def put(self, table: str, key: str, doc: Document) -> None:
        """Insert or replace the document at ``key``."""
        with self._lock:
            self._tables.setdefault(table, {})[key] = dict(doc)

    def delete(self, table: str, key: str) -> bool:
        """Remove ``key``; True when it existed."""
        with self._lock:
            return self._tables.get(table, {}).pop(key, None) is not None

    def scan(self, table: str) -> list[Document]:
        """Every document of ``table`` in insertion order."""
        with self._lock:
            return [dict(doc) for doc in self._tables.get(table, {}).values()]

    def next_id(self, table: str) -> int:
        """The next integer id for ``table``."""
        with self._lock:
            self._counters[table] = self._counters.get(table, 0) + 1
            return self._counters[table]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._tables.clear()
            self._counters.clear()


class SqliteStore:
    """A ``Store`` in one SQLite file, so that successive CLI commands see the same models.

    A file that cannot be used raises ``ConfigurationError`` naming it: unreadable (corrupted, not
    a database) with ``fix`` as the advice, or unusable (locked, read-only) with a hint at why.
    """

    def __init__(self, path: str | Path, *, fix: str = DEFAULT_FIX) -> None:
        self.path = Path(path)
        self.fix = fix
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # check_same_thread=False: the lock above serializes access from the engine's threads.
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            with self._guard():
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS docs (tbl TEXT, key TEXT, doc TEXT, PRIMARY KEY (tbl, key))"
                )
                self._db.execute("CREATE TABLE IF NOT EXISTS counters (tbl TEXT PRIMARY KEY, value INTEGER)")
        except ConfigurationError:
            self._db.close()
            raise

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Hold the lock; turn SQLite's and JSON's failures into one error naming the file."""
        with self._lock:
            try:
                yield
            except sqlite3.OperationalError as exc:  # locked, read-only, disk full: the file may be fine
                raise ConfigurationError(
                    f"could not use the sandbox state file {self.path} ({exc}); check that its directory "
                    "is writable and that no other program holds the file, then try again"
                ) from exc
            except (sqlite3.DatabaseError, ValueError) as exc:  # not a database, malformed, bad JSON
                message = f"the sandbox state file {self.path} is corrupted ({exc}); {self.fix}"
                raise ConfigurationError(message) from exc

    def get(self, table: str, key: str) -> Document | None:
        """The document at ``key``, or None."""
        with self._guard():
            row = self._db.execute("SELECT doc FROM docs WHERE tbl = ? AND key = ?", (table, key)).fetchone()
            return json.loads(row[0]) if row else None

    def put(self, table: str, key: str, doc: Document) -> None:
        """Insert or replace the document at ``key``, keeping its place in ``scan``."""
        text = json.dumps(doc)
        with self._guard():
            updated = self._db.execute("UPDATE docs SET doc = ? WHERE tbl = ? AND key = ?", (text, table, key)).rowcount
            if not updated:
                self._db.execute("INSERT INTO docs VALUES (?, ?, ?)", (table, key, text))

    def delete(self, table: str, key: str) -> bool:
        """Remove ``key``; True when it existed."""
        with self._guard():
            cursor = self._db.execute("DELETE FROM docs WHERE tbl = ? AND key = ?", (table, key))
            return cursor.rowcount > 0

    def scan(self, table: str) -> list[Document]:
        """Every document of ``table`` in insertion order."""
        with self._guard():
            rows = self._db.execute("SELECT doc FROM docs WHERE tbl = ? ORDER BY rowid", (table,)).fetchall()
            return [json.loads(row[0]) for row in rows]

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

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()
