"""connect_all(): one view over every configured provider, refs like ``toy:1``."""

from __future__ import annotations

from pathlib import Path

import pytest

import modelreg
from modelreg import BulkStatus
from tests.conftest import install_entry_points

SECOND = """
from typing import Any
import modelreg
from modelreg import BulkStatus
from modelreg_toy import ToyProvider, ToySandbox

class Toy2Sandbox(ToySandbox):
    provider = "toy2"

class Toy2Provider(ToyProvider):
    name = "toy2"
    title = "Toy Two"
    filters = ("status", "search", "colour")
    settings = ()

    def list_page(self, page, page_size, filters):
        rest = {k: v for k, v in filters.items() if k != "colour"}
        return super().list_page(page, page_size, rest)

    def check_filters(self, filters):
        super().check_filters(filters)

    @classmethod
    def sandbox(cls, **options: Any):
        return Toy2Sandbox(limits=cls.limits, **options)

@modelreg.hookimpl
def register_providers(register):
    register(Toy2Provider)
"""


@pytest.fixture
def two(toy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_entry_points(toy, "modelreg-toy2", {"toy2": "modelreg_toy2"}, {"modelreg_toy2": SECOND})
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,toy2")
    return toy


def test_connect_all_lists_across_providers_in_turn(two: Path) -> None:
    with modelreg.connect_all(sandbox=True) as regs:
        assert regs.providers == ["toy", "toy2"]
        regs["toy"].create(name="a")
        regs["toy2"].create(name="b")
        regs["toy2"].create(name="c")
        assert [m.ref for m in regs.list()] == ["toy:1", "toy2:1", "toy2:2"]
        assert [m.ref for m in regs.list(limit=2)] == ["toy:1", "toy2:1"]
        assert [m.ref for m in regs.list(providers=["toy2"])] == ["toy2:1", "toy2:2"]


def test_refs_resolve_to_the_right_provider(two: Path) -> None:
    with modelreg.connect_all(sandbox=True) as regs:
        regs["toy2"].create(name="b")
        assert regs.get("toy2:1").name == "b"
        assert regs.update("toy2:1", name="bb").name == "bb"
        assert regs.delete("toy2:1").deleted
        assert not regs.delete("toy2:1", missing_ok=True).deleted
        with pytest.raises(modelreg.ValidationFailed, match="PROVIDER:ID"):
            regs.get("toy2")
        with pytest.raises(modelreg.ConfigurationError, match="not connected"):
            regs.get("nope:1")


def test_a_vendor_only_filter_asks_only_the_providers_that_know_it(two: Path) -> None:
    with modelreg.connect_all(sandbox=True) as regs:
        regs["toy"].create(name="a")
        regs["toy2"].create(name="b")
        assert [m.ref for m in regs.list(colour="red")] == ["toy2:1"]
        with pytest.raises(modelreg.ValidationFailed, match="no connected provider accepts the filter 'flavour'"):
            list(regs.list(flavour="x"))


def test_unconfigured_providers_are_skipped_with_the_reason(two: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    with modelreg.connect_all() as regs:
        assert regs.providers == ["toy2"]
        assert regs.skipped == {"toy": "not configured: set TOY_TOKEN"}
        with pytest.raises(modelreg.ConfigurationError, match="TOY_TOKEN"):
            regs["toy"]


async def test_async_view_lists_and_resolves_refs(two: Path) -> None:
    async with modelreg.connect_all_async(sandbox=True) as regs:
        await regs["toy"].create(name="a")
        await regs["toy2"].create(name="b")
        assert [m.ref async for m in regs.list()] == ["toy:1", "toy2:1"]
        assert (await regs.get("toy:1")).name == "a"
        assert (await regs.delete("toy:1")).deleted


def test_delete_many_across_providers_keeps_the_order_of_the_refs(two: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    with modelreg.connect_all(sandbox=True) as regs:
        regs["toy"].create(name="a")
        regs["toy2"].create(name="b")
        regs["toy2"].create(name="c")
        outcomes = regs.delete_many(
            ["toy2:2", "toy:1", "toy2:9", "toy2:1"], missing_ok=True, progress=lambda o, d, t: seen.append((o.id, d, t))
        )
        assert [(o.provider, o.id, o.status) for o in outcomes] == [
            ("toy2", "2", BulkStatus.DELETED),
            ("toy", "1", BulkStatus.DELETED),
            ("toy2", "9", BulkStatus.ALREADY_GONE),
            ("toy2", "1", BulkStatus.DELETED),
        ]
        assert list(regs.list()) == []
    assert sorted(d for _, d, _ in seen) == [1, 2, 3, 4] and {t for _, _, t in seen} == {4}


def test_delete_many_across_providers_checks_every_ref_before_sending(two: Path) -> None:
    with modelreg.connect_all(sandbox=True) as regs:
        regs["toy"].create(name="a")
        with pytest.raises(modelreg.ValidationFailed, match="PROVIDER:ID"):
            regs.delete_many(["toy:1", "toy"])
        assert [m.ref for m in regs.list()] == ["toy:1"]
        assert [o.status for o in regs.delete_many(["toy:1"], dry_run=True)] == [BulkStatus.WOULD_DELETE]


async def test_async_delete_many_across_providers(two: Path) -> None:
    async with modelreg.connect_all_async(sandbox=True) as regs:
        await regs["toy"].create(name="a")
        await regs["toy2"].create(name="b")
        outcomes = await regs.delete_many(["toy2:1", "toy:1"])
        assert [(o.provider, o.id, o.ok) for o in outcomes] == [("toy2", "1", True), ("toy", "1", True)]
