"""A cursor-paged provider plugin: the second worked example of docs/plugins.md, used by the core tests.

Its vendor "Acme Speech" is shaped like Azure AI Speech's custom models: GUID ids, a regional
base URL with a path, a key in its own header, ``PATCH`` updates, errors
``{"error": {"code", "message"}}`` and pages ``{"values": [...], "@nextLink": URL}`` that name
the next page, which ``list_page`` receives back as its ``cursor``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import attrs
import httpx

import modelreg
from modelreg import Deletion, Issue, Model, ModelStatus, Page, ValidationFailed
from modelreg.errors import ProtocolError
from modelreg.provider import Flow, Limit, Paging, Provider, Setting, check_known, parse_timestamp, read_json
from modelreg.sandbox import Sandbox, route
from modelreg.typed import AsyncTypedRegistry, TypedRegistry, operation

STATUSES = {
    "NotStarted": ModelStatus.PENDING,
    "Running": ModelStatus.TRAINING,
    "Succeeded": ModelStatus.AVAILABLE,
    "Failed": ModelStatus.FAILED,
}
WIRE_STATUSES = {status: word for word, status in STATUSES.items()}
FIELDS = {"name": "displayName", "description": "description", "locale": "locale"}
"""modelreg's field names and Acme's."""


@attrs.frozen
class AcmeDetails:
    """What Acme says of a model beyond the common fields (``modelreg get`` shows each one)."""

    locale: str
    deployed: bool = False


class AcmeProvider(Provider):
    """Acme Speech custom models: GUID ids, a regional base URL, a key header and next links."""

    name = "acme"
    title = "Acme Speech"
    default_base_url = "https://{region}.api.acme.example/speech/v1"
    base_url_env = "ACME_BASE_URL"
    settings = (
        Setting("key", env="ACME_KEY", secret=True, required=True, header="Acme-Key", help="resource key"),
        Setting("region", env="ACME_REGION", required=True, help="the resource's region, e.g. westeurope"),
    )
    limits: ClassVar[Mapping[str, Limit]] = {"*": Limit(calls=300, period=60, concurrency=4)}
    paging = Paging.CURSOR
    max_page_size = 100
    filters = ("status", "locale", "search")
    create_fields = ("name", "description", "locale")
    update_fields = ("name", "description")
    extra_operations = ("deploy",)
    natural_key = ("name", "locale")

    def model(self, data: Any) -> Model:
        """Normalize one vendor model."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("locale"), str):
            raise ProtocolError("acme model without an id and a locale", provider=self.name)
        try:
            created = parse_timestamp(data.get("createdDateTime"))
        except ValueError:
            raise ProtocolError("acme model whose createdDateTime is not a timestamp", provider=self.name) from None
        return Model(
            provider=self.name,
            id=data["id"],
            name=str(data.get("displayName") or ""),
            description=data.get("description"),
            status=STATUSES.get(data.get("status", ""), ModelStatus.UNKNOWN),
            created_at=created,
            details=AcmeDetails(locale=data["locale"], deployed=data.get("deployed") is True),
            raw=data,
        )

    def check_filters(self, filters: Mapping[str, Any]) -> None:
        """Unknown filters, and statuses an Acme model never has, are refused before sending."""
        issues = check_known("query", filters, self.filters)
        if "status" in filters and _wire_status(filters["status"]) is None:
            known = ", ".join(status.value for status in WIRE_STATUSES)
            issues.append(Issue(("query", "status"), f"an Acme model is {known}; never {filters['status']}"))
        if issues:
            raise ValidationFailed(issues, provider=self.name)

    def list_page(
        self, page: int, page_size: int, filters: Mapping[str, Any], *, cursor: str | None = None
    ) -> Flow[Page[Model]]:
        """The first page, or the page a next link names (the link carries the size and filters)."""
        self.check_filters(filters)
        params = {"top": page_size, "locale": filters.get("locale"), "search": filters.get("search")}
        params["status"] = _wire_status(filters["status"]) if "status" in filters else None
        response = yield self.request("GET", cursor or "/models", operation="list", params=None if cursor else params)
        body = read_json(response, self.name)
        if not isinstance(body, dict) or not isinstance(body.get("values"), list):
            raise ProtocolError("acme list without values", provider=self.name)
        link = body.get("@nextLink")
        if link is not None and not isinstance(link, str):
            raise ProtocolError("acme list with a @nextLink that is not a URL", provider=self.name)
        items = tuple(self.model(item) for item in body["values"])
        return Page(items=items, page=page, page_size=page_size, has_more=link is not None, next_cursor=link)

    def get(self, model_id: str) -> Flow[Model]:
        """One model."""
        response = yield self.request("GET", f"/models/{model_id}", operation="get")
        return self.model(read_json(response, self.name))

    def create(self, fields: Mapping[str, Any]) -> Flow[Model]:
        """Create a model; ``name`` and ``locale`` are required."""
        issues = check_known("body", fields, self.create_fields)
        issues += [Issue(("body", key), f"{key} is required") for key in ("name", "locale") if not fields.get(key)]
        if issues:
            raise ValidationFailed(issues, provider=self.name)
        body = {FIELDS[key]: value for key, value in fields.items()}
        response = yield self.request("POST", "/models", operation="create", json=body)
        return self.model(read_json(response, self.name))

    def update(self, model_id: str, fields: Mapping[str, Any]) -> Flow[Model]:
        """Rename or redescribe a model (``PATCH``, safe to repeat)."""
        issues = check_known("body", fields, self.update_fields)
        if issues:
            raise ValidationFailed(issues, provider=self.name)
        body = {FIELDS[key]: value for key, value in fields.items()}
        response = yield self.request("PATCH", f"/models/{model_id}", operation="update", idempotent=True, json=body)
        return self.model(read_json(response, self.name))

    def delete(self, model_id: str) -> Flow[Deletion]:
        """Delete a model (204)."""
        yield self.request("DELETE", f"/models/{model_id}", operation="delete")
        return Deletion(self.name, model_id, True)

    def deploy(self, model_id: str) -> Flow[Model]:
        """A provider-only operation: put a model behind an endpoint."""
        response = yield self.request("POST", f"/models/{model_id}/deploy", operation="deploy", idempotent=True)
        return self.model(read_json(response, self.name))

    def find_created(self, fields: Mapping[str, Any]) -> Flow[list[Model]]:
        """Models with the name a lost create asked for (the core checks the locale and the time)."""
        found: list[Model] = []
        cursor = None
        for _ in range(10):
            page = yield from self.list_page(1, self.max_page_size, {"search": fields.get("name")}, cursor=cursor)
            found += [model for model in page.items if model.name == fields.get("name")]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        return found

    @classmethod
    def sandbox(cls, **options: Any) -> Sandbox:
        """An in-memory Acme Speech resource."""
        return AcmeSandbox(limits=cls.limits, **options)


