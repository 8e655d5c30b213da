"""``ScriptixProvider``: Scriptix custom speech models (API v3, generation "A" of the docs), sans-I/O."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from modelreg import Deletion, Issue, Model, Page, ValidationFailed
from modelreg.errors import ConfigurationError
from modelreg.provider import Config, Flow, Limit, Provider, Setting, check_known
from modelreg_scriptix import _codec
from modelreg_scriptix._errors import error_for
from modelreg_scriptix._records import (
    LANGUAGES,
    RATE_LIMIT_HEADERS,
    ScriptixDetails,
    TrainingData,
    TrainingDataUpload,
)
from modelreg_scriptix._training import Progress, wait_for
from modelreg_scriptix._upload import FileInput, multipart_request, prepare_upload
from modelreg_scriptix._validation import (
    CREATE_FIELDS,
    FILTERS,
    UPDATE_FIELDS,
    check_id,
    create_body,
    id_issue,
    list_params,
    raise_if,
    update_body,
)

if TYPE_CHECKING:
    from modelreg_scriptix._sandbox import ScriptixSandbox

MODELS = "/api/v3/custom_models"
AUTH_HEADERS = ("authorization", "x-zoom-s2t-key", "both")
TRAIN_OPTIONS = ("wait", "progress", "timeout", "poll_interval")
# Undocumented endpoints get the "Custom Models: 30 requests/minute" figure of reference/rate-limits.
_UNDOCUMENTED = Limit(calls=30, period=60, concurrency=3)


class ScriptixProvider(Provider):
    """Scriptix custom speech recognition models: integer ids, training states 1-5, 204 deletes."""

    name = "scriptix"
    title = "Scriptix"
    default_base_url = "https://api.scriptix.io"
    base_url_env = "SCRIPTIX_BASE_URL"
    settings = (
        Setting("api_key", env="SCRIPTIX_API_KEY", secret=True, required=True, help="Scriptix API key"),
        Setting(
            "auth_header",
            env="SCRIPTIX_AUTH_HEADER",
            default="authorization",
            help="where the key goes: authorization (Bearer), x-zoom-s2t-key (reseller/batch tokens) or both",
        ),
        Setting(
            "languages",
            env="SCRIPTIX_LANGUAGES",
            help="supported language codes, comma-separated (default: the 33 codes the docs list)",
        ),
    )
    limits: ClassVar[Mapping[str, Limit]] = {
        "list": Limit(calls=100, period=60, concurrency=10),
        "create": Limit(calls=10, period=3600, concurrency=3),
        "delete": Limit(calls=20, period=3600, concurrency=3),
        "get": Limit(calls=100, period=60, concurrency=10),
        "update": _UNDOCUMENTED,
        "train": _UNDOCUMENTED,
        "upload_data": _UNDOCUMENTED,
        "list_data": _UNDOCUMENTED,
        "get_data": _UNDOCUMENTED,
        "delete_data": _UNDOCUMENTED,
        "*": _UNDOCUMENTED,
    }
    rate_limit_headers = RATE_LIMIT_HEADERS
    details_type = ScriptixDetails
    default_page_size = 25
    max_page_size = 100
    filters = FILTERS
    create_fields = CREATE_FIELDS
    update_fields = UPDATE_FIELDS
    field_types: ClassVar[Mapping[str, type]] = dict.fromkeys((*CREATE_FIELDS, *FILTERS), str)
    natural_key = ("name", "language", "base_model")
    create_defaults: ClassVar[Mapping[str, Any]] = {"base_model": "general"}
    extra_operations = (
        "upload_training_data",
        "training_data",
        "get_training_data",
        "delete_training_data",
        "wait_for_training",
    )

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.languages: frozenset[str] = _languages(config.get("languages"))

    @classmethod
    def check_config(cls, config: Config) -> None:
        """Reject an unknown ``auth_header`` or a malformed ``languages`` list."""
        header = config.get("auth_header", "authorization")
        if header not in AUTH_HEADERS:
            raise ConfigurationError(
                f"scriptix auth_header must be one of {', '.join(AUTH_HEADERS)}, got {header!r}", provider=cls.name
            )
        _languages(config.get("languages"))

    @classmethod
    def sandbox(cls, **options: Any) -> ScriptixSandbox:
        """A new emulator of the Scriptix API; options as in ``ScriptixSandbox``."""
        from modelreg_scriptix._sandbox import ScriptixSandbox

        options.setdefault("limits", cls.limits)
        return ScriptixSandbox(**options)

    def sign(self, request: httpx.Request) -> None:
        """Send the key as ``Authorization: Bearer`` and/or ``x-zoom-s2t-key``, as configured."""
        key = self.config.get("api_key")
        header = self.config.get("auth_header", "authorization")
        if header in ("authorization", "both"):
            request.headers["authorization"] = f"Bearer {key}"
        if header in ("x-zoom-s2t-key", "both"):
            request.headers["x-zoom-s2t-key"] = str(key)

    def error_for(self, response: httpx.Response) -> Exception:
        """Map every documented Scriptix error answer (and any other) to a typed error."""
        return error_for(response)

    # -- common operations -----------------------------------------------------------------

    def check_filters(self, filters: Mapping[str, Any]) -> None:
        """Reject unknown filters and invalid status, language or base_model values."""
        list_params(filters, self.languages)

    def list_page(self, page: int, page_size: int, filters: Mapping[str, Any]) -> Flow[Page[Model]]:
        """``GET /api/v3/custom_models?page&per_page&status&language&base_model``."""
        params = {"page": page, "per_page": page_size, **list_params(filters, self.languages)}
        response = yield self.request("GET", MODELS, operation="list", params=params)
        return _codec.page(response, page, page_size)

    def get(self, model_id: str) -> Flow[Model]:
        """``GET /api/v3/custom_models/{id}``."""
        model_id = check_id(model_id)
        response = yield self.request("GET", f"{MODELS}/{model_id}", operation="get")
        return _codec.model(response)

    def create(self, fields: Mapping[str, Any]) -> Flow[Model]:
        """``POST /api/v3/custom_models`` with name, language, base_model (default general), description."""
        body = create_body(fields, self.languages)
        response = yield self.request("POST", MODELS, operation="create", json=body)
        return _codec.model(response)

    def update(self, model_id: str, fields: Mapping[str, Any]) -> Flow[Model]:
        """``POST /api/v3/custom_models/{id}`` with name and/or description (safe to repeat)."""
        issues = _id_issues(model_id)
        try:
            body = update_body(fields)
        except ValidationFailed as exc:
            issues += exc.issues
        raise_if(issues)
        response = yield self.request(
            "POST", f"{MODELS}/{int(model_id)}", operation="update", idempotent=True, json=body
        )
        return _codec.model(response)

    def delete(self, model_id: str) -> Flow[Deletion]:
        """``DELETE /api/v3/custom_models/{id}``: 204 No Content."""
        model_id = check_id(model_id)
        yield self.request("DELETE", f"{MODELS}/{model_id}", operation="delete")
        return Deletion(self.name, model_id, True)

    def train(self, model_id: str, options: Mapping[str, Any]) -> Flow[Model]:
        """``POST .../{id}/run`` with ``{}``; ``wait=True`` waits (``progress``, ``timeout``, ``poll_interval``)."""
        issues = _id_issues(model_id) + check_known("options", options, TRAIN_OPTIONS)
        wait = options.get("wait", False)
        if not isinstance(wait, bool):
            issues.append(Issue(("options", "wait"), f"wait must be True or False, got {wait!r}", "type"))
        elif not wait and any(options.get(k) is not None for k in TRAIN_OPTIONS[1:]):
            issues.append(Issue(("options", "wait"), "progress, timeout and poll_interval need wait=True", "missing"))
        raise_if(issues)
        model_id = str(int(model_id))
        response = yield self.request("POST", f"{MODELS}/{model_id}/run", operation="train", json={})
        # Generation A answers 200 with the model; generation C answers 204 with no body.
        model = _codec.model(response) if response.content.strip() else (yield from self.get(model_id))
        if not wait:
            return model
        return (
            yield from wait_for(
                self,
                model_id,
                progress=options.get("progress"),
                timeout=options.get("timeout"),
                poll_interval=options.get("poll_interval"),
                first=model,
            )
        )

    def find_created(self, fields: Mapping[str, Any]) -> Flow[list[Model]]:
        """Models with the create's natural key: same name, language and base_model (default general)."""
        filters = {"language": fields.get("language"), "base_model": fields.get("base_model") or "general"}
        found: list[Model] = []
        seen: set[str] = set()
        number = 1
        while True:
            page = yield from self.list_page(number, self.max_page_size, filters)
            found += [m for m in page.items if m.name == fields.get("name") and m.id not in seen]
            fresh = {m.id for m in page.items} - seen
            # A page with no model not seen before means the server repeats itself: stop walking.
            if not page.has_more or not fresh:
                return found
            seen |= fresh
            number += 1

    # -- Scriptix-only operations (registries expose them as methods) ----------------------

    def upload_training_data(
        self,
        model_id: str | int,
        audio: FileInput | None = None,
        transcript: FileInput | None = None,
        kind: str = "train",
        *,
        filename: str | None = None,
    ) -> Flow[TrainingDataUpload]:
        """Upload one audio file and its .txt transcript as ``train`` or ``test`` data (multipart PUT .../data).

        ``audio``: a path, bytes or ``(filename, bytes)``; ``transcript``: its text, a path, bytes
        or ``(filename, content)``; ``filename`` names raw content (``"visit-01"`` or ``"visit-01.mp3"``).
        """
        issues = _id_issues(model_id)
        try:
            audio_part, transcript_part = prepare_upload(audio, transcript, kind, filename)
        except ValidationFailed as exc:
            issues += exc.issues
        raise_if(issues)
        model_id = str(int(model_id))
        base = self.request("PUT", f"{MODELS}/{model_id}/data", operation="upload_data", idempotent=False)
        request = multipart_request(base, kind, audio_part, transcript_part)
        response = yield request
        return _codec.upload(response, model_id)

    def training_data(self, model_id: str | int) -> Flow[list[TrainingData]]:
        """The datasets uploaded to a model (``GET .../{id}/data``)."""
        model_id = check_id(model_id)
        response = yield self.request("GET", f"{MODELS}/{model_id}/data", operation="list_data")
        return _codec.datasets(response, model_id)

    def get_training_data(self, model_id: str | int, data_id: str | int) -> Flow[TrainingData]:
        """One dataset of a model (``GET .../{id}/data/{data_id}``)."""
        model_id, data_id = _two_ids(model_id, data_id)
        response = yield self.request("GET", f"{MODELS}/{model_id}/data/{data_id}", operation="get_data")
        return _codec.dataset(response, model_id)

    def delete_training_data(self, model_id: str | int, data_id: str | int) -> Flow[Deletion]:
        """Remove one dataset from a model (``DELETE .../{id}/data/{data_id}``, 204)."""
        model_id, data_id = _two_ids(model_id, data_id)
        yield self.request("DELETE", f"{MODELS}/{model_id}/data/{data_id}", operation="delete_data")
        return Deletion(self.name, data_id, True, f"training data {data_id} of model {model_id} deleted")

    def wait_for_training(
        self,
        model_id: str | int,
        *,
        progress: Progress | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
    ) -> Flow[Model]:
        """Poll until training ends: the trained model, or ``TrainingFailed`` / ``TrainingTimedOut``."""
        model_id = check_id(model_id)
        return (yield from wait_for(self, model_id, progress=progress, timeout=timeout, poll_interval=poll_interval))


def _languages(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset(LANGUAGES)
    codes: Any = [c for c in value.split(",") if c.strip()] if isinstance(value, str) else value
    if isinstance(codes, Collection) and not isinstance(codes, Mapping):
        cleaned = [code.strip() for code in codes if isinstance(code, str)]
        if cleaned and len(cleaned) == len(codes) and all(cleaned):
            return frozenset(cleaned)
    raise ConfigurationError(
        f"scriptix languages must be language codes, e.g. 'en,nl' or ['en', 'nl'], got {value!r}", provider="scriptix"
    )


def _id_issues(value: Any, what: str = "id") -> list[Issue]:
    issue = id_issue(value, what)
    return [issue] if issue else []


def _two_ids(model_id: Any, data_id: Any) -> tuple[str, str]:
    raise_if(_id_issues(model_id) + _id_issues(data_id, "data_id"))
    return str(int(model_id)), str(int(data_id))
