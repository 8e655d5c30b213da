"""Every example payload of the Scriptix docs (shared/api/scriptix.md), copied exactly.

Names follow the example files the notes cite (``scriptix_list_ok.json`` -> ``LIST_OK``). Where
the docs give only a shape (error templates), the values are illustrative and marked so.
"""

from __future__ import annotations

from typing import Any

LIST_OK: dict[str, Any] = {
    "count": 25,
    "total_results": 150,
    "result": [
        {
            "id": 123,
            "model_key": "custom_model_123",
            "name": "Medical Cardiology EN",
            "description": "Cardiology consultations and reports",
            "language": "en",
            "base_model": "medical",
            "training_status": 4,
            "status_message": "Training completed successfully",
            "training_progress": 100,
            "created_at": "2025-01-15T10:00:00Z",
            "updated_at": "2025-01-16T15:30:00Z",
            "started_training_at": "2025-01-16T08:00:00Z",
            "finished_training_at": "2025-01-16T15:30:00Z",
            "training_metrics": {"word_error_rate": 12.5, "accuracy_improvement": 18.7},
        },
        {
            "id": 124,
            "model_key": "custom_model_124",
            "name": "Legal Contracts NL",
            "description": None,
            "language": "nl",
            "base_model": "legal",
            "training_status": 3,
            "status_message": "Training in progress...",
            "training_progress": 65,
            "created_at": "2025-01-17T09:00:00Z",
            "updated_at": "2025-01-17T11:30:00Z",
            "started_training_at": "2025-01-17T10:00:00Z",
        },
    ],
}

GET_STATUS1: dict[str, Any] = {
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN",
    "description": "Cardiology consultations",
    "language": "en",
    "base_model": "medical",
    "training_status": 1,
    "status_message": "Model created. Upload training data to begin.",
    "created_at": "2025-01-15T10:00:00Z",
    "updated_at": "2025-01-15T10:00:00Z",
}

GET_STATUS2: dict[str, Any] = {
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN",
    "description": "Cardiology consultations",
    "language": "en",
    "base_model": "medical",
    "training_status": 2,
    "status_message": "Data uploaded. Ready to start training.",
    "created_at": "2025-01-15T10:00:00Z",
    "updated_at": "2025-01-16T08:00:00Z",
}

GET_STATUS3: dict[str, Any] = {
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN",
    "description": "Cardiology consultations",
    "language": "en",
    "base_model": "medical",
    "training_status": 3,
    "status_message": "Training in progress...",
    "training_progress": 65,
    "created_at": "2025-01-15T10:00:00Z",
    "updated_at": "2025-01-16T12:30:00Z",
    "started_training_at": "2025-01-16T08:00:00Z",
}

GET_STATUS4_BEGINNING: dict[str, Any] = {
    # Only the beginning of the status-4 example survives; the copy ends inside created_at.
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN",
    "description": "Cardiology consultations",
    "language": "en",
    "base_model": "medical",
    "training_status": 4,
    "status_message": "Training completed successfully",
    "training_progress": 100,
}

CREATE_REQUEST: dict[str, Any] = {
    "name": "Medical Cardiology EN",
    "language": "en",
    "base_model": "medical",
    "description": "Custom model for cardiology consultations and reports",
}

CREATE_201: dict[str, Any] = {
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN",
    "description": "Custom model for cardiology consultations and reports",
    "language": "en",
    "base_model": "medical",
    "training_status": 1,
    "status_message": "Model created. Upload training data to begin.",
    "created_at": "2025-01-15T10:00:00Z",
    "updated_at": "2025-01-15T10:00:00Z",
}

UPDATE_REQUEST: dict[str, Any] = {
    "name": "Medical Cardiology EN v2",
    "description": "Updated description with enhanced terminology",
}

UPDATE_200: dict[str, Any] = {
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN v2",
    "description": "Updated description with enhanced terminology",
    "language": "en",
    "base_model": "medical",
    "training_status": 4,
    "status_message": "Training completed successfully",
    "created_at": "2025-01-15T10:00:00Z",
    "updated_at": "2025-01-17T14:20:00Z",
    "training_metrics": {"word_error_rate": 12.5, "accuracy_improvement": 18.7},
}

TRAIN_REQUEST: dict[str, Any] = {}