class AcmeRegistry(TypedRegistry, provider=AcmeProvider):
    """What ``connect("acme")`` returns: the common operations, and ``deploy`` typed."""

    deploy = operation(AcmeProvider.deploy)


class AsyncAcmeRegistry(AsyncTypedRegistry, provider=AcmeProvider):
    """What ``connect_async("acme")`` returns."""

    deploy = operation(AcmeProvider.deploy)


def _wire_status(value: Any) -> str | None:
    try:
        return WIRE_STATUSES.get(ModelStatus(value))
    except ValueError:
        return None


BASE = "/speech/v1"
"""The path of Acme's base URL: sandbox routes are paths from the host, as the vendor's server sees them."""


class AcmeSandbox(Sandbox):
    """Emulates one Acme Speech resource, next links included."""

    provider = "acme"

    def authenticate(self, request: httpx.Request) -> httpx.Response | None:
        """A missing key is a 401."""
        if not request.headers.get("acme-key"):
            return self.error_response(401, "Access denied: give the resource key in the Acme-Key header")
        return None

    def error_response(self, status: int, message: str, *, code: str | None = None) -> httpx.Response:
        """Acme errors are ``{"error": {"code": ..., "message": ...}}``."""
        return self.json_response(status, {"error": {"code": code or f"Http{status}", "message": message}})

    def _missing(self) -> httpx.Response:
        return self.error_response(404, "no such model", code="NotFound")

    @route("GET", BASE + "/models", operation="list")
    def list_models(self, request: httpx.Request) -> httpx.Response:
        """A page after the one ``skiptoken`` marks, and the link to the next one."""
        query = request.url.params
        top, after = int(query.get("top", 20)), _position(query.get("skiptoken", ""))
        if after is None:
            return self.error_response(400, "skiptoken is not one this resource gave", code="InvalidSkipToken")
        docs = [
            doc
            for doc in self.store.scan("models")
            if doc["seq"] > after
            and query.get("locale") in (None, doc["locale"])
            and query.get("status") in (None, doc["status"])
            and query.get("search", "") in doc["displayName"]
        ]
        page, rest = docs[:top], docs[top:]
        token = base64.urlsafe_b64encode(str(page[-1]["seq"]).encode()).decode() if rest else None
        link = self.link(request, params={**query, "skiptoken": token}) if token else None
        return self.json_response(200, {"values": [_shown(doc) for doc in page], "@nextLink": link})

    @route("POST", BASE + "/models", operation="create")
    def create_model(self, request: httpx.Request) -> httpx.Response:
        """A new model, not started yet."""
        body = self.read_body(request) or {}
        if not body.get("displayName") or not body.get("locale"):
            return self.error_response(400, "displayName and locale are required", code="InvalidPayload")
        seq = self.store.next_id("models")
        doc = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"acme-model-{seq}")),
            "seq": seq,
            "displayName": body["displayName"],
            "description": body.get("description"),
            "locale": body["locale"],
            "status": "NotStarted",
            "deployed": False,
            "createdDateTime": datetime.fromtimestamp(self.clock.now(), timezone.utc).isoformat(),
        }
        self.store.put("models", doc["id"], doc)
        return self.json_response(201, _shown(doc))

    @route("GET", BASE + "/models/{model_id}", operation="get")
    def get_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """One model or 404."""
        doc = self.store.get("models", model_id)
        return self._missing() if doc is None else self.json_response(200, _shown(doc))

    @route("PATCH", BASE + "/models/{model_id}", operation="update")
    def update_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Changed fields."""
        doc = self.store.get("models", model_id)
        if doc is None:
            return self._missing()
        body = self.read_body(request) or {}
        doc.update({key: body[key] for key in ("displayName", "description") if key in body})
        self.store.put("models", model_id, doc)
        return self.json_response(200, _shown(doc))

    @route("DELETE", BASE + "/models/{model_id}", operation="delete")
    def delete_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """204, or 404 when already gone."""
        return httpx.Response(204) if self.store.delete("models", model_id) else self._missing()

    @route("POST", BASE + "/models/{model_id}/deploy", operation="deploy")
    def deploy_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """A deployed model has succeeded."""
        doc = self.store.get("models", model_id)
        if doc is None:
            return self._missing()
        doc.update(status="Succeeded", deployed=True)
        self.store.put("models", model_id, doc)
        return self.json_response(200, _shown(doc))


def _shown(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored model as the API shows it: without the sandbox's own sequence number."""
    return {key: value for key, value in doc.items() if key != "seq"}


def _position(token: str) -> int | None:
    """The sequence number a skiptoken holds (0 for none), or None when it is not one."""
    try:
        return int(base64.urlsafe_b64decode(token)) if token else 0
    except ValueError:
        return None


@modelreg.hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Register the Acme Speech provider."""
    register(AcmeProvider)


__all__ = ["AcmeDetails", "AcmeProvider", "AcmeRegistry", "AcmeSandbox", "AsyncAcmeRegistry", "register_providers"]
