"""``ScriptixSandbox``: an emulator of the Scriptix custom-models API (v3, generation "A" docs).

Same paths, bodies, status codes and validation messages as the docs; plan quota (402), models in
use (409), 401 without a key, training that progresses over the sandbox clock, optional rate
limits and seeded faults (from the ``Sandbox`` base). Its options are the attributes of
``ScriptixSandboxBase`` (see the README); ``ScriptixProvider.sandbox(**options)`` builds one.
"""

from __future__ import annotations

from typing import Any

import httpx

from modelreg.sandbox import route
from modelreg_scriptix._records import BASE_MODELS, DESCRIPTION_MAX, NAME_MAX
from modelreg_scriptix._sandbox_base import DEFAULT_FAILURE, STATUS_MESSAGES, iso
from modelreg_scriptix._sandbox_data import TrainingRoutes

MODELS = "/api/v3/custom_models"
DAY = 86400.0


class ScriptixSandbox(TrainingRoutes):
    """The Scriptix API in process: models, training data and training, state kept in the store."""

    @route("GET", MODELS, operation="list")
    def list_models(self, request: httpx.Request) -> httpx.Response:
        """``{count, total_results, result}`` for ``page``/``per_page`` and the status/language/base_model filters."""
        params = request.url.params
        details = {}
        page, per_page = _integer(params.get("page", "1")), _integer(params.get("per_page", "25"))
        if page is None or page < 1:
            details["page"] = "Must be a positive integer"
        if per_page is None or per_page < 1:
            details["per_page"] = "Must be a positive integer"
        elif per_page > 100:
            details["per_page"] = "Maximum value is 100"
        status = _integer(params["status"]) if "status" in params else None
        if "status" in params and (status is None or not 1 <= status <= 5):
            details["status"] = "Must be between 1 and 5"
        if details:
            return self.json_response(
                400, {"error": "Bad Request", "message": "Invalid query parameters", "details": details}
            )
        assert page is not None and per_page is not None
        # The store's indexes answer in time proportional to the page, whatever the number of
        # models. Only a model in training (status 3) changes as the clock runs: before a status
        # filter, the models in training are brought up to the clock's time, so that those whose
        # training ended count where they now belong; the page's models are brought up to date.
        where: dict[str, Any] = {key: params[key] for key in ("language", "base_model") if key in params}
        if status is not None:
            self.settle_trainings()
            where["training_status"] = status
        total = self.store.count("models", where)
        items = self.store.select("models", where, (page - 1) * per_page, page * per_page)
        items = [self.refresh(doc) if doc.get("training_status") == 3 else doc for doc in items]
        return self.json_response(200, {"count": len(items), "total_results": total, "result": items})

    @route("POST", MODELS, operation="create")
    def create_model(self, request: httpx.Request) -> httpx.Response:
        """201 with a new model in status 1; 400 for invalid fields; 402 past the plan's model limit."""
        body = self.read_body(request)
        if not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object")
        details = self._field_errors(body, creating=True)
        if details:
            return self.validation_error(details)
        count = self.store.count("models")
        if self.model_limit is not None and count >= self.model_limit:
            return self.json_response(
                402,
                {
                    "error": "Quota Exceeded",
                    "message": "Custom model limit reached for your plan",
                    "error_code": "MODEL_LIMIT_EXCEEDED",
                    "details": {"current_models": count, "plan_limit": self.model_limit, "plan": self.plan},
                },
            )
        doc = self.insert(body["name"], body["language"], body.get("base_model") or "general", body.get("description"))
        return self.json_response(201, doc)

    @route("GET", MODELS + "/{model_id}", operation="get")
    def get_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """The model, or 404 ``MODEL_NOT_FOUND``."""
        doc = self.load(model_id)
        return self.json_response(200, doc) if doc is not None else self.model_not_found()

    @route("POST", MODELS + "/{model_id}", operation="update")
    @route("PUT", MODELS + "/{model_id}", operation="update")
    def update_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Change name and/or description (POST per generation A; PUT accepted as the older docs use it)."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        body = self.read_body(request)
        if not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object")
        details = self._field_errors(body, creating=False)
        if not details and "name" not in body and "description" not in body:
            details["name"] = "Provide name and/or description"
        if details:
            return self.validation_error(details)
        doc.update({key: body[key] for key in ("name", "description") if key in body}, updated_at=iso(self.now()))
        self.store.put("models", str(doc["id"]), doc)
        return self.json_response(200, doc)

    @route("DELETE", MODELS + "/{model_id}", operation="delete")
    def delete_model(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """204 and the model's data gone; 404 when missing; 409 ``MODEL_IN_USE`` while transcriptions use it."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        key = str(doc["id"])
        usage = self.store.get("usage", key)
        if usage and usage.get("active_transcriptions", 0) > 0:
            return self.json_response(
                409,
                {
                    "error": "Conflict",
                    "message": "Cannot delete model: currently in use",
                    "error_code": "MODEL_IN_USE",
                    "details": {"active_transcriptions": usage["active_transcriptions"]},
                },
            )
        for item in self.store.scan(f"data:{key}"):
            self.store.delete(f"data:{key}", str(item["id"]))
        for table in ("models", "training", "failures"):
            self.store.delete(table, key)
        return httpx.Response(204)

    # -- helpers -----------------------------------------------------------------------------

    def _field_errors(self, body: dict[str, Any], *, creating: bool) -> dict[str, str]:
        details: dict[str, str] = {}
        if creating or "name" in body:
            name = body.get("name")
            if not isinstance(name, str) or not name.strip():
                details["name"] = "Name cannot be empty"
            elif len(name) > NAME_MAX:
                details["name"] = f"Name must be at most {NAME_MAX} characters"
        description = body.get("description")
        if description is not None and not isinstance(description, str):
            details["description"] = "Description must be a string"
        elif description is not None and len(description) > DESCRIPTION_MAX:
            details["description"] = f"Description must be at most {DESCRIPTION_MAX} characters"
        if creating:
            language = body.get("language")
            if language is None:
                details["language"] = "Language is required"
            elif language not in self.languages:
                details["language"] = f"Language '{language}' is not supported"
            base_model = body.get("base_model")
            if base_model is not None and base_model not in BASE_MODELS:
                details["base_model"] = f"Base model '{base_model}' is not valid. Use one of: {', '.join(BASE_MODELS)}"
        else:
            for fixed in ("language", "base_model"):
                if fixed in body:
                    details[fixed] = f"{fixed} cannot be changed after creation"
        return details

    def insert(
        self,
        name: str,
        language: str,
        base_model: str = "general",
        description: str | None = None,
        *,
        when: float | None = None,
    ) -> dict[str, Any]:
        """Store a new model in status 1 (created ``when``, default now) and return its document."""
        model_id = self.store.next_id("models")
        stamp = iso(self.now() if when is None else when)
        doc = {
            "id": model_id,
            "model_key": f"custom_model_{model_id}",
            "name": name,
            "description": description,
            "language": language,
            "base_model": base_model,
            "training_status": 1,
            "status_message": STATUS_MESSAGES[1],
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.store.put("models", str(model_id), doc)
        return doc

    def seed(self) -> None:
        """Add five models, one in each training status, with training data where it belongs."""
        now = self.now()
        trained = self.insert(
            "Medical Cardiology EN", "en", "medical", "Cardiology consultations and reports", when=now - 4 * DAY
        )
        self._add_data(trained, "cardiology_01.mp3", "train", now - 3 * DAY)
        self._add_data(trained, "cardiology_test.wav", "test", now - 3 * DAY)
        started, finished = now - 2 * DAY, now - 2 * DAY + 7 * 3600
        trained.update(
            training_status=4,
            status_message=STATUS_MESSAGES[4],
            training_progress=100,
            started_training_at=iso(started),
            finished_training_at=iso(finished),
            updated_at=iso(finished),
            training_metrics={"word_error_rate": 12.5, "accuracy_improvement": 18.7},
        )
        self.store.put("models", str(trained["id"]), trained)

        training = self.insert("Legal Contracts NL", "nl", "legal", when=now - 2 * DAY)
        self._add_data(training, "contracts_01.flac", "train", now - DAY)
        began = now - 0.4 * self.training_duration
        self.store.put("training", str(training["id"]), {"started": began, "duration": self.training_duration})
        training.update(
            training_status=3,
            status_message=STATUS_MESSAGES[3],
            training_progress=40,
            started_training_at=iso(began),
            updated_at=iso(began),
        )
        self.store.put("models", str(training["id"]), training)

        ready = self.insert("Tech Support DE", "de", "technical", "Helpdesk calls about networking", when=now - DAY)
        self._add_data(ready, "helpdesk_01.wav", "train", now - 3600)
        ready.update(training_status=2, status_message=STATUS_MESSAGES[2], updated_at=iso(now - 3600))
        self.store.put("models", str(ready["id"]), ready)

        self.insert("Sales Calls EN", "en", "general", when=now - 3600)

        failed = self.insert("Radiology FR", "fr", "medical", "MRI and CT report dictation", when=now - 3 * DAY)
        self._add_data(failed, "radiologie_01.m4a", "train", now - 2 * DAY)
        failed.update(
            training_status=5,
            status_message=DEFAULT_FAILURE,
            error=DEFAULT_FAILURE,
            training_progress=50,
            started_training_at=iso(now - DAY),
            finished_training_at=iso(now - DAY + 3 * 3600),
            updated_at=iso(now - DAY + 3 * 3600),
        )
        self.store.put("models", str(failed["id"]), failed)

    def _add_data(self, doc: dict[str, Any], audio: str, kind: str, when: float) -> None:
        self.store_dataset(doc, audio, audio.rpartition(".")[0] + ".txt", kind, 0, when)


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