TRAIN_200: dict[str, Any] = {
    "id": 123,
    "model_key": "custom_model_123",
    "name": "Medical Cardiology EN",
    "training_status": 3,
    "status_message": "Training started successfully",
    "training_progress": 0,
    "started_training_at": "2025-01-16T08:00:00Z",
    "updated_at": "2025-01-16T08:00:00Z",
}

TRAININGDATA_UPLOAD_200: dict[str, Any] = {
    "message": "Training data uploaded successfully",
    "data_type": "train",
    "filename": "cardiology_01.mp3",
    "transcript_filename": "cardiology_01.txt",
    "training_status": 2,
}

DATA_LIST_OK: dict[str, Any] = {
    "result": [
        {
            "id": 1,
            "name": "X-dataset.txt",
            "type": 1,
            "language_id": 2,
            "media_url": "https://xyz.com/txt",
            "url": "https://s3.ovh.xyz/X-dataset.txt",
        }
    ],
    "count": 1,
    "total_results": 1,
}

DATA_GET_OK: dict[str, Any] = {
    "result": {
        "id": 1,
        "name": "X-dataset.txt",
        "type": 1,
        "language_id": 2,
        "media_url": "https://xyz.com/txt",
        "url": "https://s3.ovh.xyz/X-dataset.txt",
    },
    "count": 1,
    "total_results": 1,
}

LEGACY_CREATE_REQUEST: dict[str, Any] = {
    # Generation C (legacy create page): ids sent as strings; the name here is illustrative.
    "name": "Custom model",
    "language_id": "7",
    "organization_id": "20123",
}

# -- errors ----------------------------------------------------------------------------------------

LIST_400: dict[str, Any] = {
    "error": "Bad Request",
    "message": "Invalid query parameters",
    "details": {"per_page": "Maximum value is 100", "status": "Must be between 1 and 5"},
}
UNAUTHORIZED_401: dict[str, Any] = {"error": "Unauthorized", "message": "Invalid or missing API key"}
CREATE_400: dict[str, Any] = {
    "error": "Validation Error",
    "message": "Invalid field values",
    "details": {"name": "Name cannot be empty", "language": "Language 'xx' is not supported"},
}
CREATE_402: dict[str, Any] = {
    "error": "Quota Exceeded",
    "message": "Custom model limit reached for your plan",
    "error_code": "MODEL_LIMIT_EXCEEDED",
    "details": {"current_models": 5, "plan_limit": 5, "plan": "Gold"},
}
CREATE_500: dict[str, Any] = {
    "error": "Internal Server Error",
    "message": "An unexpected error occurred. Please try again.",
}
DELETE_404: dict[str, Any] = {"error": "Not Found", "message": "Model not found", "error_code": "MODEL_NOT_FOUND"}
DELETE_409: dict[str, Any] = {
    "error": "Conflict",
    "message": "Cannot delete model: currently in use",
    "error_code": "MODEL_IN_USE",
    "details": {"active_transcriptions": 5},
}
RATELIMIT_429_REFERENCE: dict[str, Any] = {
    "error": "rate_limit_exceeded",
    "message": "You have exceeded the allowed number of requests. Please wait and try again later.",
}
RATELIMIT_429: dict[str, Any] = {
    "error": "Rate Limit Exceeded",
    "message": "Too many requests. Please try again in 60 seconds.",
    "error_code": "RATE_LIMIT_EXCEEDED",
    "retry_after": 60,
}

# Shapes documented as templates; the values are illustrative.
ERROR_FORMAT_TEMPLATE: dict[str, Any] = {
    "error": "Validation Error",
    "message": "Invalid field values",
    "error_code": "VALIDATION_ERROR",
    "details": {"name": "Name cannot be empty"},
}
ERROR_401_CODES = ("MISSING_API_KEY", "INVALID_API_KEY", "KEY_REVOKED")
ERROR_BASEERROR_TEMPLATE: dict[str, Any] = {
    "error": "invalid_request",
    "error_description": "The model id is not valid",
    "message": "Invalid request",
    "detail": "id must be an integer",
}
ERROR_422_REFERENCE: dict[str, Any] = {
    "error": {"code": 422, "message": "Validation failed", "details": {"field": "name", "issue": "Name is required"}}
}
