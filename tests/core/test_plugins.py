"""Plugin loading: entry points, lazy and idempotent, broken plugins skipped with a warning."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import modelreg
from modelreg import _plugins
from tests.conftest import install_entry_points

REGISTERS_NOTHING_USEFUL = """
import modelreg

@modelreg.hookimpl
def register_providers(register):
    register(object)
"""

RAISES_IN_HOOK = """
import modelreg

@modelreg.hookimpl
def register_providers(register):
    raise RuntimeError("database unreachable")
"""

DUPLICATE_TOY = """
import modelreg
from modelreg_toy import ToyProvider

class OtherToy(ToyProvider):
    pass

@modelreg.hookimpl
def register_providers(register):
    register(OtherToy)
"""

COUNTING = """
import modelreg
LOADS = globals().get("LOADS", 0) + 1
"""


def test_provider_registered_through_an_entry_point_is_discovered(toy: Path) -> None:
    assert "toy" in modelreg.providers()
    assert _plugins.provider_class("toy").__name__ == "ToyProvider"


def test_providers_are_sorted(toy: Path) -> None:
    assert modelreg.providers() == sorted(modelreg.providers())


def test_plugin_that_fails_to_import_is_skipped_with_a_warning(toy: Path) -> None:
    install_entry_points(toy, "broken", {"broken": "no_such_module_here"})
    with pytest.warns(RuntimeWarning, match=r"skipped plugin 'broken'.*ModuleNotFoundError"):
        names = modelreg.providers()
    assert "toy" in names


def test_plugin_whose_hook_raises_is_skipped_and_others_keep_working(toy: Path) -> None:
    install_entry_points(toy, "flaky", {"flaky": "flaky_plugin"}, {"flaky_plugin": RAISES_IN_HOOK})
    with pytest.warns(RuntimeWarning, match=r"skipped plugin 'flaky'.*database unreachable"):
        names = modelreg.providers()
    assert "toy" in names


def test_registering_something_that_is_not_a_provider_is_skipped(toy: Path) -> None:
    install_entry_points(toy, "odd", {"odd": "odd_plugin"}, {"odd_plugin": REGISTERS_NOTHING_USEFUL})
    with pytest.warns(RuntimeWarning, match=r"skipped plugin 'odd'.*not a named modelreg.provider.Provider"):
        modelreg.providers()


def test_second_provider_with_the_same_name_is_skipped(toy: Path) -> None:
    install_entry_points(toy, "zz-dup", {"zz_dup": "dup_plugin"}, {"dup_plugin": DUPLICATE_TOY})
    with pytest.warns(RuntimeWarning, match=r"already registered"):
        classes = _plugins.provider_classes()
    assert classes["toy"].__name__ == "ToyProvider"


def test_env_var_pins_which_plugins_load(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_plugins.PLUGINS_ENV, "toy")
    assert modelreg.providers() == ["toy"]
    _plugins.reset()
    monkeypatch.setenv(_plugins.PLUGINS_ENV, "")
    assert modelreg.providers() == []


def test_loading_is_lazy_and_happens_once(toy: Path) -> None:
    install_entry_points(toy, "counting", {"counting": "counting_plugin"}, {"counting_plugin": COUNTING})
    assert "counting_plugin" not in sys.modules or _plugins._manager is None
    modelreg.providers()
    modelreg.providers()
    _plugins.plugin_manager()
    assert sys.modules["counting_plugin"].LOADS == 1


def test_unknown_provider_names_the_installed_ones(toy: Path) -> None:
    with pytest.raises(modelreg.ConfigurationError, match=r"no provider named 'nope'.*installed: .*toy"):
        modelreg.connect("nope")
