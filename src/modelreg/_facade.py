"""What ``ModelRegistry`` and ``AsyncModelRegistry`` share apart from awaiting: state and checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from modelreg._bulk import BulkDelete, BulkProgress
from modelreg._core import RegistryCore
from modelreg._pagination import Walk
from modelreg._records import Model
from modelreg.sandbox import Sandbox

ClientT = TypeVar("ClientT")
SleepT = TypeVar("SleepT")


class RegistryBase(Generic[ClientT, SleepT]):
    """The parts of a registry that do not depend on sync or async: names, checks, plans."""

    def __init__(self, core: RegistryCore, client: ClientT, sleep: SleepT) -> None:
        self._core = core
        self._client = client
        self._sleep = sleep

    @property
    def provider(self) -> str:
        """The provider's name, e.g. ``"scriptix"``."""
        return self._core.name

    @property
    def sandbox(self) -> Sandbox | None:
        """The emulator behind this registry when connected with ``sandbox=``, else None."""
        return self._core.sandbox

    @property
    def operations(self) -> tuple[str, ...]:
        """The provider-only operations this registry offers as methods."""
        return type(self._core.provider).extra_operations

    def _walk_plan(self, page_size: int | None, limit: int | None, filters: Mapping[str, Any]) -> Walk:
        core = self._core
        core.check_limit(limit)
        size = core.page_size(page_size, limit, walk=True)
        core.provider.check_filters(filters)
        return Walk(core.name, size, limit, core.list_concurrency())

    def _page_size(self, page: int, page_size: int | None, filters: Mapping[str, Any]) -> int:
        core = self._core
        core.check_page(page)
        size = core.page_size(page_size)
        core.provider.check_filters(filters)
        return size

    def _bulk_plan(
        self, ids: Iterable[str | int | Model], concurrency: int | None, progress: BulkProgress | None
    ) -> BulkDelete:
        core = self._core
        default = core.pacer.concurrency("delete") or 4
        return BulkDelete(core.name, ids, concurrency=concurrency, default_concurrency=default, progress=progress)

    def __dir__(self) -> Iterable[str]:
        return sorted({*super().__dir__(), *self.operations})

    def __repr__(self) -> str:
        url = self._core.engine.redactor.text(self._core.provider.config.base_url)
        return f"<{type(self).__name__} {self.provider} {url}>"
