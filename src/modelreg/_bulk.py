"""Bulk deletes: one typed outcome per id, run concurrently through the engine's pacing and caps.

``BulkDelete`` holds everything the sync and async runs share (checking the ids, turning each
delete's result or error into a ``BulkOutcome``, stopping after an error that dooms the rest);
``run_sync`` and ``run_async`` only differ in how they wait.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import enum
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import attrs

from modelreg._codec import Record
from modelreg._records import Deletion, Issue, Model
from modelreg.errors import AuthenticationFailed, NotFound, PermissionDenied, RateLimited, ValidationFailed


class BulkStatus(str, enum.Enum):
    """What became of one id in a bulk operation."""

    DELETED = "deleted"
    ALREADY_GONE = "already_gone"
    WOULD_DELETE = "would_delete"
    SKIPPED = "skipped"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class BulkOutcome(Record):
    """The outcome of one id of a bulk operation: its status, a readable detail and any error."""

    provider: str
    id: str
    status: BulkStatus
    detail: str | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """True when the id ended as asked: deleted, already gone, or would be deleted (dry run)."""
        return self.status in (BulkStatus.DELETED, BulkStatus.ALREADY_GONE, BulkStatus.WOULD_DELETE)


BulkProgress = Callable[[BulkOutcome, int, int], Any]
"""Called after each id with ``(outcome, done, total)``; in the caller's thread or event loop."""

# Errors after which every further request would fail the same way: the rest are skipped.
FATAL = (AuthenticationFailed, PermissionDenied, RateLimited)
NOT_THERE = "dry run: not found, so there is nothing to delete"


class BulkDelete:
    """One ``delete_many`` call: checked ids, outcomes by position, and the reason to stop if any."""

    def __init__(
        self,
        provider: str,
        ids: Iterable[str | int | Model],
        *,
        concurrency: int | None,
        default_concurrency: int,
        progress: BulkProgress | None,
    ) -> None:
        self.provider = provider
        given = _check_ids(provider, ids)
        if concurrency is not None and (
            isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
        ):
            raise ValidationFailed(
                [Issue(("concurrency",), f"must be a positive integer, got {concurrency!r}")], provider=provider
            )
        self.concurrency = concurrency or default_concurrency
        self.progress = progress
        self.total = len(given)
        self.outcomes: list[BulkOutcome | None] = [None] * self.total
        self.done = 0
        self.stop_reason: str | None = None
        self.targets: list[tuple[int, str]] = []
        self._duplicates: list[tuple[int, str]] = []
        first: set[str] = set()
        for position, model_id in enumerate(given):
            if model_id in first:
                self._duplicates.append((position, model_id))
            else:
                first.add(model_id)
                self.targets.append((position, model_id))

    def start(self) -> None:
        """Record the duplicates, which are never sent twice."""
        for position, model_id in self._duplicates:
            self.record(position, self.outcome(model_id, BulkStatus.SKIPPED, "listed more than once; deleted once"))

    def outcome(
        self, model_id: str, status: BulkStatus, detail: str | None = None, error: Exception | None = None
    ) -> BulkOutcome:
        """A ``BulkOutcome`` of this provider."""
        return BulkOutcome(self.provider, model_id, status, detail, error)

    def skipped(self, model_id: str) -> BulkOutcome | None:
        """The outcome of an id not to attempt because an earlier error dooms it, else None."""
        if self.stop_reason is None:
            return None
        return self.outcome(model_id, BulkStatus.SKIPPED, f"not attempted: {self.stop_reason}")

    def settle(self, model_id: str, result: Deletion | Model | Exception) -> BulkOutcome:
        """The outcome of one delete's result or error; an error that dooms the rest stops the run.

        A ``Model`` is a dry run's look-up that found the model: it would be deleted.
        """
        if isinstance(result, Model):
            return self.outcome(model_id, BulkStatus.WOULD_DELETE, "dry run: it exists and would be deleted")
        if isinstance(result, Deletion):
            if result.deleted:
                return self.outcome(model_id, BulkStatus.DELETED, result.detail)
            return self.outcome(model_id, BulkStatus.ALREADY_GONE, result.detail)
        if isinstance(result, FATAL) and self.stop_reason is None:
            self.stop_reason = f"an earlier delete failed with {type(result).__name__}: {result}"
        return self.outcome(model_id, BulkStatus.FAILED, str(result) or type(result).__name__, result)

    def record(self, position: int, outcome: BulkOutcome) -> None:
        """Store ``outcome`` and report progress."""
        self.outcomes[position] = outcome
        self.done += 1
        if self.progress is not None:
            self.progress(outcome, self.done, self.total)

    def results(self) -> list[BulkOutcome]:
        """Every outcome, in the order the ids were given."""
        missing = [position for position, outcome in enumerate(self.outcomes) if outcome is None]
        assert not missing, f"bulk run ended without an outcome for positions {missing}"
        return [outcome for outcome in self.outcomes if outcome is not None]


