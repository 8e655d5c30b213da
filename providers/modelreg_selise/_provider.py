"""``SeliseProvider``: SELISE Blocks AI model configurations on modelreg's sans-I/O contract."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import httpx

from modelreg import Deletion, Model, ModelStatus, Page
from modelreg.errors import ConfigurationError, ModelRegError, ProtocolError
from modelreg.provider import Config, Flow, Limit, Provider, Setting, read_json
from modelreg_selise import _codec, _envelopes, _status, _validation
from modelreg_selise._auth import Credentials
from modelreg_selise._errors import envelope_error, error_for, scrub_text
from modelreg_selise._records import AgentModel, CatalogueEntry, CatalogueUpdate, NewModel, SeliseDetails, Validation
from modelreg_selise._wire import flag, fold, pick

if TYPE_CHECKING:
    from modelreg_selise._sandbox import SeliseSandbox

FIND_CREATED_PAGES = 10
"""How many pages of 100 ``find_created`` reads before giving up on settling a lost create."""
UNDOCUMENTED = "SELISE Blocks documents no endpoint for it (its docs suggest the SELISE console)"


class SeliseProvider(Provider):
    """SELISE Blocks AI model configurations (``/models/``), agents' models and the vendor catalogue."""

    name = "selise"
    title = "SELISE Blocks"
    default_base_url = "https://api.seliseblocks.com"
    base_url_env = "SELISE_BASE_URL"
    settings = (
        Setting(
            "blocks_key",
            env="SELISE_BLOCKS_KEY",
            secret=True,
            required=True,
            help="the project's X-Blocks-Key",
            header="x-blocks-key",
        ),
        Setting(
            "project_key",
            env="SELISE_PROJECT_KEY",
            secret=True,
            help="project key (default: the blocks key)",
            query="project_key",
        ),
        Setting("access_token", env="SELISE_ACCESS_TOKEN", secret=True, help="a bearer access token"),
        Setting("client_id", env="SELISE_CLIENT_ID", secret=True, help="OAuth client id (with client_secret)"),
        Setting("client_secret", env="SELISE_CLIENT_SECRET", secret=True, help="OAuth client secret"),
    )
    # No limits are documented; a modest concurrency cap keeps auto-pagination polite.
    limits: ClassVar[Mapping[str, Limit]] = {"*": Limit(concurrency=4)}
    details_type = SeliseDetails
    default_page_size = 20
    max_page_size = 100
    filters = _validation.FILTERS
    create_fields = _validation.CREATE_FIELDS
    update_fields = ()
    field_types: ClassVar[Mapping[str, type]] = _validation.FIELD_TYPES
    natural_key = ("display_name", "model_name", "vendor")
    secret_fields = _validation.SECRET_FIELDS
    extra_operations = ("agent_models", "catalogue", "upsert_catalogue", "activate", "deactivate")

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.credentials = Credentials(self, config)

    @classmethod
    def check_config(cls, config: Config) -> None:
        """Client credentials come in pairs."""
        has_id, has_secret = bool(config.get("client_id")), bool(config.get("client_secret"))
        if has_id != has_secret:
            given, missing = ("client_id", "client_secret") if has_id else ("client_secret", "client_id")
            raise ConfigurationError(
                f"selise got {given} without {missing}: pass both (or set SELISE_CLIENT_ID and "
                "SELISE_CLIENT_SECRET) to fetch access tokens, or neither",
                provider=cls.name,
            )

    @classmethod
    def sandbox(cls, **options: Any) -> SeliseSandbox:
        """An emulator of the SELISE Blocks API (seeded with a few models unless given a store)."""
        from modelreg_selise._sandbox import SeliseSandbox

        seed = options.pop("seed", None)
        emulator = SeliseSandbox(limits=cls.limits, **options)
        # A given store may hold state from earlier runs (the CLI's SQLite file): seed only on request.
        if seed if seed is not None else "store" not in options:
            emulator.seed()
        return emulator

    # -- authentication ----------------------------------------------------------------------

    def sign(self, request: httpx.Request) -> None:
        """Add ``x-blocks-key`` (and a configured static bearer token)."""
        self.credentials.sign(request, self.config.get("access_token"))

    def authorize(self, request: httpx.Request) -> Flow[httpx.Request]:
        """Sign ``request``, fetching an OAuth token first when client credentials need one."""
        return (yield from self.credentials.authorize(request))

    def reauthorize(self) -> bool:
        """After a 401: drop the cached token; True when client credentials can fetch another."""
        return self.credentials.drop()

    def error_for(self, response: httpx.Response) -> Exception:
        """SELISE's 4xx bodies as typed errors (422 ``detail`` arrays, not-found, in-use, last model)."""
        return error_for(response) or super().error_for(response)

    # -- models ------------------------------------------------------------------------------

    def _scoped(self, method: str, path: str, operation: str, **kwargs: Any) -> httpx.Request:
        params = {**kwargs.pop("params", {}), "project_key": self.credentials.project_key}
        return self.request(method, path, operation=operation, params=params, **kwargs)

    def check_filters(self, filters: Mapping[str, Any]) -> None:
        """Reject unknown or invalid filters before anything is sent."""
        _validation.check_filters(filters)

    def list_page(self, page: int, page_size: int, filters: Mapping[str, Any]) -> Flow[Page[Model]]:
        """``GET /models/`` (trailing slash) with the filters, paged."""
        query = _validation.check_filters(filters)
        if query.pending_only:
            return (yield from self._pending_page(page, page_size, query.params))
        models, total, has_more = yield from self._server_page(page, page_size, query.params)
        return Page(items=tuple(models), page=page, page_size=page_size, total=total, has_more=has_more)

    def _server_page(
        self, page: int, page_size: int, params: Mapping[str, str]
    ) -> Flow[tuple[list[Model], int | None, bool]]:
        response = yield self._scoped(
            "GET", "/models/", "list", params={**params, "page": page, "page_size": page_size}
        )
        items, total, more = _envelopes.listing(read_json(response, self.name), response, "list models")
        models: list[Model] = _codec.structure_all(items, Model, response, "list models")
        has_more = (
            page * page_size < total if total is not None else more if more is not None else len(items) >= page_size
        )
        return models, total, has_more

    def _pending_page(self, page: int, page_size: int, params: Mapping[str, str]) -> Flow[Page[Model]]:
        """Page ``page`` of the not-yet-validated models, which the API cannot filter on.

        The active models are scanned from the start and the pending ones counted, so that
        page N holds the N-th ``page_size`` of them whatever the server's pages hold.
        """
        skip = (page - 1) * page_size
        found: list[Model] = []
        counted, number, previous = 0, 1, None
        while True:
            models, _, more = yield from self._server_page(number, self.max_page_size, params)
            ids = [model.id for model in models]
            if ids and ids == previous:
                raise ProtocolError(
                    "SELISE Blocks returned the same models for two pages in a row while listing "
                    "pending models; the server seems to ignore the page parameter",
                    provider=self.name,
                )
            previous = ids
            pending = [model for model in models if model.status is ModelStatus.PENDING]
            found.extend(pending[max(0, skip - counted) :])
            counted += len(pending)
            if len(found) > page_size or not more or not models:
                break
            number += 1
        # Once the scan reached the end, every pending model was counted.
        total = counted if len(found) <= page_size else None
        items = tuple(found[:page_size])
        return Page(items=items, page=page, page_size=page_size, total=total, has_more=len(found) > page_size)

    def get(self, model_id: str) -> Flow[Model]:
        """``GET /models/{model_id}``."""
        _validation.check_model_id(model_id)
        response = yield self._scoped("GET", f"/models/{model_id}", "get")
        body = read_json(response, self.name)
        doc = _envelopes.document(body, response, "get the model")
        if doc is None:
            raise _codec.protocol_error(response, "get the model", "a success envelope without the model")
        model: Model = _codec.structure(doc, Model, response, "get the model")
        return model

    def create(self, fields: Mapping[str, Any]) -> Flow[Model]:
        """``POST /models/`` with every documented field (``MaxTokens``/``DefaultTemp`` in PascalCase)."""
        new = _validation.check_create(fields, self.credentials.project_key)
        body = _codec.unstructure(new)
        response = yield self.request("POST", "/models/", operation="create", json=body)
        try:
            answer = read_json(response, self.name)
            doc = _envelopes.document(answer, response, "create the model")
            if doc is not None:
                model: Model = _codec.structure(doc, Model, response, "create the model")
                return model
            item_id = pick(fold(answer), _codec.ID)
            if isinstance(item_id, int) and not isinstance(item_id, bool):
                item_id = str(item_id)
            if not isinstance(item_id, str) or not item_id:
                raise _codec.protocol_error(response, "create the model", "a success envelope without an item_id")
        except ModelRegError as exc:
            raise _hide(exc, new.api_key) from None
        try:
            return (yield from self.get(item_id))
        except ModelRegError:
            # The model exists: report it from what was sent rather than fail a create that worked.
            return _created(item_id, new, answer)

    def update(self, model_id: str, fields: Mapping[str, Any]) -> Flow[Model]:
        """Not offered: SELISE documents no update endpoint."""
        raise self.unsupported("update", UNDOCUMENTED)

    def activate(self, model_id: str) -> Flow[Model]:
        """Not offered: SELISE documents no activate endpoint."""
        raise self.unsupported("activate", UNDOCUMENTED)

    def deactivate(self, model_id: str) -> Flow[Model]:
        """Not offered: SELISE documents no deactivate endpoint (set IsActive in the console)."""
        raise self.unsupported("deactivate", UNDOCUMENTED)

    def delete(self, model_id: str) -> Flow[Deletion]:
        """``DELETE /models/{model_id}``: 200 ``{"is_success": true}`` is a deletion; false is an error."""
        _validation.check_model_id(model_id)
        response = yield self._scoped("DELETE", f"/models/{model_id}", "delete")
        if not response.content.strip():
            return Deletion(self.name, model_id, True, None)
        body = read_json(response, self.name)
        if not isinstance(body, Mapping):
            raise _codec.protocol_error(response, "delete the model", "a body that is not an object")
        doc = fold(body)
        if _envelopes.is_failure(doc):
            raise envelope_error(body, response, "delete the model")
        detail = doc.get("detail")
        return Deletion(self.name, model_id, True, detail if isinstance(detail, str) else None)

    def validate(self, model_id: str) -> Flow[Validation]:
        """``POST /models/{model_id}/validate``: SELISE tries the configuration against the vendor."""
        _validation.check_model_id(model_id)
        response = yield self._scoped("POST", f"/models/{model_id}/validate", "validate", idempotent=True)
        body = read_json(response, self.name)
        if isinstance(body, Mapping) and _envelopes.is_failure(fold(body)):
            raise envelope_error(body, response, "validate the model")
        result: Validation = _codec.structure(body, Validation, response, "validate the model")
        return result if result.model_id else _with_id(result, model_id)

    def created_key(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The natural key of a create, as SELISE will store it: display_name, model_name and vendor."""
        new = _validation.check_create(fields, self.credentials.project_key)
        return {"display_name": new.display_name, "model_name": new.model_name, "vendor": new.vendor}

    def natural_key_of(self, model: Model) -> dict[str, Any]:
        """A configuration's display_name (its ``name``), model_name and vendor."""
        details = model.details
        if not isinstance(details, SeliseDetails):
            return {}
        return {"display_name": model.name, "model_name": details.model_name, "vendor": details.vendor}

    def find_created(self, fields: Mapping[str, Any]) -> Flow[list[Model]]:
        """Models of the project with the create's display_name, model_name and vendor."""
        new = _validation.check_create(fields, self.credentials.project_key)
        filters = {"search": new.display_name, "vendor": new.vendor}
        found: list[Model] = []
        try:
            for number in range(1, FIND_CREATED_PAGES + 1):
                page = yield from self.list_page(number, self.max_page_size, filters)
                found.extend(m for m in page.items if _same(m, new))
                if not page.has_more:
                    break
        except ModelRegError as exc:
            raise _hide(exc, new.api_key) from None
        return found

    @classmethod
    def current_fields(cls, model: Model) -> dict[str, Any]:
        """The create fields a model has, under every name ``create`` accepts (``display_name`` is ``name``)."""
        found = super().current_fields(model)
        found["display_name"] = model.name
        for wire, name in _validation.ALIASES.items():
            if name in found:
                found[wire] = found[name]
        return found

    # -- provider-only operations ------------------------------------------------------------

    def agent_models(self) -> Flow[tuple[AgentModel, ...]]:
        """``GET /agents/models``: the models SELISE AI agents can use."""
        response = yield self.request("GET", "/agents/models", operation="agent_models")
        items, _, _ = _envelopes.listing(read_json(response, self.name), response, "list agent models")
        return tuple(_codec.structure_all(items, AgentModel, response, "list agent models"))

    def catalogue(self, vendor: str) -> Flow[tuple[CatalogueEntry, ...]]:
        """``GET /models/seed/providers/{vendor}``: the models SELISE knows a vendor offers."""
        vendor = _validation.check_vendor(vendor)
        response = yield self.request("GET", f"/models/seed/providers/{vendor}", operation="catalogue")
        items, _, _ = _envelopes.listing(read_json(response, self.name), response, "list the catalogue")
        return tuple(_codec.structure_all(items, CatalogueEntry, response, "list the catalogue"))

    def upsert_catalogue(self, vendor: str, entries: Any) -> Flow[CatalogueUpdate]:
        """``POST /models/seed/providers/{vendor}/models``: create or update catalogue entries."""
        vendor = _validation.check_vendor(vendor)
        checked = _validation.check_catalogue(entries)
        body = [_codec.unstructure(entry) for entry in checked]
        path = f"/models/seed/providers/{vendor}/models"
        response = yield self.request("POST", path, operation="upsert_catalogue", idempotent=True, json=body)
        answer = read_json(response, self.name) if response.content.strip() else None
        detail = None
        if isinstance(answer, Mapping):
            doc = fold(answer)
            if _envelopes.is_failure(doc):
                raise envelope_error(answer, response, "update the catalogue")
            detail = doc.get("detail") if isinstance(doc.get("detail"), str) else None
        return CatalogueUpdate(vendor=vendor, count=len(checked), detail=detail)


def _hide(exc: ModelRegError, secret: str) -> ModelRegError:
    """``exc`` with the third-party api_key masked (the engine only knows configured secrets)."""
    exc.message = scrub_text(exc.message, (secret,))
    exc.args = (exc.message,)
    if isinstance(exc, ProtocolError) and exc.excerpt:
        exc.excerpt = scrub_text(exc.excerpt, (secret,))
    return exc


def _same(model: Model, new: NewModel) -> bool:
    details = model.details
    return (
        isinstance(details, SeliseDetails)
        and model.name == new.display_name
        and details.model_name == new.model_name
        and details.vendor == new.vendor
    )


def _with_id(result: Validation, model_id: str) -> Validation:
    return attrs.evolve(result, model_id=model_id)


def _created(item_id: str, new: NewModel, answer: Any) -> Model:
    details = SeliseDetails(
        vendor=new.vendor,
        model_name=new.model_name,
        version=new.version,
        service_platform=new.service_platform,
        is_active=True,
        base_url=new.base_url,
        max_tokens=new.max_tokens,
        default_temperature=new.default_temperature,
        api_key_masked=_status.mask_key(new.api_key),
        api_version=new.api_version,
        deployment_name=new.deployment_name,
        openai_organization_id=new.openai_organization_id,
        openai_project_id=new.openai_project_id,
        custom_parameters=dict(new.custom_parameters or {}),
        custom_headers=dict(new.custom_headers or {}),
    )
    raw = answer if isinstance(answer, Mapping) and flag(fold(answer).get("issuccess")) else {}
    return Model(
        provider="selise", id=item_id, name=new.display_name, status=ModelStatus.PENDING, details=details, raw=raw
    )
