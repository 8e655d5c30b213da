"""Applying a plan: one typed outcome per action, written once for the sync and the async registries.

``execution`` is sans-I/O: it yields ``Call``s (create, update, delete, delete_many, sleep) and
receives each call's result, or the exception it raised, as a value. It never stops half-way
silently: a failed action is that action's outcome and the others go on; after an error that
would fail every later request to a provider (credentials refused, rate limit exhausted) that
provider's remaining actions are ``SKIPPED`` saying why. A rate-limited call is retried once
the vendor's window reopens (nothing was sent, so even a create is safe to resend).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Generator, Mapping
from typing import Any

import attrs

from modelreg._bulk import BulkOutcome, BulkStatus
from modelreg._plan import Action, ActionKind, Plan
from modelreg._records import Issue, Model
from modelreg._redact import Redactor
from modelreg.errors import (
    AuthenticationFailed,
    ModelRegError,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationFailed,
)

logger = logging.getLogger("modelreg")

FATAL = (AuthenticationFailed, PermissionDenied, RateLimited)
"""Errors after which every later request to the same provider would fail too."""
MAX_ATTEMPTS = 10
"""How many times one call is tried while a rate limit keeps answering ``retry_after``."""
CREATE_ATTEMPTS = 3
"""How many times a create is sent when the vendor answers 5xx and no model was made."""


class ApplyStatus(str, enum.Enum):
    """What became of one action of a plan."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    WOULD_APPLY = "would_apply"
    FAILED = "failed"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class ApplyOutcome:
    """The outcome of one planned action: its status, the model's ref afterwards, a readable detail, any error."""

    action: Action
    status: ApplyStatus
    ref: str | None = None
    detail: str | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """True when the action ended as planned: applied, unchanged, or would apply (dry run)."""
        return self.status in (ApplyStatus.APPLIED, ApplyStatus.UNCHANGED, ApplyStatus.WOULD_APPLY)


ApplyProgress = Callable[[ApplyOutcome, int, int], Any]
"""Called after each action with ``(outcome, done, total)``, in the caller's thread or event loop."""


@attrs.frozen
class Call:
    """One registry call ``execution`` asks its driver to make."""

    operation: str
    """``create``, ``update``, ``delete``, ``delete_many`` or ``sleep``."""
    provider: str
    model_id: str | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict, repr=False)  # may hold revealed secrets
    refs: tuple[str, ...] = ()
    seconds: float = 0.0
    progress: Callable[[BulkOutcome, int, int], Any] | None = attrs.field(default=None, repr=False)


def refuse_blocked(plan: Plan) -> None:
    """``ValidationFailed`` naming every action ``apply`` may not run as planned (before anything is sent)."""
    blocked = plan.blocked
    if blocked:
        issues = [Issue(("plan", a.ref or a.provider), a.blocked or "", "blocked") for a in blocked]
        listed = "; ".join(f"{a.ref}: {a.blocked}" for a in blocked)
        raise ValidationFailed(issues, message=f"the plan cannot be applied as it is (nothing was sent): {listed}")


class Run:
    """One ``apply``: outcomes by position, progress, stopped providers and secret masking."""

    def __init__(self, plan: Plan, secrets: list[str], progress: ApplyProgress | None, max_wait: float) -> None:
        self.plan = plan
        self.outcomes: list[ApplyOutcome | None] = [None] * len(plan.actions)
        self.done = 0
        self.progress = progress
        self.max_wait = max_wait
        self.stopped: dict[str, str] = {}
        self.redactor = Redactor(secrets)

    def record(self, position: int, outcome: ApplyOutcome) -> None:
        """Store an outcome (secrets masked), log it and report progress."""
        if isinstance(outcome.error, ModelRegError):
            self.redactor.error(outcome.error)
        if outcome.detail:
            outcome = attrs.evolve(outcome, detail=self.redactor.text(outcome.detail))
        self.outcomes[position] = outcome
        self.done += 1
        action = outcome.action
        logger.info("apply: %s %s %s -> %s", action.kind, action.provider, dict(action.key), outcome.status)
        if self.progress is not None:
            self.progress(outcome, self.done, len(self.outcomes))

    def failed(self, action: Action, error: Exception, what: str, ref: str | None = None) -> ApplyOutcome:
        """The outcome of a call that raised; an error that dooms the provider's later calls stops them."""
        if isinstance(error, FATAL) and action.provider not in self.stopped:
            self.stopped[action.provider] = f"an earlier {action.provider} request failed with {type(error).__name__}"
        message = self.redactor.text(" ".join(str(error).split()) or type(error).__name__)
        return ApplyOutcome(action, ApplyStatus.FAILED, ref, f"{what}: {message}", error)

    def skipped(self, action: Action) -> ApplyOutcome:
        """The outcome of an action not attempted because its provider stopped."""
        reason = self.stopped[action.provider]
        return ApplyOutcome(action, ApplyStatus.SKIPPED, action.ref, f"not attempted: {reason}; run apply again")

    def call(self, call: Call) -> Generator[Call, Any, Any]:
        """Make ``call``, waiting out rate-limit windows up to ``max_wait`` in all; returns its result or error."""
        waited = 0.0
        for _ in range(MAX_ATTEMPTS):
            result = yield call
            wait = result.retry_after if isinstance(result, RateLimited) else None
            if wait is None or waited + wait > self.max_wait:
                return result
            logger.info("apply: %s rate limit reached, waiting %.0f s", call.provider, wait)
            yield Call("sleep", call.provider, seconds=wait)
            waited += wait
        return result

    def results(self) -> list[ApplyOutcome]:
        """Every outcome, in the plan's order."""
        missing = [n for n, outcome in enumerate(self.outcomes) if outcome is None]
        assert not missing, f"apply ended without an outcome for actions {missing}"
        return [outcome for outcome in self.outcomes if outcome is not None]


