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
    update: Callable[[int], dict[str, Any]] | None
    """Update fields for the n-th change of a model; None when the provider offers no update."""
    observed: Callable[[Model], dict[str, Any]]
    """The fields of a model that create and update set, as read back."""
    reconciles: bool = True
    """Whether the provider looks a model up after an ambiguous create (``find_created``)."""
    update_idempotent: bool = True
    """Whether the provider marks its update request idempotent (so that the engine retries it)."""
    sandbox_options: Mapping[str, Any] = attrs.field(factory=dict)
    """Options for a fresh, empty sandbox."""
    keeper: bool = False
    """Whether the vendor refuses to delete a project's last model: the suite then keeps one aside."""


KEEPER = "keeper-model"
"""The name of the model kept aside where a project may not lose its last model (as the testing kit's)."""


def _name_and_description(model: Model) -> dict[str, Any]:
    return {"name": model.name, "description": model.description}


def _name(model: Model) -> dict[str, Any]:
    return {"name": model.name}


def _selise_model(name: str) -> dict[str, Any]:
    return {
        "vendor": "openai",
        "service_platform": "official_api",
        "version": "gpt-4",
        "model_name": "gpt-4o-mini",
        "display_name": name,
        "api_key": "sk-resilience-000000000000",
    }


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
    "selise": Spec(
        name="selise",
        credentials={"blocks_key": "blocks-key-0123456789", "project_key": "project-resilience"},
        create=_selise_model,
        update=None,
        observed=_name,
        sandbox_options={"seed": False},
        keeper=True,
    ),
}
