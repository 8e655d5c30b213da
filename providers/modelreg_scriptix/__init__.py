"""The Scriptix provider plugin for modelreg: custom speech recognition models (API v3).

``modelreg.connect("scriptix", api_key=...)`` (or ``sandbox=True``) gives a registry with the
common operations plus ``upload_training_data``, ``training_data``, ``get_training_data``,
``delete_training_data`` and ``wait_for_training``. See this package's README.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import modelreg
from modelreg.plugins import lazy_exports

if TYPE_CHECKING:
    from modelreg.provider import Provider
    from modelreg_scriptix._codec import configure_converter, make_converter
    from modelreg_scriptix._errors import TrainingFailed, TrainingTimedOut
    from modelreg_scriptix._provider import ScriptixProvider
    from modelreg_scriptix._records import (
        BASE_MODELS,
        LANGUAGES,
        ScriptixDetails,
        TrainingData,
        TrainingDataUpload,
        TrainingMetrics,
    )
    from modelreg_scriptix._registry import AsyncScriptixRegistry, ScriptixRegistry
    from modelreg_scriptix._sandbox import ScriptixSandbox

__all__ = [
    "AsyncScriptixRegistry",
    "BASE_MODELS",
    "LANGUAGES",
    "ScriptixDetails",
    "ScriptixProvider",
    "ScriptixRegistry",
    "ScriptixSandbox",
    "TrainingData",
    "TrainingDataUpload",
    "TrainingFailed",
    "TrainingMetrics",
    "TrainingTimedOut",
    "configure_converter",
    "make_converter",
    "register_providers",
]

# Each name loads its module on first use: loading the plugin (every ``modelreg`` command, its
# --help included) costs nothing until the provider is used, and the emulator loads only when
# ``ScriptixProvider.sandbox()`` (or this package's ``ScriptixSandbox``) is asked for.
_MODULES = {
    "AsyncScriptixRegistry": "_registry",
    "ScriptixRegistry": "_registry",
    "configure_converter": "_codec",
    "make_converter": "_codec",
    "TrainingFailed": "_errors",
    "TrainingTimedOut": "_errors",
    "ScriptixProvider": "_provider",
    "BASE_MODELS": "_records",
    "LANGUAGES": "_records",
    "ScriptixDetails": "_records",
    "TrainingData": "_records",
    "TrainingDataUpload": "_records",
    "TrainingMetrics": "_records",
    "ScriptixSandbox": "_sandbox",
}


__getattr__, __dir__ = lazy_exports(globals(), _MODULES)


@modelreg.hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Register the Scriptix provider."""
    from modelreg_scriptix._provider import ScriptixProvider

    register(ScriptixProvider)
