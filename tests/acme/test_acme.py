"""The cursor-paged Acme provider (docs/plugins.md's second example) through every listing path."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import modelreg
from modelreg import ModelRegistry, ModelStatus, ProtocolError, ValidationFailed
from modelreg.provider import Paging
from modelreg.sandbox import Sandbox

COUNT = 250


def _filled(count: int = COUNT) -> tuple[Sandbox, list[str]]:
    """An Acme sandbox holding ``count`` models, and their ids in creation order."""
    sandbox = modelreg.provider_info("acme").sandbox()
    with modelreg.connect("acme", sandbox=sandbox) as reg:
        ids = [reg.create(name=f"model {n:03d}", locale="en-US").id for n in range(count)]
    return sandbox, ids


@pytest.fixture
def filled(acme: Path) -> tuple[Sandbox, list[str]]:
    return _filled()


def test_acme_declares_cursor_paging_and_a_regional_base_url(acme: Path) -> None:
    info = modelreg.provider_info("acme")
    assert info.paging is Paging.CURSOR
    with modelreg.connect("acme", sandbox=True) as reg:
        assert reg.config.base_url == "https://westeurope.api.acme.example/speech/v1"
        assert "westeurope.api.acme.example/speech/v1" in repr(reg)


def test_list_walks_every_model_in_order(filled: tuple[Sandbox, list[str]]) -> None:
    sandbox, ids = filled
    with modelreg.connect("acme", sandbox=sandbox) as reg:
        assert [model.id for model in reg.list()] == ids
        assert [model.id for model in reg.list(page_size=7)] == ids
        assert [model.id for model in reg.list(limit=42)] == ids[:42]
    assert sandbox.requests["list"] == 3 + 36 + 1


async def test_the_async_list_walks_every_model_in_order(filled: tuple[Sandbox, list[str]]) -> None:
    sandbox, ids = filled
    async with modelreg.connect_async("acme", sandbox=sandbox) as reg:
        assert [model.id async for model in reg.list()] == ids


def _by_cursor(reg: ModelRegistry) -> list[str]:
    seen: list[str] = []
    page = reg.list_page(page_size=100)
    while True:
        seen += [model.id for model in page.items]
        if page.next_cursor is None:
            return seen
        assert page.has_more
        page = reg.list_page(cursor=page.next_cursor)


def test_list_page_follows_next_cursor_to_the_end(filled: tuple[Sandbox, list[str]]) -> None:
    sandbox, ids = filled
    with modelreg.connect("acme", sandbox=sandbox) as reg:
        assert _by_cursor(reg) == ids


async def test_the_async_list_page_follows_next_cursor_to_the_end(filled: tuple[Sandbox, list[str]]) -> None:
    sandbox, ids = filled
    seen: list[str] = []
    async with modelreg.connect_async("acme", sandbox=sandbox) as reg:
        page = await reg.list_page(page_size=30)
        while True:
            seen += [model.id for model in page.items]
            if page.next_cursor is None:
                break
            page = await reg.list_page(cursor=page.next_cursor)
    assert seen == ids


def test_connect_all_lists_acme_with_the_others_in_order(acme: Path, toy: Path) -> None:
    sandbox, ids = _filled()
    with modelreg.connect_all(providers=["acme", "toy"], sandbox={"acme": sandbox, "toy": _toy_sandbox()}) as regs:
        assert [model.ref for model in regs.list()] == [f"acme:{i}" for i in ids] + ["toy:1"]
        assert [model.id for model in regs.list(providers=["acme"], limit=120)] == ids[:120]


async def test_connect_all_async_lists_acme_in_order(filled: tuple[Sandbox, list[str]]) -> None:
    sandbox, ids = filled
    async with modelreg.connect_all_async(providers=["acme"], sandbox={"acme": sandbox}) as regs:
        assert [model.id async for model in regs.list()] == ids


def _toy_sandbox() -> Sandbox:
    sandbox = modelreg.provider_info("toy").sandbox()
    with modelreg.connect("toy", sandbox=sandbox) as reg:
        reg.create(name="toy model")
    return sandbox


def test_filters_travel_in_the_next_links(filled: tuple[Sandbox, list[str]]) -> None:
    sandbox, ids = filled
    with modelreg.connect("acme", sandbox=sandbox) as reg:
        chosen = [model.id for model in reg.list(page_size=5, search="model 1")]
        assert chosen == ids[100:200]
        page = reg.list_page(page_size=5, search="model 1")
        following = reg.list_page(cursor=page.next_cursor)
        assert [model.name for model in following.items] == [f"model {n}" for n in range(105, 110)]


def test_a_status_acme_models_never_have_is_refused_alone_and_contributes_nothing_across(acme: Path) -> None:
    with modelreg.connect("acme", sandbox=True) as reg, pytest.raises(ValidationFailed) as refused:
        reg.list_page(status=ModelStatus.READY)
    assert refused.value.status_code is None
    with modelreg.connect_all(sandbox=True) as regs:
        assert "acme" in regs.providers
        assert [model for model in regs.list(status=ModelStatus.READY) if model.provider == "acme"] == []


def test_a_cursor_vendor_cannot_jump_to_a_page_number_nor_take_a_foreign_cursor(acme: Path) -> None:
    with modelreg.connect("acme", sandbox=True) as reg:
        with pytest.raises(ValidationFailed, match=r"cursor=page\.next_cursor"):
            reg.list_page(page=3)
        with pytest.raises(ProtocolError, match="outside the base URL"):
            reg.list_page(cursor="https://elsewhere.example/models?top=5")
        assert reg.sandbox is not None and sum(reg.sandbox.requests.values()) == 0


def test_typed_operations_run_and_the_registry_is_acmes_own(acme: Path) -> None:
    from modelreg_acme import AcmeDetails, AcmeRegistry, AsyncAcmeRegistry

    with modelreg.connect("acme", sandbox=True) as reg:
        assert isinstance(reg, AcmeRegistry)
        model = reg.create(name="Cardiology", locale="en-US")
        deployed = reg.deploy(model.id)
        assert deployed.status is ModelStatus.AVAILABLE
        assert deployed.details == AcmeDetails(locale="en-US", deployed=True)
    assert isinstance(modelreg.connect_async("acme", sandbox=True), AsyncAcmeRegistry)


def _looping(request: httpx.Request) -> httpx.Response:
    """A server whose next link always points at the page it just served."""
    item = {"id": f"m-{request.url.params.get('n', '0')}", "displayName": "x", "locale": "en-US"}
    following = request.url.copy_merge_params({"n": str(int(request.url.params.get("n", "0")) + 1)})
    if int(request.url.params.get("n", "0")) >= 2:
        following = request.url.copy_with(params={"top": 100, "n": "1"})
    return httpx.Response(200, json={"values": [item], "@nextLink": str(following)})


def _standing(request: httpx.Request) -> httpx.Response:
    """A server whose next link is the link it was asked."""
    item = {"id": "m", "displayName": "x", "locale": "en"}
    return httpx.Response(200, json={"values": [item], "@nextLink": str(request.url)})


@pytest.mark.parametrize(("server", "words"), [(_looping, "repeats"), (_standing, "does not advance")])
def test_a_cursor_that_repeats_or_stands_still_ends_the_walk_with_a_protocol_error(
    acme: Path, server: object, words: str
) -> None:
    transport = httpx.MockTransport(server)  # type: ignore[arg-type]
    with modelreg.connect("acme", transport=transport) as reg, pytest.raises(ProtocolError, match=words):
        list(reg.list())


async def test_the_async_walk_stops_a_repeating_cursor_too(acme: Path) -> None:
    async with modelreg.connect_async("acme", transport=httpx.MockTransport(_looping)) as reg:
        with pytest.raises(ProtocolError, match="repeats"):
            [model async for model in reg.list()]


def test_list_page_stops_a_cursor_answered_with_itself(acme: Path) -> None:
    with modelreg.connect("acme", transport=httpx.MockTransport(_standing)) as reg:
        first = reg.list_page()
        assert first.next_cursor is not None
        with pytest.raises(ProtocolError, match="does not advance"):
            reg.list_page(cursor=first.next_cursor)


def test_a_next_link_to_another_host_is_not_followed(acme: Path) -> None:
    sent: list[str] = []

    def elsewhere(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        item = {"id": "m", "displayName": "x", "locale": "en-US"}
        return httpx.Response(200, json={"values": [item], "@nextLink": "https://evil.example/speech/v1/models?x=1"})

    transport = httpx.MockTransport(elsewhere)
    with modelreg.connect("acme", transport=transport) as reg, pytest.raises(ProtocolError, match="outside the base"):
        list(reg.list())
    assert len(sent) == 1 and "evil" not in sent[0]


def test_sandbox_serve_prints_a_base_url_with_the_vendors_path_and_serves_next_links_under_it(
    acme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import uvicorn
    from click.testing import CliRunner

    from modelreg.cli import make_cli

    base = "http://127.0.0.1:9911/acme/speech/v1"

    async def walk(app: object) -> list[str]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with modelreg.connect_async("acme", base_url=base, transport=transport) as reg:
            made = [(await reg.create(name=f"served {n}", locale="en-US")).id for n in range(12)]
            assert [model.id async for model in reg.list(page_size=5)] == made
            page = await reg.list_page(page_size=5)
            assert page.next_cursor is not None and page.next_cursor.startswith(base + "/models?")
            return made

    walked: list[list[str]] = []
    # Instead of serving until interrupted, the "server" walks the app once while the command runs.
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self, sockets=None: walked.append(asyncio.run(walk(self.config.app)))
    )
    monkeypatch.setenv("MODELREG_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MODELREG_PLUGINS", "acme")
    result = CliRunner().invoke(make_cli(), ["sandbox", "serve", "--port", "9911"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert f"acme: {base}   (export ACME_BASE_URL={base})" in result.stdout
    assert len(walked) == 1 and len(walked[0]) == 12
