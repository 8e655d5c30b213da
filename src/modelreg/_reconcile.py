"""Writes that settle themselves: a create never sent twice, a delete confirmed by a retry.

Both wrap a provider's flow. A create whose answer was lost (or was a 5xx, or an unreadable 2xx)
is settled by looking the model up by its natural key (``Provider.find_created``) rather than by
sending it again; a delete whose retry finds nothing counts as done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from modelreg._engine import REPLAYED
from modelreg._records import Deletion, Model
from modelreg.errors import (
    ModelRegError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    ServerError,
    UnsupportedOperation,
)
from modelreg.provider import Flow, Provider

logger = logging.getLogger("modelreg")


def deletion(provider: Provider, model_id: str, missing_ok: bool) -> Flow[Deletion]:
    """Delete, counting "not found" after a lost answer as done and, with ``missing_ok``, as gone."""
    try:
        return (yield from provider.delete(model_id))
    except NotFound as exc:
        if getattr(exc, REPLAYED, False):
            return Deletion(
                provider.name, model_id, True, "deleted (confirmed by a retry after the first answer was lost)"
            )
        if missing_ok:
            return Deletion(provider.name, model_id, False, "no such model (already deleted?)")
        raise


def creation(
    provider: Provider, fields: Mapping[str, Any], wall: Callable[[], float], clock_skew: float
) -> Flow[Model]:
    """Create once; after an ambiguous failure, look the model up by its natural key instead of resending.

    Ambiguous means the server may have made the model although the call failed: the answer
    was lost (``OutcomeUnknown``), the server answered 5xx (``ServerError``), or it answered
    2xx with a body that could not be read (``ProtocolError``). A candidate counts only if its
    whole natural key matches (checked here, whatever the vendor's filters did) and the vendor
    says it was created no earlier than the create was sent, less ``clock_skew`` seconds: a
    model that existed before is never returned as the new one. Exactly one such model is the
    new one; none re-raises the error (nothing was made, so creating again is safe, though a
    lost answer stays ``OutcomeUnknown``); several, a candidate without a creation time, or a
    lookup that fails too raise ``OutcomeUnknown`` naming the refs to check.
    """
    sent_at = wall()
    try:
        return (yield from provider.create(fields))
    except (OutcomeUnknown, ServerError, ProtocolError) as failure:
        status = getattr(failure, "status_code", None)
        if isinstance(failure, ProtocolError) and status is not None and not 200 <= status < 300:
            raise  # a redirect: the server did not act (base_url is wrong)
        return (yield from _reconcile(provider, fields, failure, sent_at - clock_skew))


def _reconcile(provider: Provider, fields: Mapping[str, Any], failure: ModelRegError, not_before: float) -> Flow[Model]:
    name = provider.name
    try:
        found = yield from provider.find_created(fields)
        wanted = provider.created_key(fields)
    except UnsupportedOperation:
        raise _unknown(name, failure, "This provider cannot look a model up by what was sent") from failure
    except ModelRegError as lookup:
        raise _unknown(name, failure, f"Looking for it failed as well ({lookup})") from failure
    twins = [model for model in found if provider.natural_key_of(model) == wanted]
    undated = [model for model in twins if model.created_at is None]
    new = [model for model in twins if model.created_at is not None and model.created_at.timestamp() >= not_before]
    older = [model for model in twins if model.created_at is not None and model.created_at.timestamp() < not_before]
    if undated:
        refs = _refs(undated)
        raise _unknown(
            name, failure, f"{refs} match it but the vendor gives no creation time to tell whether it is new"
        )
    if len(new) == 1:
        logger.warning("%s: a create failed (%s) but the model was made: %s", name, _kind(failure), new[0].ref)
        return new[0]
    if new:
        raise _unknown(name, failure, f"{len(new)} new models match it ({_refs(new)}), so modelreg cannot tell which")
    kept = f" ({_refs(older)} matched but existed before the create, so none was returned)" if older else ""
    if isinstance(failure, OutcomeUnknown):
        _note(failure, f"No new matching model was found afterwards{kept}: it is most likely safe to create it again.")
        raise failure
    _note(failure, f"No model was created (checked by looking it up{kept}): it is safe to create it again.")
    raise failure


def _refs(models: list[Model]) -> str:
    shown = ", ".join(model.ref for model in models[:5])
    return shown + (f" and {len(models) - 5} more" if len(models) > 5 else "")


def _unknown(name: str, failure: ModelRegError, why: str) -> OutcomeUnknown:
    if isinstance(failure, OutcomeUnknown):
        _note(failure, f"{why}; list or get the model to check before creating it again.")
        return failure
    return OutcomeUnknown(
        f"{name}: a create failed ({_kind(failure)}: {failure.message}) and the server may have made the "
        f"model anyway. {why}; list or get the model to check before creating it again.",
        provider=name,
    )


def _kind(error: ModelRegError) -> str:
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__} {status}" if status else type(error).__name__


def _note(error: ModelRegError, note: str) -> None:
    error.message = f"{error.message} {note}"
    error.args = (error.message,)
