"""Where ``--sandbox`` keeps its state: one SQLite file per provider and a shared clock offset.

The state directory is ``$MODELREG_STATE_DIR`` if set, else ``$XDG_STATE_HOME/modelreg``, else
``~/.local/state/modelreg``. A provider's store is seeded with a few models when it is created,
once however many commands start together (under a file lock); a corrupted store file is named in
a one-line error, and ``modelreg sandbox reset`` starts it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import modelreg
from modelreg.cli._filelock import locked
from modelreg.errors import ConfigurationError, UnsupportedOperation
from modelreg.sandbox import Sandbox, SqliteStore, VirtualClock

if TYPE_CHECKING:
    from modelreg import ProviderInfo

STATE_DIR_ENV = "MODELREG_STATE_DIR"
SPEED_ENV = "MODELREG_SANDBOX_SPEED"
META_TABLE = "modelreg-cli"
"""A table of the CLI's own in each sandbox store: records whether the store was seeded."""
DEFAULT_SPEED = 60.0
RESET_HINT = "run `modelreg --sandbox sandbox reset --yes` to start the sandboxes again from their seed models"
"""What to do about a corrupted store file, said in the error that names it."""
"""How much faster than real time sandbox time runs while a command waits (training polls)."""


def state_dir() -> Path:
    """The directory the CLI keeps its state in (created on first use, not here)."""
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "state"
    return base / "modelreg"


def sandbox_dir() -> Path:
    """The directory holding the sandboxes' SQLite files and clock."""
    return state_dir() / "sandbox"


def store_path(provider: str) -> Path:
    """The SQLite file of one provider's sandbox."""
    return sandbox_dir() / f"{provider}.sqlite3"


def speed() -> float:
    """The speed-up of waits in the sandbox, from ``MODELREG_SANDBOX_SPEED`` (default 60)."""
    raw = os.environ.get(SPEED_ENV)
    if not raw:
        return DEFAULT_SPEED
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigurationError(f"{SPEED_ENV} must be a positive number (e.g. 60), got {raw!r}")
    return value


class SandboxClock(VirtualClock):
    """Sandbox time: the wall clock plus an offset saved on disk, which grows while commands wait.

    Between commands models progress in real time; while a command waits (polling a training),
    a wait of N simulated seconds takes N / speed real seconds and moves every process's clock.
    """

    def __init__(self, path: Path, speed: float = DEFAULT_SPEED) -> None:
        super().__init__(start=0.0)
        self.path = path
        self.speed = speed
        self._offset = 0.0
        self._stamp: float | None = None
        self._guard = threading.Lock()

    def _load(self) -> float:
        try:
            stamp = self.path.stat().st_mtime_ns
        except OSError:
            self._offset, self._stamp = 0.0, None  # no file: sandbox time is the wall clock
            return self._offset
        if stamp != self._stamp:
            try:
                self._offset = float(json.loads(self.path.read_text())["offset"])
            except (OSError, ValueError, KeyError, TypeError):
                self._offset = 0.0  # an unreadable clock file counts as a fresh clock
            self._stamp = stamp
        return self._offset

    @property
    def offset(self) -> float:
        """How far sandbox time is ahead of the wall clock, in seconds."""
        with self._guard:
            return self._load()

    def now(self) -> float:
        """Seconds since the epoch in sandbox time."""
        with self._guard:
            return time.time() + self._load()

    def advance(self, seconds: float) -> None:
        """Move sandbox time forward by ``seconds``, for every process using this state."""
        if seconds <= 0:
            return
        with self._guard:
            offset = self._load() + seconds
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps({"offset": offset}))
            temporary.replace(self.path)
            self._offset = offset
            self._stamp = self.path.stat().st_mtime_ns

    def reset(self) -> None:
        """Make sandbox time the wall clock again."""
        with self._guard:
            self.path.unlink(missing_ok=True)
            self._offset = 0.0
            self._stamp = None

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of sandbox time, which takes ``seconds / speed`` real seconds."""
        if seconds <= 0:
            return
        real = seconds / self.speed
        time.sleep(real)
        self.advance(seconds - real)

    async def asleep(self, seconds: float) -> None:
        """Await ``seconds`` of sandbox time."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        real = seconds / self.speed
        await asyncio.sleep(real)
        self.advance(seconds - real)


def open_clock() -> SandboxClock:
    """The clock every sandbox of this state directory shares."""
    return SandboxClock(sandbox_dir() / "clock.json", speed())


def lock_path() -> Path:
    """The file every process using this state directory locks while it sets the stores up."""
    return sandbox_dir() / "setup.lock"


def open_sandboxes(clock: SandboxClock) -> tuple[dict[str, Sandbox], dict[str, str]]:
    """A persistent sandbox per installed provider (seeded when new), and the providers without one."""
    sandboxes: dict[str, Sandbox] = {}
    skipped: dict[str, str] = {}
    # Under the lock: processes started together on a fresh directory seed each store once.
    with locked(lock_path()):
        try:
            for info in modelreg.providers(details=True):
                sandbox = _open(info, clock, skipped)
                if sandbox is not None:
                    sandboxes[info.name] = sandbox
                    if sandbox.store.get(META_TABLE, "state") is None:
                        fill(sandbox, seed=True)
        except BaseException:
            close_sandboxes(sandboxes)
            raise
    return sandboxes, skipped


def reset_sandboxes(clock: SandboxClock, *, seed: bool) -> list[str]:
    """Start every provider's store again (seeded, or empty), even from a corrupted file; the names reset."""
    with locked(lock_path()):
        clock.reset()
        names = []
        for info in modelreg.providers(details=True):
            name = info.name
            path = store_path(name)
            if path.exists() and not _readable(path):
                for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                    stale.unlink(missing_ok=True)
            sandbox = _open(info, clock, {})
            if sandbox is None:
                continue
            try:
                sandbox.reset()
                fill(sandbox, seed=seed)
            finally:
                close_sandboxes({name: sandbox})
            names.append(name)
    return names


def _open(info: ProviderInfo, clock: SandboxClock, skipped: dict[str, str]) -> Sandbox | None:
    """The provider's sandbox on its SQLite file, or None (and why in ``skipped``) if it ships none."""
    name = info.name
    path = store_path(name)
    existed = path.exists()
    store = SqliteStore(path, fix=RESET_HINT)
    try:
        return info.sandbox(store=store, clock=clock)
    except UnsupportedOperation as exc:
        store.close()
        if not existed:
            path.unlink(missing_ok=True)
        skipped[name] = str(exc)
        return None
    except BaseException:
        store.close()
        raise


def _readable(path: Path) -> bool:
    """Whether ``path`` is a sound SQLite file; False when corrupted (a locked file raises instead)."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return bool(db.execute("PRAGMA quick_check").fetchone() == ("ok",))
    except sqlite3.OperationalError as exc:  # locked, or no permission: the file may be fine, never delete it
        raise ConfigurationError(
            f"could not check the sandbox state file {path} ({exc}); check that its directory is writable "
            "and that no other program holds the file, then try again"
        ) from exc
    except sqlite3.DatabaseError:
        return False


def fill(sandbox: Sandbox, *, seed: bool) -> None:
    """Seed ``sandbox`` (or leave it empty) and remember that it was set up."""
    if seed:
        sandbox.seed()
    sandbox.store.put(META_TABLE, "state", {"seeded": seed, "at": time.time()})


def close_sandboxes(sandboxes: dict[str, Sandbox]) -> None:
    """Close the SQLite files behind ``sandboxes``."""
    for sandbox in sandboxes.values():
        if isinstance(sandbox.store, SqliteStore):
            sandbox.store.close()
