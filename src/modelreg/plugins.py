"""The plugin machinery, public for tools that host modelreg plugins (the CLI, test suites).

Providers and CLI commands come from the ``modelreg`` entry-point group; ``MODELREG_PLUGINS``
pins which entry points load. ``plugin_manager()`` gives the pluggy manager to call hooks on
(``plugin_manager().hook.register_commands(cli=group)``); ``reload_plugins()`` forgets what was
loaded so that the next use loads the entry points again, e.g. after a test installs a plugin.
"""

from __future__ import annotations

from modelreg._plugins import ENTRY_POINT_GROUP, PLUGINS_ENV, plugin_manager
from modelreg._plugins import reset as _reset


def reload_plugins() -> None:
    """Forget every loaded plugin: the next call that needs one loads the entry points again."""
    _reset()


__all__ = ["ENTRY_POINT_GROUP", "PLUGINS_ENV", "plugin_manager", "reload_plugins"]