def execution(
    plan: Plan, secrets: list[str], *, dry_run: bool, progress: ApplyProgress | None, max_wait: float
) -> Generator[Call, Any, list[ApplyOutcome]]:
    """Apply ``plan``: creates, then updates, then replaces (delete, then create), then deletes concurrently."""
    refuse_blocked(plan)
    run = Run(plan, secrets, progress, max_wait)
    indexed = list(enumerate(plan.actions))
    for position, action in indexed:
        if action.kind is ActionKind.NOOP:
            run.record(position, ApplyOutcome(action, ApplyStatus.UNCHANGED, action.ref, "already as described"))
        elif dry_run:
            run.record(position, ApplyOutcome(action, ApplyStatus.WOULD_APPLY, action.ref, "dry run: nothing was sent"))
    if dry_run:
        return run.results()
    for kind in (ActionKind.CREATE, ActionKind.UPDATE, ActionKind.REPLACE):
        for position, action in ((p, a) for p, a in indexed if a.kind is kind):
            if action.provider in run.stopped:
                run.record(position, run.skipped(action))
            else:
                run.record(position, (yield from _one(run, action)))
    deletes = [(p, a) for p, a in indexed if a.kind is ActionKind.DELETE]
    for position, action in deletes:
        if action.provider in run.stopped:
            run.record(position, run.skipped(action))
    yield from _deletes(run, [(p, a) for p, a in deletes if a.provider not in run.stopped])
    return run.results()


def _one(run: Run, action: Action) -> Generator[Call, Any, ApplyOutcome]:
    assert action.entry is not None
    name = action.provider
    if action.kind is ActionKind.UPDATE:
        fields = {field: change.new for field, change in action.changes.items()}
        updated = yield from run.call(Call("update", name, action.model_id, fields))
        if isinstance(updated, Exception):
            return run.failed(action, updated, "not updated", action.ref)
        return ApplyOutcome(action, ApplyStatus.APPLIED, action.ref, f"updated {', '.join(action.changes)}")
    if action.kind is ActionKind.REPLACE:
        gone = yield from run.call(Call("delete", name, action.model_id))
        if isinstance(gone, Exception):
            return run.failed(action, gone, "not replaced: deleting the old model failed", action.ref)
    for _ in range(CREATE_ATTEMPTS):
        created = yield from run.call(Call("create", name, fields=action.entry.create_fields()))
        # A create raises ServerError only after the registry looked the model up and found none
        # (an ambiguous answer it could not settle is OutcomeUnknown): sending it again is safe.
        if not isinstance(created, ServerError):
            break
    if isinstance(created, Exception):
        what = "not created"
        if action.kind is ActionKind.REPLACE:
            what = f"{action.ref} was deleted but creating its replacement failed; run apply again to create it"
        return run.failed(action, created, what)
    assert isinstance(created, Model)
    verb = "created" if action.kind is ActionKind.CREATE else f"replaced {action.ref}"
    return ApplyOutcome(action, ApplyStatus.APPLIED, created.ref, verb)


def _deletes(run: Run, deletes: list[tuple[int, Action]]) -> Generator[Call, Any, None]:
    if not deletes:
        return
    by_ref = {action.ref: (position, action) for position, action in deletes}

    def settle(outcome: BulkOutcome, _done: int, _total: int) -> None:
        position, action = by_ref[f"{outcome.provider}:{outcome.id}"]
        if outcome.error is not None:
            run.record(position, run.failed(action, outcome.error, "not deleted", action.ref))
        elif outcome.status in (BulkStatus.DELETED, BulkStatus.ALREADY_GONE):
            detail = "deleted" if outcome.status is BulkStatus.DELETED else "already gone"
            run.record(position, ApplyOutcome(action, ApplyStatus.APPLIED, action.ref, detail))
        else:
            run.record(position, ApplyOutcome(action, ApplyStatus.SKIPPED, action.ref, outcome.detail))

    refs = tuple(ref for ref in by_ref if ref)
    result = yield Call("delete_many", deletes[0][1].provider, refs=refs, progress=settle)
    if isinstance(result, Exception):
        for position, action in deletes:
            if run.outcomes[position] is None:
                run.record(position, run.failed(action, result, "not deleted", action.ref))
