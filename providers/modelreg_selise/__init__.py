"""The SELISE Blocks provider plugin: AI model configurations through modelreg.

>>> import modelreg
>>> with modelreg.connect("selise", sandbox=True) as reg:  # doctest: +SKIP
...     model = reg.create(vendor="openai", service_platform="official_api", version="gpt-4",
...                        model_name="gpt-4o", display_name="GPT-4o", api_key="sk-...")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import modelreg
from modelreg.plugins import lazy_exports

if TYPE_CHECKING:
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

# Each name loads its module on first use: loading the plugin costs nothing until the provider is
# used, and the emulator loads only when ``SeliseProvider.sandbox()`` (or ``SeliseSandbox``) is.
_MODULES = {
    "AsyncSeliseRegistry": "_registry",
    "SeliseRegistry": "_registry",
    "configure_converter": "_codec",
    "SeliseProvider": "_provider",
    "AgentModel": "_records",
    "CatalogueEntry": "_records",
    "CatalogueUpdate": "_records",
    "NewModel": "_records",
    "SeliseDetails": "_records",
    "Validation": "_records",
    "SeliseSandbox": "_sandbox",
}


__getattr__, __dir__ = lazy_exports(globals(), _MODULES)


@modelreg.hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Register the SELISE Blocks provider."""
    from modelreg_selise._provider import SeliseProvider

    register(SeliseProvider)
