"""Shared machinery of the Scriptix emulator: options, auth, error bodies and simulated training.

All model state lives in the store (tables ``models``, ``training``, ``usage``, ``failures`` and
``data:{model_id}``), never on the instance, so that a ``SqliteStore`` shared by several
processes shows each of them the same models. Training is a job record (start time, duration,
outcome) that reads advance lazily against the sandbox clock.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Mapping
from datetime import datetime, timezone
from typing import Any

import httpx

from modelreg.provider import Limit
from modelreg.sandbox import Clock, FaultPlan, Sandbox, Store
from modelreg_scriptix._records import LANGUAGES

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Quota Exceeded",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    429: "Rate Limit Exceeded",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
STATUS_MESSAGES = {
    1: "Model created. Upload training data to begin.",
    2: "Data uploaded. Ready to start training.",
    3: "Training in progress...",
    4: "Training completed successfully",
    5: "Training failed",
}
DEFAULT_FAILURE = "Training failed: transcripts do not match the audio closely enough (alignment below 80%)"
_RETRY_IN = re.compile(r"in (\d+) seconds")


def iso(moment: float) -> str:
    """A sandbox-clock time as Scriptix writes timestamps: UTC, whole seconds, ``Z``."""
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ScriptixSandboxBase(Sandbox):
    """Options, authentication, error bodies and training progress shared by the emulator's routes."""

    provider = "scriptix"

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        limits: Mapping[str, Limit] | None = None,
        enforce_limits: bool = False,
        latency: float = 0.0,
        plan: str = "Enterprise",
        model_limit: int | None = None,
        languages: Collection[str] = LANGUAGES,
        training_duration: float = 300.0,
        training_failure_rate: float = 0.0,
        failure_seed: int = 0,
        min_training_uploads: int = 1,
        train_answer: str = "model",
        api_keys: Collection[str] | None = None,
    ) -> None:
        super().__init__(
            store=store, clock=clock, faults=faults, limits=limits, enforce_limits=enforce_limits, latency=latency
        )
        if train_answer not in ("model", "empty"):
            raise ValueError(
                f"train_answer must be 'model' (200 with the model) or 'empty' (204), got {train_answer!r}"
            )
        if training_duration <= 0 or not 0.0 <= training_failure_rate <= 1.0:
            raise ValueError("training_duration must be positive and training_failure_rate within 0..1")
        self.plan = plan
        """The plan named in 402 answers."""
        self.model_limit = model_limit
        """How many models the plan allows (None: unlimited, like Enterprise)."""
        self.languages = frozenset(languages)
        self.training_duration = float(training_duration)
        """Simulated seconds from ``run`` to the end of training (the real service: 6-12 hours)."""
        self.training_failure_rate = training_failure_rate
        """Share of trainings that fail, drawn reproducibly from ``failure_seed`` and the model id."""
        self.failure_seed = failure_seed
        self.min_training_uploads = min_training_uploads
        """Train uploads after which a model moves from status 1 to 2."""
        self.train_answer = train_answer
        """``model``: ``run`` answers 200 with the model (generation A); ``empty``: 204 (generation C)."""
        self.api_keys = frozenset(api_keys) if api_keys is not None else None
        """The only keys accepted, or None to accept any non-empty key."""

    # -- hooks -------------------------------------------------------------------------------

    def authenticate(self, request: httpx.Request) -> httpx.Response | None:
        """Accept a key in ``Authorization: Bearer`` or ``x-zoom-s2t-key``; answer 401 otherwise."""
        authorization = request.headers.get("authorization", "")
        key = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        key = key or request.headers.get("x-zoom-s2t-key", "").strip()
        if not key or (self.api_keys is not None and key not in self.api_keys):
            return self.json_response(401, {"error": "Unauthorized", "message": "Invalid or missing API key"})
        return None

    def error_response(self, status: int, message: str, *, code: str | None = None) -> httpx.Response:
        """Scriptix's error body: ``error``, ``message`` and, where known, ``error_code`` (429: ``retry_after``)."""
        body: dict[str, Any] = {"error": REASONS.get(status, "Error"), "message": message}
        if status == 429:
            body["error_code"] = code or "RATE_LIMIT_EXCEEDED"
            # The base class words its 429 message exactly as the RateLimits page does.
            found = _RETRY_IN.search(message)
            if found:
                body["retry_after"] = int(found.group(1))
        elif code:
            body["error_code"] = code
        return self.json_response(status, body)

    # -- test and demo controls --------------------------------------------------------------

    def mark_in_use(self, model_id: int | str, active_transcriptions: int = 1) -> None:
        """Pretend ``active_transcriptions`` transcriptions use the model (0 frees it): deletes get 409."""
        if active_transcriptions > 0:
            self.store.put("usage", str(model_id), {"active_transcriptions": active_transcriptions})
        else:
            self.store.delete("usage", str(model_id))

    def fail_next_training(self, model_id: int | str, reason: str = DEFAULT_FAILURE) -> None:
        """Make the next training of the model end in status 5 with ``reason``."""
        self.store.put("failures", str(model_id), {"reason": reason})

    # -- helpers for routes ------------------------------------------------------------------

    def now(self) -> float:
        """The sandbox clock's time."""
        return self.clock.now()

    def validation_error(self, details: Mapping[str, str], message: str = "Invalid field values") -> httpx.Response:
        """The documented 400 body: ``{"error": "Validation Error", "message", "details": {field: text}}``."""
        return self.json_response(400, {"error": "Validation Error", "message": message, "details": dict(details)})

    def model_not_found(self) -> httpx.Response:
        """The documented 404 body."""
        return self.error_response(404, "Model not found", code="MODEL_NOT_FOUND")

    def load(self, model_id: str) -> dict[str, Any] | None:
        """The model's document with training advanced to now, or None."""
        if not model_id.isdigit():
            return None
        doc = self.store.get("models", str(int(model_id)))
        return self.refresh(doc) if doc is not None else None

    def refresh(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Advance a training model's progress to the clock's time, saving what changed."""
        if doc.get("training_status") != 3:
            return doc
        key = str(doc["id"])
        job = self.store.get("training", key)
        if job is None:
            return doc
        now = self.now()
        ends = job["started"] + job["duration"] * (0.5 if job.get("fail") else 1.0)
        if now < ends:
            progress = min(99, int(100 * (now - job["started"]) / job["duration"]))
            if doc.get("training_progress") != progress:
                doc.update(training_progress=progress, status_message=STATUS_MESSAGES[3])
                self.store.put("models", key, doc)
            return doc
        doc.update(finished_training_at=iso(ends), updated_at=iso(ends))
        if job.get("fail"):
            doc.update(
                training_status=5,
                status_message=job.get("reason") or DEFAULT_FAILURE,
                error=job.get("reason") or DEFAULT_FAILURE,
                training_progress=50,
            )
        else:
            rng = random.Random(f"{self.failure_seed}:{key}:{job['started']}")
            doc.update(
                training_status=4,
                status_message=STATUS_MESSAGES[4],
                training_progress=100,
                training_metrics={
                    "word_error_rate": round(8 + rng.random() * 10, 1),
                    "accuracy_improvement": round(10 + rng.random() * 15, 1),
                },
            )
        self.store.put("models", key, doc)
        self.store.delete("training", key)
        return doc

    def settle_trainings(self) -> None:
        """Bring every model in training up to the clock's time (those whose training ended change status)."""
        for doc in self.store.select("models", {"training_status": 3}):
            self.refresh(doc)

    def start_training(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Move a ready model to status 3 and schedule its outcome (planned failure, or the failure rate)."""
        key = str(doc["id"])
        now = self.now()
        planned = self.store.get("failures", key)
        if planned is not None:
            self.store.delete("failures", key)
            fail, reason = True, planned.get("reason") or DEFAULT_FAILURE
        else:
            draw = random.Random(f"{self.failure_seed}:{key}:{now}").random()
            fail, reason = draw < self.training_failure_rate, DEFAULT_FAILURE
        self.store.put(
            "training", key, {"started": now, "duration": self.training_duration, "fail": fail, "reason": reason}
        )
        for stale in ("finished_training_at", "training_metrics", "error"):
            doc.pop(stale, None)
        doc.update(
            training_status=3,
            status_message="Training started successfully",
            training_progress=0,
            started_training_at=iso(now),
            updated_at=iso(now),
        )
        self.store.put("models", key, doc)
        return doc
