"""One view over every configured provider: list across them, act on refs like ``scriptix:123``."""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from modelreg._async_registry import AsyncModelRegistry
from modelreg._bulk import BulkOutcome, BulkProgress
from modelreg._converge import DEFAULT_MAX_WAIT, apply_async, apply_sync, plan_async, plan_sync
from modelreg._execution import ApplyOutcome, ApplyProgress
from modelreg._manifest_types import Manifest
from modelreg._plan import Plan
from modelreg._records import Deletion, Issue, Model, ModelStatus, parse_ref
from modelreg._registry import ModelRegistry
from modelreg.errors import ConfigurationError, ValidationFailed

R = TypeVar("R", ModelRegistry, AsyncModelRegistry)

COMMON_FILTERS = frozenset({"status", "search"})
"""Filters with one meaning for every provider; any other filter narrows to providers that know it."""


class _Base(Generic[R]):
    def __init__(self, registries: Mapping[str, R], skipped: Mapping[str, str]) -> None:
        self.registries: dict[str, R] = dict(registries)
        self.skipped: dict[str, str] = dict(skipped)
        """Providers left out, with the reason (e.g. which env var is missing)."""

    @property
    def providers(self) -> list[str]:
        """The names of the connected providers."""
        return list(self.registries)

    def __getitem__(self, name: str) -> R:
        if name not in self.registries:
            reason = self.skipped.get(name, "it is not installed")
            raise ConfigurationError(f"provider {name!r} is not connected: {reason}", provider=name)
        return self.registries[name]

    def __contains__(self, name: object) -> bool:
        return name in self.registries

    def __iter__(self) -> Iterator[str]:
        return iter(self.registries)

    def __len__(self) -> int:
        return len(self.registries)

    def resolve(self, ref: str) -> tuple[R, str]:
        """The registry and model id a ref like ``"scriptix:123"`` points at."""
        try:
            name, model_id = parse_ref(ref)
        except ValueError as exc:
            raise ValidationFailed([Issue(("ref",), str(exc))]) from None
        return self[name], model_id

    def targets(self, filters: Mapping[str, Any], only: Iterable[str] | None) -> list[R]:
        """The registries a cross-provider listing asks, given its filters.

        Across every provider (``only`` None), one whose models cannot be in the ``status`` asked
        for (SELISE has no ``TRAINING``) contributes nothing rather than failing the listing; a
        provider named in ``only`` is asked all the same, and refuses. The CLI lists the same way.
        """
        wanted = None if only is None else set(only)
        chosen = [r for n, r in self.registries.items() if wanted is None or n in wanted]
        if wanted is None and filters.get("status") is not None:
            chosen = [r for r in chosen if can_have(type(r._provider), r._provider, filters["status"])]
        special = set(filters) - COMMON_FILTERS
        if not special:
            return chosen
        knowing = [r for r in chosen if special <= set(type(r._provider).filters)]
        if not knowing:
            raise ValidationFailed(
                [Issue(("query", key), f"no connected provider accepts the filter {key!r}") for key in sorted(special)]
            )
        return knowing

    def by_provider(self, refs: Iterable[str]) -> dict[str, builtins.list[tuple[int, str]]]:
        """Refs grouped by provider as ``(position, model id)``; a bad ref fails before anything is sent."""
        groups: dict[str, builtins.list[tuple[int, str]]] = {}
        for position, ref in enumerate(refs):
            registry, model_id = self.resolve(ref)
            groups.setdefault(registry.provider, []).append((position, model_id))
        return groups

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {', '.join(self.registries) or 'none'}>"


def can_have(cls: type[Any], provider: Any, status: Any) -> bool:
    """Whether ``provider``'s models can be in ``status``: False when its filter check refuses that common status.

    Only a ``ModelStatus`` (or its value) is judged here; a vendor's own status word is left to the
    provider to accept or refuse. The check sends nothing.
    """
    try:
        common = ModelStatus(status)
    except ValueError:
        return True
    if "status" not in cls.filters:
        return True
    try:
        provider.check_filters({"status": common})
    except ValidationFailed as exc:
        return not (exc.issues and all(issue.loc[-1:] == ("status",) for issue in exc.issues))
    return True


