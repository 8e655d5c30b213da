"""Plans: what to create, update, replace or delete so that the providers match a manifest.

``planning`` is written once, sans-I/O: it yields the listings it needs and receives their
models, then diffs them against the manifest by natural key. ``plan_sync`` and ``plan_async``
only differ in how they list. A planned create or update is then checked by the connected
provider's own rules (its flow is started and closed before its first request).
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Generator, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from modelreg._manifest import check_flow
from modelreg._manifest_types import Manifest, ManifestEntry, Secret, reveal
from modelreg._plugins import provider_class
from modelreg._records import Issue, Model
from modelreg._redact import Redactor
from modelreg.errors import ValidationFailed
from modelreg.provider import Provider


class ActionKind(str, enum.Enum):
    """What a plan does to one model."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "noop"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Change:
    """One field's value now (``old``) and as the manifest wants it (``new``)."""

    old: Any
    new: Any


@attrs.frozen
class Action:
    """One step of a plan: its kind, the model's natural key, its ref (None for a create) and field changes."""

    kind: ActionKind
    provider: str
    key: Mapping[str, Any]
    ref: str | None = None
    changes: Mapping[str, Change] = attrs.field(factory=dict)
    blocked: str | None = None
    """Why ``apply`` refuses this action as planned (a replace without ``allow_replace``), else None."""
    entry: ManifestEntry | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def model_id(self) -> str | None:
        """The id part of ``ref``."""
        return self.ref.partition(":")[2] if self.ref else None

    def to_dict(self) -> dict[str, Any]:
        """``{"action", "provider", "key", "ref", "changes"}``, the JSON form of ``modelreg plan -o json``."""
        return {
            "action": self.kind.value,
            "provider": self.provider,
            "key": dict(self.key),
            "ref": self.ref,
            "changes": {name: {"old": c.old, "new": c.new} for name, c in self.changes.items()},
        }


@attrs.frozen
class Plan:
    """The actions that make the providers match a manifest, in the order ``apply`` runs them."""

    actions: tuple[Action, ...]
    prune: bool = False
    allow_replace: bool = False
    notes: tuple[str, ...] = ()
    """Things worth knowing that are not actions (duplicates, models --prune would delete)."""

    @property
    def pending(self) -> tuple[Action, ...]:
        """Every action that changes something (all but noops)."""
        return tuple(action for action in self.actions if action.kind is not ActionKind.NOOP)

    @property
    def in_sync(self) -> bool:
        """True when every action is a noop."""
        return not self.pending

    @property
    def blocked(self) -> tuple[Action, ...]:
        """The actions ``apply`` refuses as planned (replaces without ``allow_replace``)."""
        return tuple(action for action in self.actions if action.blocked)

    def count(self, kind: ActionKind) -> int:
        """How many actions are of ``kind``."""
        return sum(1 for action in self.actions if action.kind is kind)

    def summary(self) -> str:
        """One line: ``1 to create, 0 to update, 0 to replace, 2 to delete, 3 unchanged``."""
        counts = [f"{self.count(kind)} to {kind.value}" for kind in list(ActionKind)[:4]]
        return ", ".join([*counts, f"{self.count(ActionKind.NOOP)} unchanged"])

    def to_json(self) -> list[dict[str, Any]]:
        """Every action as ``Action.to_dict()``."""
        return [action.to_dict() for action in self.actions]

    def estimate(self) -> Estimate:
        """How long the vendors' declared rate limits make applying this plan (see ``Estimate``)."""
        return estimate(self)


@attrs.frozen
class Listing:
    """A step of ``planning``: every model of ``provider`` matching ``filters``."""

    provider: str
    filters: Mapping[str, Any] = attrs.field(factory=dict)


def planning(manifest: Manifest, *, prune: bool, allow_replace: bool) -> Generator[Listing, list[Model], Plan]:
    """The plan for ``manifest``: yields the listings it needs, receives their models, returns the ``Plan``."""
    actions: list[Action] = []
    notes: list[str] = []
    if prune and not manifest.prune:
        notes.append("--prune was given but the manifest has no [prune] table: nothing will be deleted")
    existing: dict[str, list[Model]] = {}
    groups: dict[str, dict[tuple[Any, ...], list[Model]]] = {}
    for name in manifest.providers:
        existing[name] = yield Listing(name)
        for model in sorted(existing[name], key=_age):
            groups.setdefault(name, {}).setdefault(key_of(provider_class(name), model), []).append(model)
    managed: set[str] = set()
    for entry in manifest.entries:
        matches = groups.get(entry.provider, {}).get(tuple(entry.key.values()), [])
        if matches:
            managed.add(matches[0].ref)
            if len(matches) > 1:
                others = ", ".join(m.ref for m in matches[1:])
                notes.append(f"{entry.label} matches several models: {matches[0].ref} is managed, not {others}")
        actions.append(_compare(provider_class(entry.provider), entry, matches[0] if matches else None, allow_replace))
    for name, scope in sorted(manifest.prune.items()):
        listed = (yield Listing(name, scope.filters)) if scope.filters else existing[name]
        strays = [m for m in sorted(listed, key=_age) if scope.covers(m) and m.ref not in managed]
        if prune:
            actions += [Action(ActionKind.DELETE, name, _key(provider_class(name), m), m.ref) for m in strays]
        elif strays:
            refs = ", ".join(m.ref for m in strays)
            notes.append(
                f"{len(strays)} {name} model(s) in the [prune] scope are not in the manifest: {refs} "
                "(--prune deletes them)"
            )
    return Plan(tuple(actions), prune, allow_replace, tuple(notes))


