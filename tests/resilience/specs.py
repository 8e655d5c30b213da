"""What the resilience suite needs to know about each provider: credentials and valid fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from modelreg import Model


@attrs.frozen
class Spec:
    """How to drive one provider generically: connect settings, create and update fields, what to compare."""

    name: str
    credentials: Mapping[str, Any]
    create: Callable[[str], dict[str, Any]]
    """Create fields for a model with this unique name."""
    update: Callable[[int], dict[str, Any]]
    """Update fields for the n-th change of a model (idempotent at the vendor)."""
    observed: Callable[[Model], dict[str, Any]]
    """The fields of a model that create and update set, as read back."""
    reconciles: bool = True
    """Whether the provider looks a model up after an ambiguous create (``find_created``)."""
    update_idempotent: bool = True
    """Whether the provider marks its update request idempotent (so that the engine retries it)."""


def _name_and_description(model: Model) -> dict[str, Any]:
    return {"name": model.name, "description": model.description}


SPECS: dict[str, Spec] = {
    "toy": Spec(
        name="toy",
        credentials={"token": "toy-token-0123456789"},
        create=lambda name: {"name": name, "description": "first"},
        update=lambda n: {"description": f"change {n}"},
        observed=_name_and_description,
        # The toy's PATCH keeps the default: not idempotent, so never retried.
        update_idempotent=False,
    ),
    "scriptix": Spec(
        name="scriptix",
        credentials={"api_key": "scriptix-key-0123456789"},
        create=lambda name: {"name": name, "language": "en", "description": "first"},
        update=lambda n: {"description": f"change {n}"},
        observed=_name_and_description,
    ),
}
