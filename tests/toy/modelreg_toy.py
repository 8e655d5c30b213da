"""A complete, tiny provider plugin: the worked example of docs/plugins.md, used by the core tests.

Its vendor "Toy" keeps models at ``/v1/models`` with integer ids, a bearer token, pages of
``{"items": [...], "total": N}`` and errors ``{"message": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import httpx

import modelreg
from modelreg import Deletion, Issue, Model, ModelStatus, Page, ValidationFailed
from modelreg.errors import ProtocolError
from modelreg.provider import (
    Config,
    Flow,
    Limit,
    Pause,
    Provider,
    RateLimitHeaders,
    Setting,
    check_known,
    parse_timestamp,
    read_json,
)
from modelreg.sandbox import Sandbox, route

STATUSES = {"draft": ModelStatus.PENDING, "live": ModelStatus.AVAILABLE, "broken": ModelStatus.FAILED}
# Toy sends the IETF draft's headers: what remains, of how many, and seconds until the reset.
QUOTA_HEADERS = RateLimitHeaders("RateLimit-Remaining", "RateLimit-Limit", "RateLimit-Reset", "seconds")


class ToyProvider(Provider):
    """Toy models: the smallest provider that exercises every hook."""

    name = "toy"
    title = "Toy"
    default_base_url = "https://api.toy.example"
    base_url_env = "TOY_BASE_URL"
    settings = (Setting("token", env="TOY_TOKEN", secret=True, required=True, help="API token"),)
    limits: ClassVar[Mapping[str, Limit]] = {
        "list": Limit(calls=100, period=60, concurrency=4),
        "create": Limit(calls=10, period=3600, concurrency=2),
    }
    rate_limit_headers = QUOTA_HEADERS
    request_id_headers = ("x-toy-request-id",)
    default_page_size = 10
    max_page_size = 50
    filters = ("status", "search")
    create_fields = ("name", "description")
    update_fields = ("name", "description")
    extra_operations = ("publish",)
    natural_key = ("name",)

    def sign(self, request: httpx.Request) -> None:
        """Send the token as a bearer token."""
        request.headers["authorization"] = f"Bearer {self.config.get('token')}"

    def model(self, data: Any) -> Model:
        """Normalize one vendor model."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("name"), str):
            raise ProtocolError("toy model without an integer id and a name", provider=self.name)
        return Model(
            provider=self.name,
            id=str(data["id"]),
            name=data["name"],
            description=data.get("description"),
            status=STATUSES.get(data.get("state", ""), ModelStatus.UNKNOWN),
            created_at=_created(data.get("created_at")),
            raw=data,
        )

    def list_page(self, page: int, page_size: int, filters: Mapping[str, Any]) -> Flow[Page[Model]]:
        """One page of models."""
        self.check_filters(filters)
        params = {"page": page, "size": page_size, "q": filters.get("search")}
        response = yield self.request("GET", "/v1/models", operation="list", params=params)
        body = read_json(response, self.name)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ProtocolError("toy list without items", provider=self.name)
        items = tuple(self.model(item) for item in body["items"])
        total = body.get("total")
        return Page(
            items=items,
            page=page,
            page_size=page_size,
            total=total,
            has_more=total is not None and page * page_size < total,
        )

    def get(self, model_id: str) -> Flow[Model]:
        """One model."""
        response = yield self.request("GET", f"/v1/models/{model_id}", operation="get")
        return self.model(read_json(response, self.name))

    def create(self, fields: Mapping[str, Any]) -> Flow[Model]:
        """Create a model; ``name`` is required."""
        issues = check_known("body", fields, self.create_fields)
        if not str(fields.get("name") or "").strip():
            issues.append(Issue(("body", "name"), "name is required"))
        if issues:
            raise ValidationFailed(issues, provider=self.name)
        response = yield self.request("POST", "/v1/models", operation="create", json=dict(fields))
        return self.model(read_json(response, self.name))

    def update(self, model_id: str, fields: Mapping[str, Any]) -> Flow[Model]:
        """Rename or redescribe a model."""
        issues = check_known("body", fields, self.update_fields)
        if issues:
            raise ValidationFailed(issues, provider=self.name)
        response = yield self.request("PATCH", f"/v1/models/{model_id}", operation="update", json=dict(fields))
        return self.model(read_json(response, self.name))

    def delete(self, model_id: str) -> Flow[Deletion]:
        """Delete a model (204)."""
        yield self.request("DELETE", f"/v1/models/{model_id}", operation="delete")
        return Deletion(self.name, model_id, True)

    def publish(self, model_id: str, *, wait: float = 0.0) -> Flow[Model]:
        """A provider-only operation: make a draft model live, after an optional pause."""
        if wait:
            yield Pause(wait)
        response = yield self.request("POST", f"/v1/models/{model_id}/publish", operation="publish")
        return self.model(read_json(response, self.name))

    def find_created(self, fields: Mapping[str, Any]) -> Flow[list[Model]]:
        """Models with the name a lost create asked for."""
        page = yield from self.list_page(1, self.max_page_size, {"search": fields.get("name")})
        return [m for m in page.items if m.name == fields.get("name")]

    @classmethod
    def sandbox(cls, **options: Any) -> Sandbox:
        """An in-memory Toy API."""
        return ToySandbox(limits=cls.limits, **options)


