"""What ``ModelRegistry`` and ``AsyncModelRegistry`` share: everything but sending and sleeping.

A registry binds one provider to its engine, pacer and HTTP client. This base holds that state,
checks every argument before anything is sent and builds each operation's flow; the sync and the
async registry only run those flows (``run``) and close their client, the way httpx's
``BaseClient`` serves ``Client`` and ``AsyncClient``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from modelreg._binding import bind
from modelreg._bulk import BulkDelete, BulkProgress
from modelreg._engine import Engine
from modelreg._pacing import Pacer
from modelreg._pagination import Held, Walk, hold_answer
from modelreg._paging import checked_start, finished_page, flow_arguments, paging_of
from modelreg._reconcile import creation, deletion
from modelreg._records import Deletion, Issue, Model, Page
from modelreg.errors import ValidationFailed
from modelreg.provider import Config, Flow, Provider
from modelreg.sandbox import Sandbox

ClientT = TypeVar("ClientT")
SleepT = TypeVar("SleepT")


class BaseRegistry(Generic[ClientT, SleepT]):
    """One provider bound to its engine, pacer and client; builds and checks every flow a registry runs."""

    def __init_subclass__(cls, *, provider: type[Provider] | None = None, **kwargs: Any) -> None:
        """``class AcmeRegistry(TypedRegistry, provider=AcmeProvider)``: ``connect("acme")`` builds this class."""
        super().__init_subclass__(**kwargs)
        if provider is not None:
            bind(cls, provider)

    def __init__(
        self, provider: Provider, engine: Engine, pacer: Pacer, sandbox: Sandbox | None, client: ClientT, sleep: SleepT
    ) -> None:
        self._provider = provider
        self._engine = engine
        self._pacer = pacer
        self._sandbox = sandbox
        self._client = client
        self._sleep = sleep

    @property
    def provider(self) -> str:
        """The provider's name, e.g. ``"scriptix"``."""
        return self._provider.name

    @property
    def sandbox(self) -> Sandbox | None:
        """The emulator behind this registry when connected with ``sandbox=``, else None."""
        return self._sandbox

    @property
    def config(self) -> Config:
        """The provider's resolved settings (its ``repr`` masks every secret)."""
        return self._provider.config

    @property
    def operations(self) -> tuple[str, ...]:
        """The provider-only operations this registry offers as methods."""
        return type(self._provider).extra_operations

    # -- flows -----------------------------------------------------------------------------

    def _list_page_flow(
        self, page: int, page_size: int | None, filters: Mapping[str, Any], cursor: str | None = None
    ) -> Flow[Page[Model]]:
        self._check_page(page)
        size = self._page_size(page_size)
        self._provider.check_filters(filters)
        paging = paging_of(type(self._provider))
        page = checked_start(paging, page, cursor, self.provider)
        flow = self._provider.list_page(page, size, filters, **flow_arguments(paging, cursor))
        return finished_page(flow, paging, cursor, self.provider)

    def _fetch_ahead(
        self, walk: Walk, filters: Mapping[str, Any], number: int
    ) -> Flow[Page[Model] | Held[Page[Model]]]:
        """The flow of one page of a walk, stopped at its answer (parsed later by ``resume``)."""
        arguments = flow_arguments(walk.paging, walk.cursor)
        return hold_answer(self._provider.list_page(number, walk.page_size, filters, **arguments))

    def _get_flow(self, model_id: str | int) -> Flow[Model]:
        return self._provider.get(str(model_id))

    def _create_flow(self, fields: Mapping[str, Any]) -> Flow[Model]:
        return creation(self._provider, fields, self._engine.wall, self._engine.clock_skew)

    def _update_flow(self, model_id: str | int, fields: Mapping[str, Any]) -> Flow[Model]:
        return self._provider.update(str(model_id), fields)

    def _delete_flow(self, model_id: str | int, missing_ok: bool) -> Flow[Deletion]:
        return deletion(self._provider, str(model_id), missing_ok)

    def _train_flow(self, model_id: str | int, options: Mapping[str, Any]) -> Flow[Model]:
        return self._provider.train(str(model_id), options)

    def _validate_flow(self, model_id: str | int) -> Flow[Any]:
        return self._provider.validate(str(model_id))

    def _operation(self, name: str) -> Any:
        """The provider method behind a provider-only operation, or ``AttributeError``."""
        if name.startswith("_") or name not in type(self._provider).extra_operations:
            raise AttributeError(name)
        return getattr(self._provider, name)

    # -- plans and checks ------------------------------------------------------------------

    def _walk(self, page_size: int | None, limit: int | None, filters: Mapping[str, Any]) -> Walk:
        """A checked listing walk; a walk over everything defaults to the largest page the vendor allows."""
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValidationFailed(
                [Issue(("limit",), f"must be a non-negative integer, got {limit!r}")], provider=self.provider
            )
        size = self._page_size(page_size, limit, walk=True)
        self._provider.check_filters(filters)
        paging = paging_of(type(self._provider))
        return Walk(self.provider, size, limit, self._pacer.concurrency("list") or 4, paging)

    def _bulk(
        self, ids: Iterable[str | int | Model], concurrency: int | None, progress: BulkProgress | None
    ) -> BulkDelete:
        default = self._pacer.concurrency("delete") or 4
        return BulkDelete(self.provider, ids, concurrency=concurrency, default_concurrency=default, progress=progress)

    def _page_size(self, page_size: int | None, limit: int | None = None, *, walk: bool = False) -> int:
        cls = type(self._provider)
        if page_size is None:
            if not walk:
                return cls.default_page_size
            return min(cls.max_page_size, limit) if limit else cls.max_page_size
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= cls.max_page_size:
            raise ValidationFailed(
                [Issue(("query", "page_size"), f"must be an integer from 1 to {cls.max_page_size}, got {page_size!r}")],
                provider=self.provider,
            )
        return page_size

    def _check_page(self, page: int) -> None:
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise ValidationFailed(
                [Issue(("query", "page"), f"must be an integer of at least 1, got {page!r}")], provider=self.provider
            )

    def __dir__(self) -> Iterable[str]:
        return sorted({*super().__dir__(), *self.operations})

    def __repr__(self) -> str:
        url = self._engine.redactor.text(self._provider.config.base_url)
        return f"<{type(self).__name__} {self.provider} {url}>"
