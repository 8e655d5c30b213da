"""The documented Scriptix model that every benchmark serves (List page, first example, status 4)."""

from __future__ import annotations

from typing import Any

TRAINED: dict[str, Any] = {
    "training_status": 4,
    "status_message": "Training completed successfully",
    "training_progress": 100,
    "started_training_at": "2025-01-16T08:00:00Z",
    "finished_training_at": "2025-01-16T15:30:00Z",
    "updated_at": "2025-01-16T15:30:00Z",
    "training_metrics": {"word_error_rate": 12.5, "accuracy_improvement": 18.7},
}
"""The fields that make the example a trained model."""


def scriptix_model(model_id: int = 123, name: str = "Medical Cardiology EN") -> dict[str, Any]:
    """The List page's first example model (shared/seeds/scriptix-list-custom-models.txt), with its own id."""
    return {
        "id": model_id,
        "model_key": f"custom_model_{model_id}",
        "name": name,
        "description": "Cardiology consultations and reports",
        "language": "en",
        "base_model": "medical",
        "created_at": "2025-01-15T10:00:00Z",
        **TRAINED,
    }
