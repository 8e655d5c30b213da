"""``SeliseSandbox``: a FastAPI-like emulator of SELISE Blocks' AI model endpoints and token endpoint.

State lives in the store (models, tokens, clients, catalogue), so a ``SqliteStore`` keeps it across
CLI commands. See the provider README ("Sandbox") for the shapes and rules it follows.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl

import httpx

from modelreg.sandbox import Sandbox, route
from modelreg_selise import _sandbox_rules as rules
from modelreg_selise._errors import TOKEN_PATH
from modelreg_selise._records import VENDORS

DEFAULT_PROJECT = "sandbox-blocks_key"
"""The project of the seed models: the blocks key modelreg passes in ``sandbox=True`` mode."""
MODELS, TOKENS, CLIENTS, CATALOGUE, KEYS = "models", "tokens", "clients", "catalogue", "keys"
HIDDEN = ("_agents", "_locked")


class SeliseSandbox(Sandbox):
    """Emulates ``/models/``, ``/agents/models``, the seed catalogue and the OAuth token endpoint."""

    provider = "selise"

    def __init__(
        self,
        *,
        require_token: bool = False,
        token_lifetime: float = 3600.0,
        echo_input: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.require_token = require_token
        """Refuse model requests without a bearer token (the docs leave it open whether one is needed)."""
        self.token_lifetime = token_lifetime
        self.echo_input = echo_input
        """Add pydantic 2's ``input`` to 422 entries, as newer FastAPI versions do."""

    # -- set-up helpers for tests and demos --------------------------------------------------

    def seed(self) -> None:
        """Four models in ``DEFAULT_PROJECT`` (validated, pending, inactive, failed) and a small catalogue."""
        first, _, third, fourth = (self.add_model(DEFAULT_PROJECT, **fields) for fields in rules.SEED_MODELS)
        self._set(first, validation_status="valid", LastValidatedDate=rules.iso(self.clock.now()))
        self.set_active(third, False)
        self._set(fourth, validation_status="invalid", LastValidatedDate=rules.iso(self.clock.now()))
        for vendor, entries in rules.SEED_CATALOGUE.items():
            self.store.put(CATALOGUE, vendor, {"entries": [dict(e) for e in entries]})

    def add_model(self, project_key: str, **fields: Any) -> str:
        """Store a model configuration (create-body field names) in ``project_key``; returns its id."""
        model_id = f"mdl_{self.store.next_id(MODELS):06d}"
        now = rules.iso(self.clock.now())
        doc: dict[str, Any] = {
            "_id": model_id,
            "CreatedDate": now,
            "LastUpdatedDate": now,
            "IsActive": True,
            "project_key": project_key,
            "description": None,
            "model_type": rules.model_type(str(fields.get("model_name", ""))),
            "validation_status": None,
            "LastValidatedDate": None,
            **{name: fields.get(name) for name in (*rules.REQUIRED, *rules.TEXT) if name != "project_key"},
            "custom_parameters": fields.get("custom_parameters") or {},
            "custom_headers": fields.get("custom_headers") or {},
            "MaxTokens": fields.get("MaxTokens"),
            "DefaultTemp": fields.get("DefaultTemp"),
            "_agents": [],
            "_locked": None,
        }
        self.store.put(MODELS, model_id, doc)
        return model_id

    def _set(self, model_id: str, **changes: Any) -> None:
        doc = self.store.get(MODELS, model_id)
        if doc is None:
            raise KeyError(f"no sandbox model {model_id!r}")
        doc.update(changes, LastUpdatedDate=rules.iso(self.clock.now()))
        self.store.put(MODELS, model_id, doc)

    def set_active(self, model_id: str, active: bool) -> None:
        """Flip ``IsActive`` as the SELISE console would (the API documents no endpoint for it)."""
        self._set(model_id, IsActive=active)

    def mark_in_use(self, model_id: str, agents: tuple[str, ...] = ("agent-1",)) -> None:
        """Make ``agents`` use the model: deleting it then answers 409 (empty ``agents`` frees it)."""
        self._set(model_id, _agents=list(agents))

    def lock(self, model_id: str, reason: str = "the model is locked by a project administrator") -> None:
        """Make deletes of the model answer 200 with ``is_success: false`` and ``reason``."""
        self._set(model_id, _locked=reason)

    def restrict(self, key: str) -> None:
        """Make ``key`` (a project or blocks key) read-only: creates and deletes answer 403."""
        self.store.put(KEYS, key, {"read_only": True})

    def register_client(self, client_id: str, client_secret: str) -> None:
        """Accept only registered client credentials at the token endpoint (any pair until one is)."""
        self.store.put(CLIENTS, client_id, {"secret": client_secret})

    def revoke_tokens(self) -> None:
        """Invalidate every issued access token (the next request with one gets 401)."""
        for token in self.store.scan(TOKENS):
            self.store.delete(TOKENS, token["token"])

    # -- hooks --------------------------------------------------------------------------------

    def error_response(self, status: int, message: str, *, code: str | None = None) -> httpx.Response:
        """FastAPI's ``HTTPException`` shape: ``{"detail": message}``."""
        return self.json_response(status, {"detail": message})

    def authenticate(self, request: httpx.Request) -> httpx.Response | None:
        """401 without ``x-blocks-key``, or with a bearer token the sandbox did not issue or that expired."""
        if not request.headers.get("x-blocks-key"):
            return self.error_response(401, "Not authenticated: the x-blocks-key header is missing")
        if request.url.path == TOKEN_PATH:
            return None
        header = request.headers.get("authorization")
        if header is None:
            return self.error_response(401, "An access token is required") if self.require_token else None
        scheme, _, token = header.partition(" ")
        issued = self.store.get(TOKENS, token) if scheme.lower() == "bearer" and token else None
        if issued is None or issued["expires_at"] <= self.clock.now():
            return self.error_response(401, "Invalid or expired access token")
        return None

    def _project(self, request: httpx.Request) -> str:
        return request.url.params.get("project_key") or request.headers["x-blocks-key"]

    def _read_only(self, request: httpx.Request, project: str) -> bool:
        return any(self.store.get(KEYS, key) for key in (project, request.headers["x-blocks-key"]))

    def _unprocessable(self, errors: list[rules.Entry]) -> httpx.Response:
        return self.json_response(422, {"detail": errors})

    @staticmethod
    def view(doc: dict[str, Any]) -> dict[str, Any]:
        """A stored model as the API shows it: keys masked, internal fields left out."""
        shown = {k: v for k, v in doc.items() if k not in HIDDEN}
        shown["api_key"] = rules.mask(str(doc.get("api_key") or ""))
        shown["custom_headers"] = {name: "***" for name in doc.get("custom_headers") or {}}
        return shown

    # -- models -------------------------------------------------------------------------------

    @route("GET", "/models", operation="redirect")
    @route("POST", "/models", operation="redirect")
    def redirect(self, request: httpx.Request) -> httpx.Response:
        """FastAPI's 307 from ``/models`` to ``/models/``."""
        return httpx.Response(307, headers={"location": self.link(request, "/models/")})

    @route("GET", "/models/", operation="list")
    def list_models(self, request: httpx.Request) -> httpx.Response:
        """A page of the project's models: ``{"items", "total", "page", "page_size"}``."""
        query, errors = rules.check_query(request.url.params, self.echo_input)
        if errors:
            return self._unprocessable(errors)
        # The store's indexes answer in time proportional to the page; only a text search reads
        # every model that the other filters leave (a substring has no index).
        where: dict[str, Any] = {"project_key": self._project(request)}
        for param, field in (("provider", "provider"), ("model_type", "model_type"), ("status", "validation_status")):
            if query[param] is not None:
                where[field] = query[param]
        if query["is_active"] is not None:
            where["IsActive"] = query["is_active"]
        page, size = query["page"], query["page_size"]
        search = (query["search"] or "").lower()
        if search:
            found = [
                doc
                for doc in self.store.select(MODELS, where)
                if search in f"{doc['display_name']}\n{doc.get('description') or ''}".lower()
            ]
            total, docs = len(found), found[(page - 1) * size : page * size]
        else:
            total = self.store.count(MODELS, where)
            docs = self.store.select(MODELS, where, (page - 1) * size, page * size)
        items = [self.view(doc) for doc in docs]
        return self.json_response(200, {"items": items, "total": total, "page": page, "page_size": size})

    @route("POST", "/models/", operation="create")
    def create_model(self, request: httpx.Request) -> httpx.Response:
        """Store a configuration; answers the operation envelope with the new ``item_id``."""
        body = self.read_body(request)
        errors = rules.check_create(body, self.echo_input)
        if errors:
            return self._unprocessable(errors)
        if self._read_only(request, body["project_key"]):
            return self.error_response(403, "Insufficient permissions to create models in this project")
        model_id = self.add_model(body["project_key"], **{k: v for k, v in body.items() if k != "project_key"})
        return self.json_response(
            200, {"is_success": True, "item_id": model_id, "detail": "AI model created successfully", "error": {}}
        )

    def _find(self, request: httpx.Request, model_id: str) -> tuple[dict[str, Any] | None, httpx.Response | None]:
        if not rules.ID_FORMAT.match(model_id):
            return None, self.error_response(400, f"Invalid model id format: {model_id!r}")
        doc = self.store.get(MODELS, model_id)
        if doc is None or doc["project_key"] != self._project(request):
            return None, self.error_response(404, "Model not found")
        return doc, None

    @route("GET", "/models/{model_id}", operation="get")
    def get_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """The stored document, keys masked; 404 outside the project."""
        doc, refused = self._find(request, model_id)
        return refused or self.json_response(200, self.view(doc or {}))

    @route("DELETE", "/models/{model_id}", operation="delete")
    def delete_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """200 envelope; 422 ``value_error.notfound`` for an unknown id, 404 for another project's, 403, 409."""
        if rules.ID_FORMAT.match(model_id) and self.store.get(MODELS, model_id) is None:
            entry = rules.error(["path", "model_id"], "model not found or already deleted", "value_error.notfound")
            return self._unprocessable([entry])
        doc, refused = self._find(request, model_id)
        if refused is not None or doc is None:
            return refused or self.error_response(404, "Model not found")
        project = doc["project_key"]
        if self._read_only(request, project):
            return self.error_response(403, "Insufficient permissions to delete models in this project")
        if doc["_agents"]:
            return self.error_response(
                409, f"Model is in use by {len(doc['_agents'])} active agent(s) and cannot be deleted"
            )
        if self.store.count(MODELS, {"project_key": project}) == 1:
            return self.error_response(409, "Cannot delete the last model of the project; add another model first")
        if doc["_locked"]:
            failure = {"code": "MODEL_LOCKED", "message": doc["_locked"]}
            body = {
                "is_success": False,
                "item_id": model_id,
                "detail": f"AI model not deleted: {doc['_locked']}",
                "error": failure,
            }
            return self.json_response(200, body)
        self.store.delete(MODELS, model_id)
        return self.json_response(
            200, {"is_success": True, "item_id": model_id, "detail": "AI model deleted successfully", "error": {}}
        )

    @route("POST", "/models/{model_id}/validate", operation="validate")
    def validate_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Try the stored key (see ``rules.key_works``) and record ``valid`` or ``invalid``."""
        doc, refused = self._find(request, model_id)
        if refused is not None or doc is None:
            return refused or self.error_response(404, "Model not found")
        works = rules.key_works(doc["provider"], str(doc["api_key"]))
        now = rules.iso(self.clock.now())
        self._set(model_id, validation_status="valid" if works else "invalid", LastValidatedDate=now)
        body: dict[str, Any] = {
            "is_valid": works,
            "provider": doc["provider"],
            "model_name": doc["model_name"],
            "connection_status": "successful" if works else "failed",
            "api_version": doc.get("api_version") or "v1",
            "timestamp": now,
        }
        if not works:
            body["error"] = f"Authentication with {doc['provider']} failed: the API key was rejected"
        return self.json_response(200, body)

    # -- agents and catalogue -----------------------------------------------------------------

    @route("GET", "/agents/models", operation="agent_models")
    def agent_models(self, request: httpx.Request) -> httpx.Response:
        """A bare array: the platform's models, then the project's active and valid configurations."""
        project = request.headers["x-blocks-key"]
        own = [
            {
                "model_id": doc["_id"],
                "model_name": doc["display_name"],
                "provider": doc["provider"],
                "model_type": doc["model_type"],
                "max_tokens": doc["MaxTokens"],
                "supports_streaming": doc["model_type"] == "chat",
                "supports_function_calling": doc["model_type"] == "chat",
                "description": doc.get("description"),
            }
            for doc in self.store.select(MODELS, {"project_key": project, "validation_status": "valid"})
            if doc["IsActive"]
        ]
        return self.json_response(200, [*rules.PLATFORM_AGENT_MODELS, *own])

    def _vendor(self, vendor: str) -> tuple[str, httpx.Response | None]:
        lowered = vendor.lower()
        if lowered not in VENDORS:
            return lowered, self._unprocessable([rules.enum_error(["path", "provider"], vendor, VENDORS, False)])
        return lowered, None

    @route("GET", "/models/seed/providers/{vendor}", operation="catalogue")
    def catalogue(self, request: httpx.Request, vendor: str) -> httpx.Response:
        """The vendor's catalogue as a bare array of snake_case entries."""
        vendor, refused = self._vendor(vendor)
        stored = self.store.get(CATALOGUE, vendor) or {"entries": []}
        return refused or self.json_response(200, [rules.catalogue_view(e) for e in stored["entries"]])

    @route("POST", "/models/seed/providers/{vendor}/models", operation="upsert_catalogue")
    def upsert_catalogue(self, request: httpx.Request, vendor: str) -> httpx.Response:
        """Create or replace entries by their ``Model`` id."""
        vendor, refused = self._vendor(vendor)
        body = self.read_body(request)
        errors = rules.check_catalogue(body, self.echo_input)
        if refused is not None or errors:
            return refused or self._unprocessable(errors)
        stored = {e["Model"]: e for e in (self.store.get(CATALOGUE, vendor) or {"entries": []})["entries"]}
        stored.update({entry["Model"]: entry for entry in body})
        self.store.put(CATALOGUE, vendor, {"entries": list(stored.values())})
        detail = f"{len(body)} seed model(s) upserted for {vendor}"
        return self.json_response(200, {"is_success": True, "item_id": None, "detail": detail, "error": {}})

    # -- authentication -----------------------------------------------------------------------

    @route("POST", TOKEN_PATH, operation="token")
    def token(self, request: httpx.Request) -> httpx.Response:
        """Issue a bearer token for client credentials (multipart or urlencoded form)."""
        form = _form(request)
        if form.get("grant_type") not in ("client_credential", "client_credentials"):
            return self.json_response(
                400, {"error": "unsupported_grant_type", "error_description": "use client_credential"}
            )
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if not client_id or not client_secret:
            return self.json_response(
                400, {"error": "invalid_request", "error_description": "client_id and client_secret are required"}
            )
        registered = self.store.count(CLIENTS)
        known = self.store.get(CLIENTS, client_id)
        if registered and (known is None or not secrets.compare_digest(known["secret"], client_secret)):
            return self.json_response(
                401, {"error": "invalid_client", "error_description": "unknown client or wrong secret"}
            )
        token = f"sbx.{self.store.next_id(TOKENS)}.{secrets.token_hex(12)}"
        expires_at = self.clock.now() + self.token_lifetime
        self.store.put(TOKENS, token, {"token": token, "expires_at": expires_at})
        return self.json_response(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_lifetime)}
        )


def _form(request: httpx.Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "")
    text = request.content.decode("utf-8", "replace")
    if "multipart/form-data" in content_type and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip('"')
        fields = {}
        for part in text.split(f"--{boundary}"):
            head, sep, value = part.partition("\r\n\r\n")
            name = head.partition('name="')[2].partition('"')[0]
            if sep and name:
                fields[name] = value.removesuffix("\r\n")
        return fields
    return dict(parse_qsl(text))
