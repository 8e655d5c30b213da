"""The plugin guide documents every hook and every Provider member, and its example is the tested one."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from modelreg import hookspecs
from modelreg.provider import Provider

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "plugins.md").read_text()

HOOKS = [name for name, value in vars(hookspecs).items() if callable(value) and hasattr(value, "modelreg_spec")]
MEMBERS = [
    name
    for name, value in vars(Provider).items()
    if not name.startswith("_")
    and (callable(value) or isinstance(value, classmethod) or name in Provider.__annotations__)
]


def test_hooks_are_found() -> None:
    assert set(HOOKS) == {"register_providers", "register_commands"}


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_guide(hook: str) -> None:
    assert re.search(rf"^### `{hook}\(", GUIDE, re.MULTILINE), f"docs/plugins.md lacks a section for {hook}"
    assert inspect.getdoc(getattr(hookspecs, hook)), f"hookspec {hook} has no docstring"


@pytest.mark.parametrize("member", MEMBERS)
def test_every_provider_member_is_documented(member: str) -> None:
    assert f"`{member}" in GUIDE, f"docs/plugins.md does not mention Provider.{member}"


def _first_block(section: str) -> str:
    """The first python block after the heading ``section``."""
    return GUIDE.split(f"\n{section}\n", 1)[1].split("```python\n", 1)[1].split("\n```\n", 1)[0] + "\n"


def test_worked_example_is_the_tested_toy_provider() -> None:
    assert _first_block("## A complete worked example") == (ROOT / "tests" / "toy" / "modelreg_toy.py").read_text()


def test_the_cursor_paged_worked_example_is_the_tested_acme_provider() -> None:
    expected = (ROOT / "tests" / "acme" / "modelreg_acme.py").read_text()
    assert _first_block("## A cursor-paged worked example") == expected


def test_the_credentials_example_declares_a_header_and_a_query_parameter() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_first_block("## Credentials"), "docs/plugins.md", "exec"), namespace)
    assert namespace["in_a_header"].header == "Acme-Key"
    assert namespace["in_the_query"].query == "subscription-key"


def test_the_typed_registries_example_binds_acmes_registries(acme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from modelreg import _binding

    monkeypatch.setattr(_binding, "_bound", {provider: list(found) for provider, found in _binding._bound.items()})
    namespace: dict[str, object] = {"__name__": "guide"}
    exec(compile(_first_block("## Typed registries"), "docs/plugins.md", "exec"), namespace)
    import modelreg

    with modelreg.connect("acme", sandbox=True) as reg:
        assert type(reg) is namespace["AcmeRegistry"]
        assert reg.deploy(reg.create(name="a", locale="en-US").id).details.deployed


def test_the_catalogue_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SCRIPTIX_API_KEY", raising=False)
    section = GUIDE.split("## The provider catalogue", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "docs/plugins.md", "exec"), {"__name__": "guide"})
    assert capsys.readouterr().out.strip() == "False not configured: set SCRIPTIX_API_KEY"