def _check_ids(provider: str, ids: Iterable[str | int | Model]) -> list[str]:
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise ValidationFailed(
            [
                Issue(
                    ("ids",), f"must be a list of model ids (or models), got {type(ids).__name__}; wrap one id in [...]"
                )
            ],
            provider=provider,
        )
    checked: list[str] = []
    issues: list[Issue] = []
    for position, item in enumerate(ids):
        if isinstance(item, Model):
            if item.provider != provider:
                issues.append(Issue(("ids", str(position)), f"model {item.ref} belongs to another provider"))
            checked.append(item.id)
        elif isinstance(item, int) and not isinstance(item, bool):
            checked.append(str(item))
        elif isinstance(item, str) and item.strip() and not any(c in item for c in "/?#"):
            checked.append(item)
        else:
            issues.append(
                Issue(
                    ("ids", str(position)),
                    f"must be a model id (a non-empty string without / ? #, or an integer), got {item!r}",
                )
            )
    if issues:
        raise ValidationFailed(issues, provider=provider)
    return checked


def looked_up(provider: str, get: Callable[[str], Model], missing_ok: bool) -> Callable[[str], Model | Deletion]:
    """A dry run's stand-in for delete: look the model up; a missing one is reported as the real run would."""

    def look(model_id: str) -> Model | Deletion:
        try:
            return get(model_id)
        except NotFound:
            if not missing_ok:
                raise
            return Deletion(provider, model_id, deleted=False, detail=NOT_THERE)

    return look


def looked_up_async(
    provider: str, get: Callable[[str], Awaitable[Model]], missing_ok: bool
) -> Callable[[str], Awaitable[Model | Deletion]]:
    """The async twin of ``looked_up``."""

    async def look(model_id: str) -> Model | Deletion:
        try:
            return await get(model_id)
        except NotFound:
            if not missing_ok:
                raise
            return Deletion(provider, model_id, deleted=False, detail=NOT_THERE)

    return look


def run_sync(plan: BulkDelete, delete: Callable[[str], Deletion | Model]) -> list[BulkOutcome]:
    """Run ``plan`` on ``plan.concurrency`` threads; progress is reported from the calling thread."""
    plan.start()

    def attempt(model_id: str) -> BulkOutcome:
        skipped = plan.skipped(model_id)
        if skipped is not None:
            return skipped
        try:
            result: Deletion | Model | Exception = delete(model_id)
        except Exception as exc:  # every failure becomes that id's outcome; the run goes on
            result = exc
        return plan.settle(model_id, result)

    pool = concurrent.futures.ThreadPoolExecutor(plan.concurrency, "modelreg-bulk")
    try:
        futures = {pool.submit(attempt, model_id): position for position, model_id in plan.targets}
        for future in concurrent.futures.as_completed(futures):
            plan.record(futures[future], future.result())
    finally:
        # On an interrupt or an error of the progress callback, start nothing more but let the
        # requests already sent finish, so that nothing is left running behind the caller.
        pool.shutdown(wait=True, cancel_futures=True)
    return plan.results()


async def run_async(plan: BulkDelete, delete: Callable[[str], Awaitable[Deletion | Model]]) -> list[BulkOutcome]:
    """Run ``plan`` with ``plan.concurrency`` tasks taking the ids in turn."""
    plan.start()
    queue = iter(plan.targets)

    async def worker() -> None:
        for position, model_id in queue:
            outcome = plan.skipped(model_id)
            if outcome is None:
                try:
                    result: Deletion | Model | Exception = await delete(model_id)
                except Exception as exc:  # every failure becomes that id's outcome; the run goes on
                    result = exc
                outcome = plan.settle(model_id, result)
            plan.record(position, outcome)

    workers = [asyncio.ensure_future(worker()) for _ in range(min(plan.concurrency, len(plan.targets)))]
    try:
        done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION) if workers else (set(), set())
        for task in done:
            task.result()
    finally:
        for task in workers:
            task.cancel()
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
    return plan.results()