def key_of(cls: type[Provider], model: Model) -> tuple[Any, ...]:
    """A model's natural-key values, in ``cls.natural_key`` order."""
    current = cls.current_fields(model)
    return tuple(current.get(name) for name in cls.natural_key)


def _key(cls: type[Provider], model: Model) -> dict[str, Any]:
    return dict(zip(cls.natural_key, key_of(cls, model), strict=True))


def _age(model: Model) -> tuple[datetime, str]:
    # The oldest model with a key is the managed one; ids break ties (and order models without dates).
    return (model.created_at or datetime.min.replace(tzinfo=timezone.utc), model.id.zfill(20))


def _compare(cls: type[Provider], entry: ManifestEntry, model: Model | None, allow_replace: bool) -> Action:
    if model is None:
        return Action(ActionKind.CREATE, entry.provider, entry.key, None, entry=entry)
    current = cls.current_fields(model)
    changes = {
        name: Change(current[name], wanted)
        for name, wanted in entry.fields.items()
        # Secrets cannot be read back, so they are set on create and never compared.
        if name in current
        and name not in cls.secret_fields
        and not _has_secret(wanted)
        and name not in entry.key
        and not _same(current[name], wanted)
    }
    if not changes:
        return Action(ActionKind.NOOP, entry.provider, entry.key, model.ref, entry=entry)
    if set(changes) <= set(cls.update_fields):
        return Action(ActionKind.UPDATE, entry.provider, entry.key, model.ref, changes, entry=entry)
    fixed = ", ".join(sorted(set(changes) - set(cls.update_fields)))
    blocked = None if allow_replace else f"{cls.name} cannot update {fixed}: replacing the model needs --allow-replace"
    return Action(ActionKind.REPLACE, entry.provider, entry.key, model.ref, changes, blocked, entry=entry)


def _has_secret(value: Any) -> bool:
    return isinstance(value, Secret) or (
        isinstance(value, Mapping) and any(isinstance(v, Secret) for v in value.values())
    )


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, float) or isinstance(wanted, float):
        both = (current, wanted)
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in both) and math.isclose(*both)
    if isinstance(current, Mapping) and isinstance(wanted, Mapping):
        return dict(current) == dict(wanted)
    return bool(current == wanted)


def check_plan(plan: Plan, providers: Mapping[str, Provider], secrets: Iterable[str]) -> None:
    """Check every create and update of ``plan`` by the connected provider's own rules; nothing is sent."""
    issues: list[Issue] = []
    for action in plan.actions:
        entry, provider = action.entry, providers.get(action.provider)
        if entry is None or provider is None:
            continue
        if action.kind in (ActionKind.CREATE, ActionKind.REPLACE):
            found = check_flow(functools.partial(provider.create, entry.create_fields()))
        elif action.kind is ActionKind.UPDATE:
            fields = {name: reveal(change.new) for name, change in action.changes.items()}
            found = check_flow(functools.partial(provider.update, str(action.model_id), fields))
        else:
            continue
        issues += [attrs.evolve(i, loc=("models", str(entry.number), *i.loc[1:])) for i in found]
    if issues:
        redactor = Redactor(secrets)
        listed = "; ".join(redactor.text(f"entry {i.loc[1]}: {'.'.join(i.loc[2:])}: {i.message}") for i in issues)
        raise ValidationFailed(
            [attrs.evolve(i, message=redactor.text(i.message)) for i in issues],
            message=f"the connected providers refuse the manifest (nothing was sent): {listed}",
        )


@attrs.frozen
class Estimate:
    """How long vendor rate limits make an apply: at least ``seconds``, with one reason per limited operation."""

    seconds: float
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "no vendor limit slows it down"


OPERATIONS = {"create": (ActionKind.CREATE, ActionKind.REPLACE), "update": (ActionKind.UPDATE,),
              "delete": (ActionKind.DELETE, ActionKind.REPLACE)}  # fmt: skip


def estimate(plan: Plan) -> Estimate:
    """The wait the declared ``limits`` impose: ``calls`` start at once, then one window per ``calls`` more."""
    total, reasons = 0.0, []
    for name in sorted({action.provider for action in plan.pending}):
        limits = provider_class(name).limits
        for operation, kinds in OPERATIONS.items():
            count = sum(1 for a in plan.pending if a.provider == name and a.kind in kinds)
            limit = limits.get(operation) or limits.get("*")
            if not count or limit is None or not limit.calls or count <= limit.calls:
                continue
            seconds = (math.ceil(count / limit.calls) - 1) * limit.period
            total += seconds
            reasons.append(
                f"{count} {name} {operation}s at {limit.calls}/{_per(limit.period)}: about {duration(seconds)}"
            )
    return Estimate(total, tuple(reasons))


def _per(period: float) -> str:
    units = {86400.0: "day", 3600.0: "h", 60.0: "min", 1.0: "s"}
    return units.get(float(period), f"{period:g} s")


def duration(seconds: float) -> str:
    """``1 h 10 min``, ``12 min``, ``40 s``."""
    minutes = round(seconds / 60)
    if seconds < 60:
        return f"{seconds:.0f} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours and minutes else f"{hours} h" if hours else f"{minutes} min"
