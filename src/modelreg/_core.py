"""What the sync and async registries share: argument checks and the flows they wrap."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from modelreg._engine import REPLAYED, Engine
from modelreg._pacing import Pacer
from modelreg._records import Deletion, Issue, Model, Page
from modelreg.errors import (
    ModelRegError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    ServerError,
    UnsupportedOperation,
    ValidationFailed,
)
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
        """Create once; after an ambiguous failure, look the model up by its natural key instead of resending.

        Ambiguous means the server may have made the model although the call failed: the answer
        was lost (``OutcomeUnknown``), the server answered 5xx (``ServerError``), or it answered
        2xx with a body that could not be read (``ProtocolError``). Exactly one match is the
        model; no match re-raises the error (nothing was made, so creating again is safe), but
        a lost answer stays ``OutcomeUnknown``; several matches, or a lookup that fails too,
        raise ``OutcomeUnknown`` saying how to check.
        """
        try:
            return (yield from self.provider.create(fields))
        except (OutcomeUnknown, ServerError, ProtocolError) as failure:
            status = getattr(failure, "status_code", None)
            if isinstance(failure, ProtocolError) and status is not None and not 200 <= status < 300:
                raise  # a redirect: the server did not act (base_url is wrong)
            return (yield from self._reconcile(fields, failure))

    def _reconcile(self, fields: Mapping[str, Any], failure: ModelRegError) -> Flow[Model]:
        name = self.name
        try:
            found = yield from self.provider.find_created(fields)
        except UnsupportedOperation:
            raise self._unknown(failure, "This provider cannot look a model up by what was sent") from failure
        except ModelRegError as lookup:
            raise self._unknown(failure, f"Looking for it failed as well ({lookup})") from failure
        if len(found) == 1:
            logger.warning("%s: a create failed (%s) but the model was made: %s", name, _kind(failure), found[0].ref)
            return found[0]
        if found:
            refs = ", ".join(model.ref for model in found[:5])
            raise self._unknown(failure, f"{len(found)} models match it ({refs}), so modelreg cannot tell which is new")
        if isinstance(failure, OutcomeUnknown):
            _note(failure, "No matching model was found afterwards: it is most likely safe to create it again.")
            raise failure
        _note(failure, "No model was created (checked by looking it up): it is safe to create it again.")
        raise failure

    def _unknown(self, failure: ModelRegError, why: str) -> OutcomeUnknown:
        if isinstance(failure, OutcomeUnknown):
            _note(failure, f"{why}; list or get the model to check before creating it again.")
            return failure
        return OutcomeUnknown(
            f"{self.name}: a create failed ({_kind(failure)}: {failure.message}) and the server may have made the "
            f"model anyway. {why}; list or get the model to check before creating it again.",
            provider=self.name,
        )

    def provider_operation(self, name: str) -> Any:
        """The provider method behind a provider-only operation, or ``AttributeError``."""
        if name.startswith("_") or name not in type(self.provider).extra_operations:
            raise AttributeError(name)
        return getattr(self.provider, name)


def _kind(error: ModelRegError) -> str:
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__} {status}" if status else type(error).__name__


def _note(error: ModelRegError, note: str) -> None:
    error.message = f"{error.message} {note}"
    error.args = (error.message,)