class ToySandbox(Sandbox):
    """Emulates the Toy API."""

    provider = "toy"
    request_id_header = "x-toy-request-id"
    rate_limit_headers = QUOTA_HEADERS

    def authenticate(self, request: httpx.Request) -> httpx.Response | None:
        """Any bearer token is accepted; none is a 401."""
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return self.json_response(401, {"message": "missing token"})
        return None

    def error_response(self, status: int, message: str, *, code: str | None = None) -> httpx.Response:
        """Toy errors are ``{"message": ...}``."""
        return self.json_response(status, {"message": message})

    @route("GET", "/v1/models", operation="list")
    def list_models(self, request: httpx.Request) -> httpx.Response:
        """A page of models."""
        page, size = int(request.url.params.get("page", 1)), int(request.url.params.get("size", 10))
        query = request.url.params.get("q")
        docs = [d for d in self.store.scan("models") if not query or query in d["name"]]
        return self.json_response(200, {"items": docs[(page - 1) * size : page * size], "total": len(docs)})

    @route("POST", "/v1/models", operation="create")
    def create_model(self, request: httpx.Request) -> httpx.Response:
        """A new draft model."""
        body = self.read_body(request) or {}
        doc = {
            "id": self.store.next_id("models"),
            "name": body.get("name"),
            "description": body.get("description"),
            "state": "draft",
            "created_at": datetime.fromtimestamp(self.clock.now(), timezone.utc).isoformat(),
        }
        self.store.put("models", str(doc["id"]), doc)
        return self.json_response(201, doc)

    @route("GET", "/v1/models/{model_id}", operation="get")
    def get_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """One model or 404."""
        doc = self.store.get("models", model_id)
        return self.json_response(200, doc) if doc else self.error_response(404, "no such model")

    @route("PATCH", "/v1/models/{model_id}", operation="update")
    def update_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Changed fields."""
        doc = self.store.get("models", model_id)
        if doc is None:
            return self.error_response(404, "no such model")
        doc.update(self.read_body(request) or {})
        self.store.put("models", model_id, doc)
        return self.json_response(200, doc)

    @route("DELETE", "/v1/models/{model_id}", operation="delete")
    def delete_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """204, or 404 when already gone."""
        if not self.store.delete("models", model_id):
            return self.error_response(404, "no such model")
        return httpx.Response(204)

    @route("POST", "/v1/models/{model_id}/publish", operation="publish")
    def publish_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Draft to live."""
        doc = self.store.get("models", model_id)
        if doc is None:
            return self.error_response(404, "no such model")
        doc["state"] = "live"
        self.store.put("models", model_id, doc)
        return self.json_response(200, doc)


def _created(value: Any) -> datetime | None:
    try:
        return parse_timestamp(value)
    except ValueError:
        raise ProtocolError(f"toy model with a created_at that is not a timestamp: {value!r}", provider="toy") from None


@modelreg.hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Register the Toy provider."""
    register(ToyProvider)


__all__ = ["Config", "ToyProvider", "ToySandbox", "register_providers"]
