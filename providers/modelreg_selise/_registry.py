"""``SeliseRegistry``: what ``modelreg.connect("selise")`` returns, SELISE's own operations typed."""

from __future__ import annotations

from modelreg.typed import AsyncTypedRegistry, TypedRegistry, operation
from modelreg_selise._provider import SeliseProvider


class SeliseRegistry(TypedRegistry, provider=SeliseProvider):
    """A SELISE Blocks registry: the common operations plus agents' models and the catalogue, typed."""

    agent_models = operation(SeliseProvider.agent_models)
    catalogue = operation(SeliseProvider.catalogue)
    upsert_catalogue = operation(SeliseProvider.upsert_catalogue)
    activate = operation(SeliseProvider.activate)
    deactivate = operation(SeliseProvider.deactivate)


class AsyncSeliseRegistry(AsyncTypedRegistry, provider=SeliseProvider):
    """The async twin of ``SeliseRegistry``: the same operations, awaited."""

    agent_models = operation(SeliseProvider.agent_models)
    catalogue = operation(SeliseProvider.catalogue)
    upsert_catalogue = operation(SeliseProvider.upsert_catalogue)
    activate = operation(SeliseProvider.activate)
    deactivate = operation(SeliseProvider.deactivate)
