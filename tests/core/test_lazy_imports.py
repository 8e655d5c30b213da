"""A quick start: ``import modelreg`` and ``modelreg --help`` load only what they use; every name still works."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import modelreg


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


HEAVY = {"httpx", "asyncio", "sqlite3", "cattrs", "uvicorn", "vcr", "modelreg._engine", "modelreg.sandbox._base"}


def test_import_modelreg_loads_the_records_and_errors_only() -> None:
    loaded = loaded_after("import modelreg; modelreg.Model; modelreg.errors.NotFound")
    assert not HEAVY & loaded, HEAVY & loaded


def test_modelreg_help_loads_no_http_client_registry_codec_or_sandbox() -> None:
    loaded = loaded_after(
        """
        from modelreg.cli import main
        try:
            main(["--help"])
        except SystemExit:
            pass
        """
    )
    assert not HEAVY & loaded, HEAVY & loaded
    assert not {name for name in loaded if name.startswith(("modelreg_scriptix.", "modelreg_selise."))}


def test_a_provider_loads_its_emulator_only_when_asked_for_one() -> None:
    loaded = loaded_after(
        """
        import modelreg
        with modelreg.connect("scriptix", api_key="k") as reg:
            pass
        """
    )
    assert "modelreg_scriptix._provider" in loaded and "modelreg_scriptix._sandbox" not in loaded


def test_every_public_name_resolves_and_reads_as_modelreg() -> None:
    for name in modelreg.__all__:
        value = getattr(modelreg, name)
        if isinstance(value, type):
            assert value.__module__ == "modelreg", name
    assert set(modelreg.__all__) <= set(dir(modelreg))
    with pytest.raises(AttributeError):
        modelreg.no_such_name  # noqa: B018


@pytest.mark.parametrize("package", ["modelreg_scriptix", "modelreg_selise", "modelreg.sandbox"])
def test_every_name_of_a_lazy_package_resolves(package: str) -> None:
    module = __import__(package, fromlist=["__all__"])
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_list_help_shows_every_vendor_filter() -> None:
    from click.testing import CliRunner

    from modelreg.cli import make_cli

    result = CliRunner().invoke(make_cli(), ["list", "--help"])
    assert result.exit_code == 0
    for option in ("--language", "--base-model", "--vendor", "--model-type", "--is-active"):
        assert option in result.output
    assert result.output.index("--filter") < result.output.index("--base-model") < result.output.index("--limit")
