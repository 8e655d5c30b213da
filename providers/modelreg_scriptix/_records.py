"""Scriptix's own records and vocabulary: model details, training metrics, training data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from modelreg import ModelStatus
from modelreg.provider import RecordSlots

LANGUAGES: tuple[str, ...] = (
    # European
    "en", "nl", "fr", "de", "es", "it", "pt", "pl", "cs", "da", "fi", "el", "hu", "no", "ro", "sk", "sv",
    # Middle East
    "ar", "he", "tr", "fa",
    # Asian
    "zh", "ja", "ko", "hi", "th", "id", "vi",
    # Other
    "ru", "uk", "ms", "ta", "te",
)  # fmt: skip
"""The 33 language codes the Create page lists (override with the ``languages`` setting)."""

BASE_MODELS: tuple[str, ...] = ("general", "medical", "legal", "technical")
"""The base model types a custom model starts from; ``general`` is the default."""

STATUS_MESSAGES: tuple[str, ...] = (
    "Model created. Upload training data to begin.",
    "Data uploaded. Ready to start training.",
    "Training started successfully",
    "Training in progress...",
    "Training completed successfully",
)
"""The ``status_message`` texts the docs show, one per step of a model's life."""

DATA_KINDS: tuple[str, ...] = ("train", "test")
"""The kinds of training data an upload declares in its ``type`` field."""

AUDIO_EXTENSIONS: tuple[str, ...] = ("mp3", "wav", "flac", "m4a", "aac", "ogg")
"""Audio formats the TrainingData page accepts."""

STATUS_BY_CODE: Mapping[int, ModelStatus] = {
    1: ModelStatus.PENDING,
    2: ModelStatus.READY,
    3: ModelStatus.TRAINING,
    4: ModelStatus.AVAILABLE,
    5: ModelStatus.FAILED,
}
"""``training_status`` values to the common statuses; any other value is ``UNKNOWN``."""

CODE_BY_STATUS: Mapping[ModelStatus, int] = {status: code for code, status in STATUS_BY_CODE.items()}
"""The ``status`` list filter's wire value for each common status Scriptix has."""

NAME_MAX = 200
DESCRIPTION_MAX = 1000


# Slotted records whose slots live in plain bases: a kept model's details weigh a third of a dict
# class's, and the codec fills them at C speed (see modelreg.provider.record_builder).
class _MetricsSlots(RecordSlots):
    __slots__ = ("__weakref__", "accuracy_improvement", "word_error_rate")


class _DetailsSlots(RecordSlots):
    __slots__ = (
        "__weakref__",
        "base_model",
        "error",
        "finished_training_at",
        "language",
        "model_key",
        "started_training_at",
        "status_message",
        "training_metrics",
        "training_progress",
        "training_status",
    )


@attrs.frozen
class TrainingMetrics(_MetricsSlots):
    """The quality figures of a trained model (units not stated by Scriptix; percentages in its samples)."""

    word_error_rate: float | None = None
    accuracy_improvement: float | None = None


@attrs.frozen(kw_only=True)
class ScriptixDetails(_DetailsSlots):
    """Every documented Scriptix model field that ``Model`` does not already hold, typed."""

    model_key: str | None = None
    """The key transcription requests use to pick the model, ``custom_model_{id}``."""
    language: str | None = None
    base_model: str | None = None
    training_status: int | None = None
    """The raw 1-5 code (None when the answer carried no integer)."""
    status_message: str | None = None
    training_progress: int | None = None
    """Percent done while training (3), 100 once trained."""
    started_training_at: datetime | None = None
    finished_training_at: datetime | None = None
    training_metrics: TrainingMetrics | None = None
    error: str | None = None
    """Why training failed, when the server says so (undocumented; seen only in sample code)."""


@attrs.frozen(kw_only=True)
class TrainingDataUpload:
    """The answer to an upload of one audio file and its transcript."""

    model_id: str
    message: str | None = None
    data_type: str | None = None
    """``train`` or ``test``."""
    filename: str | None = None
    transcript_filename: str | None = None
    training_status: int | None = None
    status: ModelStatus = ModelStatus.UNKNOWN
    """The model's status after the upload (``READY`` once enough data is in)."""
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class TrainingData:
    """One dataset uploaded to a model (an audio file with its transcript, or a test file)."""

    id: str
    model_id: str
    name: str | None = None
    kind: str | None = None
    """``train`` or ``test`` (wire ``type`` 1 or 2, or the words themselves)."""
    language_id: int | None = None
    media_url: str | None = None
    url: str | None = None
    transcript_filename: str | None = None
    created_at: datetime | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
