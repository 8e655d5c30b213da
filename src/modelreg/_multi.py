"""One view over every configured provider: list across them, act on refs like ``scriptix:123``."""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from modelreg._async_registry import AsyncModelRegistry
from modelreg._bulk import BulkOutcome, BulkProgress
from modelreg._config import missing_settings
from modelreg._connect import connect, connect_async
from modelreg._converge import DEFAULT_MAX_WAIT, apply_async, apply_sync, plan_async, plan_sync
from modelreg._execution import ApplyOutcome, ApplyProgress
from modelreg._manifest_types import Manifest
from modelreg._plan import Plan
from modelreg._plugins import provider_class, providers
from modelreg._records import Deletion, Issue, Model, parse_ref
from modelreg.errors import ConfigurationError, ValidationFailed
from modelreg.sandbox import Sandbox

R = TypeVar("R", "ModelRegistryLike", AsyncModelRegistry)
ModelRegistryLike = Any

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

    def targets(self, filters: Mapping[str, Any], only: Iterable[str] | None) -> list[tuple[str, R]]:
        """The registries a cross-provider listing asks, given its filters."""
        chosen = [(n, r) for n, r in self.registries.items() if only is None or n in set(only)]
        special = set(filters) - COMMON_FILTERS
        if not special:
            return chosen
        knowing = [(n, r) for n, r in chosen if special <= set(type(r._core.provider).filters)]
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

    @staticmethod
    def counting(total: int, progress: BulkProgress | None) -> BulkProgress | None:
        """``progress`` fed with the count across providers rather than each provider's own."""
        if progress is None:
            return None
        done = 0

        def report(outcome: BulkOutcome, _done: int, _total: int) -> None:
            nonlocal done
            done += 1
            progress(outcome, done, total)

        return report

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {', '.join(self.registries) or 'none'}>"


class Registries(_Base[Any]):
    """Every configured provider at once (from ``connect_all()``); index by name for one registry."""

    def list(
        self, *, limit: int | None = None, providers: Iterable[str] | None = None, **filters: Any
    ) -> Iterator[Model]:
        """Models from every provider in turn; a vendor-only filter asks only the providers that know it."""
        remaining = limit
        for _, registry in self.targets(filters, providers):
            if remaining == 0:
                return
            for model in registry.list(limit=remaining, **filters):
                yield model
                if remaining is not None:
                    remaining -= 1

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
        refs = builtins.list(refs)
        report = self.counting(len(refs), progress)
        placed: dict[int, BulkOutcome] = {}
        for name, items in self.by_provider(refs).items():
            ids = [model_id for _, model_id in items]
            done = self.registries[name].delete_many(ids, dry_run=dry_run, missing_ok=missing_ok, progress=report)
            placed.update(zip((position for position, _ in items), done, strict=True))
        return [placed[position] for position in range(len(refs))]

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
        remaining = limit
        for _, registry in self.targets(filters, providers):
            if remaining == 0:
                return
            async for model in registry.list(limit=remaining, **filters):
                yield model
                if remaining is not None:
                    remaining -= 1

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
        refs = builtins.list(refs)
        report = self.counting(len(refs), progress)
        placed: dict[int, BulkOutcome] = {}
        for name, items in self.by_provider(refs).items():
            ids = [model_id for _, model_id in items]
            done = await self.registries[name].delete_many(ids, dry_run=dry_run, missing_ok=missing_ok, progress=report)
            placed.update(zip((position for position, _ in items), done, strict=True))
        return [placed[position] for position in range(len(refs))]

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


def _plan(
    names: Iterable[str] | None, sandbox: bool | Mapping[str, Sandbox], settings: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    chosen = list(names) if names is not None else providers()
    plan: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for name in chosen:
        own = dict(settings.get(name, {}))
        if isinstance(sandbox, Mapping):
            if name not in sandbox:
                skipped[name] = "no sandbox was given for it"
                continue
            own["sandbox"] = sandbox[name]
        elif sandbox:
            own["sandbox"] = True
        else:
            missing = [env for env in missing_settings(provider_class(name)) if env.lower() not in own]
            if missing and not own:
                skipped[name] = f"not configured: set {', '.join(missing)}"
                continue
        plan[name] = own
    return plan, skipped


def connect_all(
    *,
    providers: Iterable[str] | None = None,
    sandbox: bool | Mapping[str, Sandbox] = False,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    **options: Any,
) -> Registries:
    """Connect every installed provider that is configured (all of them with ``sandbox=True``).

    ``settings`` maps a provider name to its own ``connect()`` arguments; ``options``
    (``max_retries``, ``timeout``...) apply to all. Providers left out are in ``.skipped``.
    """
    plan, skipped = _plan(providers, sandbox, settings or {})
    return Registries({name: connect(name, **options, **own) for name, own in plan.items()}, skipped)


def connect_all_async(
    *,
    providers: Iterable[str] | None = None,
    sandbox: bool | Mapping[str, Sandbox] = False,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    **options: Any,
) -> AsyncRegistries:
    """The async twin of ``connect_all()``."""
    plan, skipped = _plan(providers, sandbox, settings or {})
    return AsyncRegistries({name: connect_async(name, **options, **own) for name, own in plan.items()}, skipped)