class Registries(_Base[ModelRegistry]):
    """Every configured provider at once (from ``connect_all()``); index by name for one registry."""

    def list(
        self, *, limit: int | None = None, providers: Iterable[str] | None = None, **filters: Any
    ) -> Iterator[Model]:
        """Models from every provider in turn; a vendor-only filter asks only the providers that know it."""
        countdown = _Countdown(limit)
        for registry in countdown.over(self.targets(filters, providers)):
            for model in registry.list(limit=countdown.left, **filters):
                countdown.take()
                yield model

    def get(self, ref: str) -> Model:
        """The model a ref points at."""
        registry, model_id = self.resolve(ref)
        result: Model = registry.get(model_id)
        return result

    def update(self, ref: str, **fields: Any) -> Model:
        """Update the model a ref points at."""
        registry, model_id = self.resolve(ref)
        result: Model = registry.update(model_id, **fields)
        return result

    def delete(self, ref: str, *, missing_ok: bool = False) -> Deletion:
        """Delete the model a ref points at."""
        registry, model_id = self.resolve(ref)
        result: Deletion = registry.delete(model_id, missing_ok=missing_ok)
        return result

    def delete_many(
        self,
        refs: Iterable[str],
        *,
        dry_run: bool = False,
        missing_ok: bool = False,
        progress: BulkProgress | None = None,
    ) -> builtins.list[BulkOutcome]:
        """``delete_many`` across providers: one ``BulkOutcome`` per ref, in the order given."""
        spread = _Spread(self.by_provider, refs, progress)
        for name, ids in spread.groups():
            outcomes = self[name].delete_many(ids, dry_run=dry_run, missing_ok=missing_ok, progress=spread.report)
            spread.place(name, outcomes)
        return spread.results()

    def plan(
        self, manifest: Manifest | str | os.PathLike[str], *, prune: bool = False, allow_replace: bool = False
    ) -> Plan:
        """What ``apply`` would change so that the providers match ``manifest`` (a ``Manifest`` or a path)."""
        return plan_sync(self, manifest, prune=prune, allow_replace=allow_replace)

    def apply(
        self,
        plan: Plan,
        *,
        dry_run: bool = False,
        progress: ApplyProgress | None = None,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> builtins.list[ApplyOutcome]:
        """Run ``plan``: one ``ApplyOutcome`` per action, in order; ``dry_run`` sends nothing."""
        return apply_sync(self, plan, dry_run=dry_run, progress=progress, max_wait=max_wait)

    def close(self) -> None:
        """Close every registry."""
        for registry in self.registries.values():
            registry.close()

    def __enter__(self) -> Registries:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncRegistries(_Base[AsyncModelRegistry]):
    """The async twin of ``Registries`` (from ``connect_all_async()``)."""

    async def list(
        self, *, limit: int | None = None, providers: Iterable[str] | None = None, **filters: Any
    ) -> AsyncIterator[Model]:
        """Models from every provider in turn; a vendor-only filter asks only the providers that know it."""
        countdown = _Countdown(limit)
        for registry in countdown.over(self.targets(filters, providers)):
            async for model in registry.list(limit=countdown.left, **filters):
                countdown.take()
                yield model

    async def get(self, ref: str) -> Model:
        """The model a ref points at."""
        registry, model_id = self.resolve(ref)
        return await registry.get(model_id)

    async def update(self, ref: str, **fields: Any) -> Model:
        """Update the model a ref points at."""
        registry, model_id = self.resolve(ref)
        return await registry.update(model_id, **fields)

    async def delete(self, ref: str, *, missing_ok: bool = False) -> Deletion:
        """Delete the model a ref points at."""
        registry, model_id = self.resolve(ref)
        return await registry.delete(model_id, missing_ok=missing_ok)

    async def delete_many(
        self,
        refs: Iterable[str],
        *,
        dry_run: bool = False,
        missing_ok: bool = False,
        progress: BulkProgress | None = None,
    ) -> builtins.list[BulkOutcome]:
        """``delete_many`` across providers: one ``BulkOutcome`` per ref, in the order given."""
        spread = _Spread(self.by_provider, refs, progress)
        for name, ids in spread.groups():
            outcomes = await self[name].delete_many(ids, dry_run=dry_run, missing_ok=missing_ok, progress=spread.report)
            spread.place(name, outcomes)
        return spread.results()

    async def plan(
        self, manifest: Manifest | str | os.PathLike[str], *, prune: bool = False, allow_replace: bool = False
    ) -> Plan:
        """What ``apply`` would change so that the providers match ``manifest`` (a ``Manifest`` or a path)."""
        return await plan_async(self, manifest, prune=prune, allow_replace=allow_replace)

    async def apply(
        self,
        plan: Plan,
        *,
        dry_run: bool = False,
        progress: ApplyProgress | None = None,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> builtins.list[ApplyOutcome]:
        """Run ``plan``: one ``ApplyOutcome`` per action, in order; ``dry_run`` sends nothing."""
        return await apply_async(self, plan, dry_run=dry_run, progress=progress, max_wait=max_wait)

    async def aclose(self) -> None:
        """Close every registry."""
        for registry in self.registries.values():
            await registry.aclose()

    async def __aenter__(self) -> AsyncRegistries:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _Countdown:
    """How many more models a listing across providers may yield (``left`` is None: no limit)."""

    def __init__(self, limit: int | None) -> None:
        self.left = limit

    def over(self, registries: Iterable[R]) -> Iterator[R]:
        """``registries`` in turn, stopping once the limit is reached."""
        for registry in registries:
            if self.left == 0:
                return
            yield registry

    def take(self) -> None:
        """Count one model yielded."""
        if self.left is not None:
            self.left -= 1


class _Spread:
    """One bulk call spread over providers: ids grouped by provider, outcomes put back in the order given."""

    def __init__(
        self,
        group: Callable[[Iterable[str]], dict[str, builtins.list[tuple[int, str]]]],
        refs: Iterable[str],
        progress: BulkProgress | None,
    ) -> None:
        refs = builtins.list(refs)
        self.total = len(refs)
        self._groups = group(refs)
        self._progress = progress
        self._done = 0
        self._placed: dict[int, BulkOutcome] = {}

    def groups(self) -> Iterator[tuple[str, builtins.list[str]]]:
        """Each provider with the ids of its refs."""
        for name, items in self._groups.items():
            yield name, [model_id for _, model_id in items]

    def report(self, outcome: BulkOutcome, _done: int, _total: int) -> None:
        """Feed ``progress`` with the count across providers rather than each provider's own."""
        self._done += 1
        if self._progress is not None:
            self._progress(outcome, self._done, self.total)

    def place(self, name: str, outcomes: builtins.list[BulkOutcome]) -> None:
        """Put one provider's outcomes back at the positions of its refs."""
        positions = (position for position, _ in self._groups[name])
        self._placed.update(zip(positions, outcomes, strict=True))

    def results(self) -> builtins.list[BulkOutcome]:
        """Every outcome, in the order the refs were given."""
        return [self._placed[position] for position in range(self.total)]
