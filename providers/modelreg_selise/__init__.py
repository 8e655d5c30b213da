"""The SELISE Blocks provider plugin: AI model configurations through modelreg.

>>> import modelreg
>>> with modelreg.connect("selise", sandbox=True) as reg:  # doctest: +SKIP
...     model = reg.create(vendor="openai", service_platform="official_api", version="gpt-4",
...                        model_name="gpt-4o", display_name="GPT-4o", api_key="sk-...")
"""

from __future__ import annotations

from collections.abc import Callable

import modelreg
from modelreg.provider import Provider
from modelreg_selise._codec import configure_converter
from modelreg_selise._provider import SeliseProvider
from modelreg_selise._records import (
    AgentModel,
    CatalogueEntry,
    CatalogueUpdate,
    NewModel,
    SeliseDetails,
    Validation,
)
from modelreg_selise._registry import AsyncSeliseRegistry, SeliseRegistry
from modelreg_selise._sandbox import SeliseSandbox


@modelreg.hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Register the SELISE Blocks provider."""
    register(SeliseProvider)


__all__ = [
    "AgentModel",
    "AsyncSeliseRegistry",
    "CatalogueEntry",
    "CatalogueUpdate",
    "NewModel",
    "SeliseDetails",
    "SeliseProvider",
    "SeliseRegistry",
    "SeliseSandbox",
    "Validation",
    "configure_converter",
    "register_providers",
]
