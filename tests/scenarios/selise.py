"""SELISE Blocks cassette scenarios: every operation and documented error, recorded against the sandbox.

Each scenario's project holds two models: ``mdl_000004`` (OpenAI, validated, a working key) and
``mdl_000005`` (Anthropic, not validated, a key that fails validation). The sandbox's own seed
models (``mdl_000001``-``3``) live in another project, so they stand for "someone else's model".
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from modelreg_selise import AgentModel, CatalogueEntry, CatalogueUpdate, SeliseSandbox, Validation

from modelreg import (
    APIError,
    AsyncModelRegistry,
    AuthenticationFailed,
    Conflict,
    Deletion,
    Model,
    ModelInUse,
    ModelRegistry,
    ModelStatus,
    NotFound,
    Page,
    PermissionDenied,
    ValidationFailed,
)
from modelreg.sandbox import Sandbox
from tests.sandboxes import sandbox_of
from tests.scenarios import Scenario, raises, succeeds

PROVIDER = "selise"
BLOCKS_KEY = "blk-scenario-key-0001"
PROJECT_KEY = "prj-scenario-key-0002"
CLIENT_ID = "cid-scenario-0003"
CLIENT_SECRET = "csecret-scenario-0004"
THIRD_PARTY_KEY = "sk-scenario-thirdparty-0123456789abcdef"
SETTINGS = {"blocks_key": BLOCKS_KEY, "project_key": PROJECT_KEY}
TOKEN_SETTINGS = {**SETTINGS, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
FIRST, SECOND, OTHER_PROJECTS, MISSING = "mdl_000004", "mdl_000005", "mdl_000001", "mdl_999999"
NEW_MODEL = {
    "vendor": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4o-mini",
    "display_name": "Helpdesk GPT-4o mini",
    "api_key": THIRD_PARTY_KEY,
    "base_url": "https://api.openai.com/v1",
    "MaxTokens": 4096,
    "DefaultTemp": 0.3,
}
CATALOGUE_ENTRY = {
    "model_name": "gpt-4o",
    "display_name": "GPT-4o",
    "max_tokens": 16384,
    "default_temperature": 0.7,
    "context_window": 128000,
    "input_cost_per_million": 2.5,
    "output_cost_per_million": 10.0,
}


def _selise(sandbox: Sandbox) -> SeliseSandbox:
    assert isinstance(sandbox, SeliseSandbox)
    return sandbox


def _two_models(sandbox: Sandbox) -> SeliseSandbox:
    selise = _selise(sandbox)
    first = selise.add_model(
        PROJECT_KEY,
        provider="openai",
        service_platform="official_api",
        version="gpt-4",
        model_name="gpt-4-turbo-preview",
        display_name="GPT-4 Turbo",
        api_key="sk-scenario-working-0123456789",
        MaxTokens=8192,
        DefaultTemp=0.7,
    )
    second = selise.add_model(
        PROJECT_KEY,
        provider="anthropic",
        service_platform="official_api",
        version="claude-3",
        model_name="claude-3-opus-20240229",
        display_name="Claude 3 Opus",
        api_key="not-an-anthropic-key",
    )
    assert (first, second) == (FIRST, SECOND)
    selise.validate_model(_internal_request(f"/models/{FIRST}/validate"), FIRST)
    return selise


def _internal_request(path: str) -> Any:
    import httpx

    return httpx.Request(
        "POST", f"https://api.seliseblocks.com{path}?project_key={PROJECT_KEY}", headers={"x-blocks-key": BLOCKS_KEY}
    )


def _then(step: Callable[[SeliseSandbox], Any]) -> Callable[[Sandbox], None]:
    def prepare(sandbox: Sandbox) -> None:
        step(_two_models(sandbox))

    return prepare


def _scenario(
    run: Callable[[ModelRegistry], Any],
    arun: Callable[[AsyncModelRegistry], Awaitable[Any]],
    check: Callable[[Any], None],
    prepare: Callable[[Sandbox], Any] | None = _two_models,  # None: needs no sandbox set-up (recordable live)
    settings: dict[str, Any] | None = None,
) -> Scenario:
    return Scenario(PROVIDER, run, arun, prepare=prepare, settings=settings or SETTINGS, check=check)


# These scenarios pin the exact error class: a subclass (ModelInUse for Conflict) must not pass.
raises_exactly = functools.partial(raises, exact=True)


# -- steps written once per registry kind ---------------------------------------------------------


async def _alist(reg: AsyncModelRegistry, **filters: Any) -> list[Model]:
    return [m async for m in reg.list(**filters)]


# Replays answer each recorded interaction once, in recorded order for identical requests
# (tests/test_cassettes.py), so token_refresh_on_401 replays its refused and its fresh answer.


def _lifecycle(reg: ModelRegistry) -> list[Any]:
    model = reg.create(**NEW_MODEL)
    steps: list[Any] = [model.status, reg.validate(model.id).is_valid]
    steps.append([m.name for m in reg.list(vendor="openai", status=ModelStatus.AVAILABLE)])
    steps.append(reg.delete(model.id).deleted)
    steps.append([m.name for m in reg.list(vendor="openai", page_size=50)])
    return steps


async def _alifecycle(reg: AsyncModelRegistry) -> list[Any]:
    model = await reg.create(**NEW_MODEL)
    steps: list[Any] = [model.status, (await reg.validate(model.id)).is_valid]
    steps.append([m.name for m in await _alist(reg, vendor="openai", status=ModelStatus.AVAILABLE)])
    steps.append((await reg.delete(model.id)).deleted)
    steps.append([m.name for m in await _alist(reg, vendor="openai", page_size=50)])
    return steps


def _check_lifecycle(steps: Any) -> None:
    assert steps == [
        ModelStatus.PENDING,
        True,
        ["GPT-4 Turbo", "Helpdesk GPT-4o mini"],
        True,
        ["GPT-4 Turbo"],
    ], steps


def _expiry(reg: ModelRegistry) -> list[int]:
    first = reg.list_page()
    sandbox_of(reg).advance(7200)  # past the token's lifetime on the registry's (virtual) clock
    second = reg.list_page(page_size=5)
    return [len(first.items), len(second.items)]


async def _aexpiry(reg: AsyncModelRegistry) -> list[int]:
    first = await reg.list_page()
    sandbox_of(reg).advance(7200)
    second = await reg.list_page(page_size=5)
    return [len(first.items), len(second.items)]


def _refresh(reg: ModelRegistry) -> list[int]:
    first = reg.list_page()
    sandbox_of(reg, SeliseSandbox).revoke_tokens()  # only the recording sandbox has tokens; on replay this is a no-op
    second = reg.list_page()
    return [len(first.items), len(second.items)]


async def _arefresh(reg: AsyncModelRegistry) -> list[int]:
    first = await reg.list_page()
    sandbox_of(reg, SeliseSandbox).revoke_tokens()
    second = await reg.list_page()
    return [len(first.items), len(second.items)]


def _require_token(selise: SeliseSandbox) -> None:
    selise.require_token = True


def _wrong_secret(selise: SeliseSandbox) -> None:
    selise.require_token = True
    selise.register_client(CLIENT_ID, "another-secret-0005")


def _echo(selise: SeliseSandbox) -> None:
    selise.echo_input = True


def _one_model(sandbox: Sandbox) -> None:
    _selise(sandbox).add_model(PROJECT_KEY, provider="openai", model_name="gpt-4", display_name="Only", api_key="k")


def _is_validation(valid: bool) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, Validation) and v.is_valid is valid and v.model_id in (FIRST, SECOND)


def _page_of(names: list[str]) -> Callable[[Any], bool]:
    return lambda page: isinstance(page, Page) and [m.name for m in page.items] == names and page.total == len(names)


SCENARIOS: dict[str, Scenario] = {
    "list": _scenario(
        lambda reg: reg.list_page(),
        lambda reg: reg.list_page(),
        succeeds(_page_of(["GPT-4 Turbo", "Claude 3 Opus"])),
    ),
    "list_filtered": _scenario(
        lambda reg: reg.list_page(vendor="openai", model_type="chat", status=ModelStatus.AVAILABLE, search="GPT"),
        lambda reg: reg.list_page(vendor="openai", model_type="chat", status=ModelStatus.AVAILABLE, search="GPT"),
        succeeds(_page_of(["GPT-4 Turbo"])),
    ),
    "list_paginated": _scenario(
        lambda reg: [m.id for m in reg.list(page_size=1)],
        lambda reg: _ids(_alist(reg, page_size=1)),
        succeeds(lambda ids: ids == [FIRST, SECOND]),
    ),
    "get": _scenario(
        lambda reg: reg.get(FIRST),
        lambda reg: reg.get(FIRST),
        succeeds(lambda m: m.status is ModelStatus.AVAILABLE and m.details.api_key_masked in ("sk-...6789", "***")),
    ),
    "get_404": _scenario(
        lambda reg: reg.get(OTHER_PROJECTS),
        lambda reg: reg.get(OTHER_PROJECTS),
        raises_exactly(NotFound, lambda e: e.status_code == 404),
    ),
    "create": _scenario(
        lambda reg: reg.create(**NEW_MODEL),
        lambda reg: reg.create(**NEW_MODEL),
        succeeds(lambda m: m.name == "Helpdesk GPT-4o mini" and m.status is ModelStatus.PENDING),
    ),
    "create_422": _scenario(
        lambda reg: reg.create(**{**NEW_MODEL, "service_platform": "on_premise"}),
        lambda reg: reg.create(**{**NEW_MODEL, "service_platform": "on_premise"}),
        raises_exactly(
            ValidationFailed, lambda e: e.status_code == 422 and e.issues[0].loc == ("body", "service_platform")
        ),
        prepare=_then(_echo),
    ),
    "delete": _scenario(
        lambda reg: reg.delete(SECOND),
        lambda reg: reg.delete(SECOND),
        succeeds(lambda d: d == Deletion(PROVIDER, SECOND, True, "AI model deleted successfully")),
    ),
    "delete_422_not_found": _scenario(
        lambda reg: reg.delete(MISSING),
        lambda reg: reg.delete(MISSING),
        raises_exactly(NotFound, lambda e: e.status_code == 422 and e.error_code == "value_error.notfound"),
        prepare=None,
    ),
    "delete_404": _scenario(
        lambda reg: reg.delete(OTHER_PROJECTS),
        lambda reg: reg.delete(OTHER_PROJECTS),
        raises_exactly(NotFound, lambda e: e.status_code == 404),
    ),
    "delete_missing_ok": _scenario(
        lambda reg: reg.delete(MISSING, missing_ok=True),
        lambda reg: reg.delete(MISSING, missing_ok=True),
        succeeds(lambda d: d.deleted is False),
        prepare=None,
    ),
    "delete_409_in_use": _scenario(
        lambda reg: reg.delete(FIRST),
        lambda reg: reg.delete(FIRST),
        raises_exactly(ModelInUse, lambda e: e.status_code == 409),
        prepare=_then(lambda s: s.mark_in_use(FIRST, ("support-agent",))),
    ),
    "delete_409_last_model": _scenario(
        lambda reg: reg.delete(FIRST),
        lambda reg: reg.delete(FIRST),
        raises_exactly(Conflict, lambda e: e.status_code == 409 and "last model" in e.message),
        prepare=_one_model,
    ),
    "delete_403": _scenario(
        lambda reg: reg.delete(FIRST),
        lambda reg: reg.delete(FIRST),
        raises_exactly(PermissionDenied, lambda e: e.status_code == 403),
        prepare=_then(lambda s: s.restrict(PROJECT_KEY)),
    ),
    "delete_is_success_false": _scenario(
        lambda reg: reg.delete(FIRST),
        lambda reg: reg.delete(FIRST),
        raises_exactly(APIError, lambda e: e.status_code == 200 and e.error_code == "MODEL_LOCKED"),
        prepare=_then(lambda s: s.lock(FIRST)),
    ),
    "validate": _scenario(
        lambda reg: reg.validate(FIRST),
        lambda reg: reg.validate(FIRST),
        succeeds(_is_validation(True)),
    ),
    "validate_invalid": _scenario(
        lambda reg: reg.validate(SECOND),
        lambda reg: reg.validate(SECOND),
        succeeds(_is_validation(False)),
    ),
    "agent_models": _scenario(
        lambda reg: reg.agent_models(),
        lambda reg: reg.agent_models(),
        succeeds(lambda models: all(isinstance(m, AgentModel) for m in models) and len(models) == 3),
        prepare=None,
    ),
    "catalogue": _scenario(
        lambda reg: reg.catalogue("openai"),
        lambda reg: reg.catalogue("openai"),
        succeeds(lambda entries: [e.model_name for e in entries] == ["gpt-4-turbo-preview", "gpt-3.5-turbo"]),
        prepare=None,
    ),
    "upsert_catalogue": _scenario(
        lambda reg: reg.upsert_catalogue("openai", [CATALOGUE_ENTRY]),
        lambda reg: reg.upsert_catalogue("openai", [CATALOGUE_ENTRY]),
        succeeds(lambda update: isinstance(update, CatalogueUpdate) and update.count == 1),
    ),
    "token_flow": _scenario(
        lambda reg: reg.list_page(),
        lambda reg: reg.list_page(),
        succeeds(_page_of(["GPT-4 Turbo", "Claude 3 Opus"])),
        prepare=_then(_require_token),
        settings=TOKEN_SETTINGS,
    ),
    "token_expiry": _scenario(
        _expiry,
        _aexpiry,
        succeeds(lambda counts: counts == [2, 2]),
        prepare=_then(_require_token),
        settings=TOKEN_SETTINGS,
    ),
    "token_refresh_on_401": _scenario(
        _refresh,
        _arefresh,
        succeeds(lambda counts: counts == [2, 2]),
        prepare=_then(_require_token),
        settings=TOKEN_SETTINGS,
    ),
    "token_401": _scenario(
        lambda reg: reg.list_page(),
        lambda reg: reg.list_page(),
        raises_exactly(AuthenticationFailed, lambda e: "client_id, client_secret" in e.message),
        prepare=_then(_wrong_secret),
        settings=TOKEN_SETTINGS,
    ),
    "unauthorized_401": _scenario(
        lambda reg: reg.get(FIRST),
        lambda reg: reg.get(FIRST),
        raises_exactly(AuthenticationFailed, lambda e: e.status_code == 401),
        settings={**SETTINGS, "access_token": "tok-revoked-scenario-0006"},
        prepare=None,
    ),
    "lifecycle": _scenario(_lifecycle, _alifecycle, _check_lifecycle),
}


async def _ids(models: Awaitable[list[Model]]) -> list[str]:
    return [m.id for m in await models]


__all__ = ["PROVIDER", "SCENARIOS", "CatalogueEntry"]
