"""What the sync and async registries share: argument checks and the flows they wrap."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from modelreg._engine import REPLAYED, Engine
from modelreg._pacing import Pacer
from modelreg._records import Deletion, Issue, Model, Page
from modelreg.errors import NotFound, OutcomeUnknown, UnsupportedOperation, ValidationFailed
from modelreg.provider import Flow, Provider
from modelreg.sandbox import Sandbox

logger = logging.getLogger("modelreg")


class RegistryCore:
    """One provider bound to its engine; builds every flow a registry runs."""

    def __init__(self, provider: Provider, engine: Engine, pacer: Pacer, sandbox: Sandbox | None) -> None:
        self.provider = provider
        self.engine = engine
        self.pacer = pacer
        self.sandbox = sandbox

    @property
    def name(self) -> str:
        """The provider's name."""
        return self.provider.name

    def page_size(self, page_size: int | None, limit: int | None = None, *, walk: bool = False) -> int:
        """A checked page size; a walk over everything defaults to the largest page the vendor allows."""
        cls = type(self.provider)
        if page_size is None:
            if not walk:
                return cls.default_page_size
            return min(cls.max_page_size, limit) if limit else cls.max_page_size
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= cls.max_page_size:
            raise ValidationFailed(
                [Issue(("query", "page_size"), f"must be an integer from 1 to {cls.max_page_size}, got {page_size!r}")],
                provider=self.name,
            )
        return page_size

    def check_limit(self, limit: int | None) -> None:
        """Reject a negative or non-integer ``limit``."""
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValidationFailed(
                [Issue(("limit",), f"must be a non-negative integer, got {limit!r}")], provider=self.name
            )

    def check_page(self, page: int) -> None:
        """Reject a page number below 1."""
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise ValidationFailed(
                [Issue(("query", "page"), f"must be an integer of at least 1, got {page!r}")], provider=self.name
            )

    def list_concurrency(self) -> int:
        """How many pages a walk may fetch at once."""
        return self.pacer.concurrency("list") or 4

    def list_page(self, page: int, page_size: int, filters: Mapping[str, Any]) -> Flow[Page[Model]]:
        """The flow of one page."""
        return self.provider.list_page(page, page_size, filters)

    def deletion(self, model_id: str, missing_ok: bool) -> Flow[Deletion]:
        """Delete, counting "not found" after a lost answer as done and, with ``missing_ok``, as gone."""
        try:
            return (yield from self.provider.delete(model_id))
        except NotFound as exc:
            if getattr(exc, REPLAYED, False):
                return Deletion(
                    self.name, model_id, True, "deleted (confirmed by a retry after the first answer was lost)"
                )
            if missing_ok:
                return Deletion(self.name, model_id, False, "no such model (already deleted?)")
            raise

    def creation(self, fields: Mapping[str, Any]) -> Flow[Model]:
        """Create once; after a lost answer, look the model up by its natural key instead of resending."""
        try:
            return (yield from self.provider.create(fields))
        except OutcomeUnknown as lost:
            try:
                found = yield from self.provider.find_created(fields)
            except UnsupportedOperation:
                raise lost from None
            if len(found) == 1:
                logger.info("%s: create's answer was lost; found the model it made: %s", self.name, found[0].ref)
                return found[0]
            lost.message += (
                f" Found {len(found)} models matching it afterwards, so modelreg cannot tell which is new."
                if found
                else " No matching model was found afterwards: it is most likely safe to create it again."
            )
            lost.args = (lost.message,)
            raise lost from None

    def provider_operation(self, name: str) -> Any:
        """The provider method behind a provider-only operation, or ``AttributeError``."""
        if name.startswith("_") or name not in type(self.provider).extra_operations:
            raise AttributeError(name)
        return getattr(self.provider, name)
