"""Training flows: preparing a training-data upload, and waiting for training to finish."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import attrs

from modelreg import Issue, Model, ModelStatus, ValidationFailed
from modelreg.provider import Flow, Pause
from modelreg_scriptix._errors import TrainingFailed, TrainingTimedOut
from modelreg_scriptix._records import AUDIO_EXTENSIONS, DATA_KINDS
from modelreg_scriptix._validation import PROVIDER

if TYPE_CHECKING:
    from modelreg_scriptix._provider import ScriptixProvider

FileInput = Union[str, "os.PathLike[str]", bytes, bytearray, tuple[str, bytes | str]]
"""A file to upload: a path, raw bytes, or ``(filename, content)``."""
Progress = Callable[[Model], Any]
"""Called with the model after every poll while waiting for training."""

DEFAULT_POLL_INTERVAL = 20.0
"""Scriptix's own web app polls training every 20 seconds."""
MAX_POLL_INTERVAL = 300.0
BACKOFF = 1.5
DEFAULT_TIMEOUT = 24 * 3600.0
"""Training "typically takes 6-12 hours"; a day leaves room before giving up."""


@attrs.frozen
class Part:
    """One file of a multipart upload."""

    filename: str
    content: bytes
    content_type: str


def prepare_upload(
    audio: FileInput | None,
    transcript: FileInput | None,
    kind: Any,
    audio_filename: str | None,
    transcript_filename: str | None,
) -> tuple[Part, Part]:
    """Read and check both files of an upload; ``ValidationFailed`` lists every problem, nothing sent."""
    issues: list[Issue] = []
    if kind not in DATA_KINDS:
        issues.append(Issue(("body", "type"), f"kind must be 'train' or 'test', got {kind!r}", "invalid_choice"))
    audio_part = _read(audio, audio_filename, "audio_file", issues)
    transcript_part = _read(transcript, transcript_filename, "transcript_file", issues, default="transcript.txt")
    if audio_part is not None:
        extension = audio_part.filename.rpartition(".")[2].lower() if "." in audio_part.filename else ""
        if extension not in AUDIO_EXTENSIONS:
            formats = ", ".join(e.upper() for e in AUDIO_EXTENSIONS)
            issues.append(
                Issue(
                    ("body", "audio_file"),
                    f"audio {audio_part.filename!r} must be one of {formats} (named with its extension; "
                    "pass audio_filename= with raw bytes)",
                    "unsupported",
                )
            )
    if transcript_part is not None:
        if not transcript_part.filename.lower().endswith(".txt"):
            issues.append(
                Issue(
                    ("body", "transcript_file"), f"transcript {transcript_part.filename!r} must be a .txt file", "type"
                )
            )
        try:
            transcript_part.content.decode("utf-8")
        except UnicodeDecodeError:
            issues.append(Issue(("body", "transcript_file"), "transcript must be UTF-8 plain text", "encoding"))
    if issues or audio_part is None or transcript_part is None:
        raise ValidationFailed(issues, provider=PROVIDER)
    return (
        Part(audio_part.filename, audio_part.content, _audio_type(audio_part.filename)),
        Part(transcript_part.filename, transcript_part.content, "text/plain; charset=utf-8"),
    )


def boundary(kind: str, audio: Part, transcript: Part) -> str:
    """A multipart boundary derived from the content, so that the same upload encodes the same way."""
    digest = hashlib.sha256()
    for piece in (kind.encode(), audio.filename.encode(), audio.content, transcript.filename.encode()):
        digest.update(piece)
        digest.update(b"\0")
    digest.update(transcript.content)
    return f"modelreg-{digest.hexdigest()[:32]}"


def _read(value: Any, filename: str | None, field: str, issues: list[Issue], default: str = "") -> Part | None:
    loc = ("body", field)
    what = field.partition("_")[0]
    if value is None:
        issues.append(Issue(loc, f"{what} is required: a path, bytes or (filename, bytes)", "missing"))
        return None
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        name, content = value
        data = content.encode() if isinstance(content, str) else content
        return Part(name, bytes(data), "")
    if isinstance(value, (bytes, bytearray)):
        filename = filename or default
        if not filename:
            issues.append(Issue(loc, f"pass {what}_filename= (e.g. 'call_01.mp3') with raw bytes", "missing"))
            return None
        return Part(filename, bytes(value), "")
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        try:
            # Reading a local file is the one I/O a flow does: it happens before anything is sent.
            data = path.read_bytes()
        except OSError as exc:
            issues.append(Issue(loc, f"cannot read {what} file {str(path)!r}: {exc.strerror or exc}", "unreadable"))
            return None
        return Part(filename or path.name, data, "")
    issues.append(Issue(loc, f"{what} must be a path, bytes or (filename, bytes), got {type(value).__name__}", "type"))
    return None


def _audio_type(filename: str) -> str:
    extension = filename.rpartition(".")[2].lower()
    return {"mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac"}.get(extension, f"audio/{extension}")


def wait_for(
    provider: ScriptixProvider,
    model_id: str,
    *,
    progress: Progress | None = None,
    timeout: float | None = None,
    poll_interval: float | None = None,
    first: Model | None = None,
) -> Flow[Model]:
    """Poll the model with growing intervals until training ends; return it trained or raise.

    ``first`` is a state already known (the answer to ``run``): it counts as the first poll.

    ``TrainingFailed`` when it ends in status 5; ``TrainingTimedOut`` when ``timeout`` passes
    first; ``ValidationFailed`` when the model has no data (status 1), as nothing would change.
    """
    timeout = _positive(DEFAULT_TIMEOUT if timeout is None else timeout, "timeout")
    interval = _positive(DEFAULT_POLL_INTERVAL if poll_interval is None else poll_interval, "poll_interval")
    if progress is not None and not callable(progress):
        raise ValidationFailed(
            [Issue(("progress",), "progress must be a callable taking the model", "type")], provider=PROVIDER
        )
    now: float = yield Pause(0)
    deadline = now + timeout
    model = first
    while True:
        if model is None:
            model = yield from provider.get(model_id)
        if progress is not None:
            progress(model)
        if model.status is ModelStatus.AVAILABLE:
            return model
        if model.status is ModelStatus.FAILED:
            raise TrainingFailed(model)
        if model.status is ModelStatus.PENDING:
            raise ValidationFailed(
                [
                    Issue(
                        ("path", "id"),
                        f"model {model_id} has no training data (status 1), so training cannot finish: "
                        "upload training data and call train() first",
                        "not_training",
                    )
                ],
                provider=PROVIDER,
            )
        if now >= deadline:
            raise TrainingTimedOut(model, timeout)
        now = yield Pause(min(interval, deadline - now))
        model = None
        interval = min(interval * BACKOFF, max(MAX_POLL_INTERVAL, interval))


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValidationFailed(
            [Issue((name,), f"{name} must be a positive number of seconds, got {value!r}", "type")], provider=PROVIDER
        )
    return float(value)
