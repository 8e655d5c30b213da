"""The emulator's training endpoints: upload, list, get and delete training data, and ``run``."""

from __future__ import annotations

import email.parser
import email.policy
from typing import Any

import httpx

from modelreg.sandbox import route
from modelreg_scriptix._records import AUDIO_EXTENSIONS, DATA_KINDS
from modelreg_scriptix._sandbox_base import STATUS_MESSAGES, ScriptixSandboxBase, iso

MODEL = "/api/v3/custom_models/{model_id}"
STORAGE = "https://storage.sandbox.scriptix.invalid/custom_models"


def parse_multipart(request: httpx.Request) -> dict[str, tuple[str | None, bytes]] | None:
    """Form fields of a multipart body as ``name -> (filename, content)``, or None when it is not one."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    if not message.is_multipart():
        return None
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


class TrainingRoutes(ScriptixSandboxBase):
    """Training data and training, as the TrainingData and Train pages describe them."""

    def store_dataset(
        self, doc: dict[str, Any], audio_name: str, transcript_name: str, kind: str, size: int, when: float
    ) -> dict[str, Any]:
        """Record one uploaded dataset of the model ``doc`` (C-shaped, plus the A upload's names)."""
        key, data_id = str(doc["id"]), self.store.next_id("data")
        item = {
            "id": data_id,
            "name": audio_name,
            "type": 1 if kind == "train" else 2,
            "data_type": kind,
            "language_id": None,
            "language": doc.get("language"),
            "media_url": f"{STORAGE}/{key}/{data_id}/{audio_name}",
            "url": f"{STORAGE}/{key}/{data_id}/{transcript_name}",
            "transcript_filename": transcript_name,
            "size": size,
            "created_at": iso(when),
        }
        self.store.put(f"data:{key}", str(data_id), item)
        return item

    def _training_conflict(self) -> httpx.Response:
        return self.error_response(409, "Cannot modify model: training in progress", code="MODEL_TRAINING")

    @route("PUT", MODEL + "/data", operation="upload_data")
    def upload_data(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Multipart ``type`` + ``audio_file`` + ``transcript_file``; enough train data moves 1 (or 5) to 2."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        fields = parse_multipart(request)
        if fields is None:
            return self.error_response(415, "Content-Type must be multipart/form-data")
        if doc["training_status"] == 3:
            return self._training_conflict()
        kind = fields.get("type", (None, b""))[1].decode("utf-8", "replace")
        audio_name, audio = fields.get("audio_file", (None, b""))
        transcript_name, transcript = fields.get("transcript_file", (None, b""))
        details = {}
        if kind not in DATA_KINDS:
            details["type"] = "Must be 'train' or 'test'"
        if not audio_name or not audio:
            details["audio_file"] = "Audio file is required"
        elif audio_name.rpartition(".")[2].lower() not in AUDIO_EXTENSIONS:
            details["audio_file"] = "Unsupported audio format. Use MP3, WAV, FLAC, M4A, AAC or OGG"
        if not transcript_name or not transcript:
            details["transcript_file"] = "Transcript file is required"
        elif not transcript_name.lower().endswith(".txt"):
            details["transcript_file"] = "Transcript must be a .txt file"
        else:
            try:
                transcript.decode("utf-8")
            except UnicodeDecodeError:
                details["transcript_file"] = "Transcript must be UTF-8 text"
        if details:
            return self.validation_error(details, "Invalid training data")
        assert audio_name is not None and transcript_name is not None
        key = str(doc["id"])
        now = self.now()
        self.store_dataset(doc, audio_name, transcript_name, kind, len(audio), now)
        trained_on = sum(1 for item in self.store.scan(f"data:{key}") if item.get("type") == 1)
        if doc["training_status"] in (1, 5) and trained_on >= self.min_training_uploads:
            for stale in ("error", "training_progress"):
                doc.pop(stale, None)
            doc.update(training_status=2, status_message=STATUS_MESSAGES[2], updated_at=iso(now))
            self.store.put("models", key, doc)
        return self.json_response(
            200,
            {
                "message": "Training data uploaded successfully",
                "data_type": kind,
                "filename": audio_name,
                "transcript_filename": transcript_name,
                "training_status": doc["training_status"],
            },
        )

    @route("GET", MODEL + "/data", operation="list_data")
    def list_data(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Every dataset of the model, in the generation-C envelope."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        items = self.store.scan(f"data:{doc['id']}")
        return self.json_response(200, {"result": items, "count": len(items), "total_results": len(items)})

    @route("GET", MODEL + "/data/{data_id}", operation="get_data")
    def get_data(self, request: httpx.Request, model_id: str, data_id: str) -> httpx.Response:
        """One dataset, or 404."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        item = self.store.get(f"data:{doc['id']}", data_id) if data_id.isdigit() else None
        if item is None:
            return self.error_response(404, "Training data not found", code="DATA_NOT_FOUND")
        return self.json_response(200, {"result": item, "count": 1, "total_results": 1})

    @route("DELETE", MODEL + "/data/{data_id}", operation="delete_data")
    def delete_data(self, request: httpx.Request, model_id: str, data_id: str) -> httpx.Response:
        """204; a model left without train data goes back from 2 to 1."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        if doc["training_status"] == 3:
            return self._training_conflict()
        key = str(doc["id"])
        if not data_id.isdigit() or not self.store.delete(f"data:{key}", data_id):
            return self.error_response(404, "Training data not found", code="DATA_NOT_FOUND")
        remaining = sum(1 for item in self.store.scan(f"data:{key}") if item.get("type") == 1)
        if doc["training_status"] == 2 and remaining < self.min_training_uploads:
            doc.update(training_status=1, status_message=STATUS_MESSAGES[1], updated_at=iso(self.now()))
            self.store.put("models", key, doc)
        return httpx.Response(204)

    @route("POST", MODEL + "/run", operation="train")
    def run(self, request: httpx.Request, model_id: str) -> httpx.Response:
        """Start training a model in status 2: 200 with the model (or 204, per ``train_answer``)."""
        doc = self.load(model_id)
        if doc is None:
            return self.model_not_found()
        body: Any = self.read_body(request)
        if not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object: send {}")
        status = doc["training_status"]
        if status == 3:
            return self.error_response(409, "Training is already in progress", code="TRAINING_IN_PROGRESS")
        if status != 2:
            return self.json_response(
                400,
                {
                    "error": "Bad Request",
                    "message": "Model is not ready for training",
                    "error_code": "MODEL_NOT_READY",
                    "details": {
                        "training_status": f"Training needs status 2 (Ready to Run); the model has status {status}. "
                        "Upload training data first."
                    },
                },
            )
        doc = self.start_training(doc)
        if self.train_answer == "empty":
            return httpx.Response(204)
        return self.json_response(200, doc)
