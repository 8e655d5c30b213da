"""Preparing a training-data upload: the audio file and its transcript, read, named and checked.

``audio`` is a path (``str`` or ``Path``), raw bytes, or ``(filename, bytes)``; raw bytes are
named from ``filename`` and their format is recognised from their first bytes when no extension
says it. ``transcript`` is the text itself (``str``), a ``Path``, a ``str`` naming a ``.txt``
file, bytes, or ``(filename, content)``. Everything is checked before anything is sent.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Union

import attrs
import httpx

from modelreg import Issue, ValidationFailed
from modelreg_scriptix._records import AUDIO_EXTENSIONS, DATA_KINDS
from modelreg_scriptix._validation import PROVIDER

FileInput = Union[str, "os.PathLike[str]", bytes, bytearray, tuple[str, bytes | str]]
"""A file to upload: a path, raw bytes, or ``(filename, content)`` (a transcript may also be its text)."""

_CONTENT_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac"}


@attrs.frozen
class Part:
    """One file of a multipart upload."""

    filename: str
    content: bytes
    content_type: str


def prepare_upload(audio: Any, transcript: Any, kind: Any, filename: str | None) -> tuple[Part, Part]:
    """Both files of an upload, named and checked; ``ValidationFailed`` lists every problem."""
    issues: list[Issue] = []
    if kind not in DATA_KINDS:
        issues.append(Issue(("body", "type"), f"kind must be 'train' or 'test', got {kind!r}", "invalid_choice"))
    if filename is not None and (not isinstance(filename, str) or not filename.strip() or "/" in filename):
        issues.append(Issue(("body", "filename"), f"filename must be a plain file name, got {filename!r}", "type"))
        filename = None
    audio_part = _audio(audio, filename, issues)
    stem = _stem(filename) if filename else (_stem(audio_part.filename) if audio_part else "transcript")
    transcript_part = _transcript(transcript, stem, issues)
    if issues or audio_part is None or transcript_part is None:
        raise ValidationFailed(issues, provider=PROVIDER)
    return audio_part, transcript_part


def multipart_request(base: httpx.Request, kind: str, audio: Part, transcript: Part) -> httpx.Request:
    """``base`` (method, URL, headers, extensions) carrying the upload as its multipart body."""
    request = httpx.Request(
        base.method,
        base.url,
        # A bodiless base request carries content-length 0: keep only its other headers.
        headers={
            **{k: v for k, v in base.headers.items() if k.lower() not in ("content-length", "content-type")},
            "content-type": f"multipart/form-data; boundary={boundary(kind, audio, transcript)}",
        },
        data={"type": kind},
        files={
            "audio_file": (audio.filename, audio.content, audio.content_type),
            "transcript_file": (transcript.filename, transcript.content, transcript.content_type),
        },
        extensions=dict(base.extensions),
    )
    request.read()  # the body is bytes already: reading it lets transports and cassettes see it
    return request


def boundary(kind: str, audio: Part, transcript: Part) -> str:
    """A multipart boundary derived from the content, so that the same upload encodes the same way."""
    digest = hashlib.sha256()
    for piece in (kind.encode(), audio.filename.encode(), audio.content, transcript.filename.encode()):
        digest.update(piece)
        digest.update(b"\0")
    digest.update(transcript.content)
    return f"modelreg-{digest.hexdigest()[:32]}"


def sniff_audio(content: bytes) -> str | None:
    """The audio format of ``content`` from its first bytes (``"wav"``, ``"mp3"``...), or None."""
    head = content[:12]
    if head.startswith(b"RIFF"):
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # An MPEG frame sync: layer bits 00 mark an ADTS (AAC) stream, anything else MP3.
        return "aac" if head[1] & 0x06 == 0 else "mp3"
    return None


def _audio(value: Any, filename: str | None, issues: list[Issue]) -> Part | None:
    loc = ("body", "audio_file")
    if isinstance(value, (bytes, bytearray)):
        content, name = bytes(value), filename or "audio"
        if _extension(name) not in AUDIO_EXTENSIONS:
            detected = sniff_audio(content)
            if detected is None:
                issues.append(
                    Issue(loc, "cannot tell the format of raw audio bytes: pass filename='call_01.mp3'", "unsupported")
                )
                return None
            name = f"{name}.{detected}"
    else:
        read = _file(value, "audio", issues, loc)
        if read is None:
            return None
        name, content = read
    if not content:
        issues.append(Issue(loc, f"audio {name!r} is empty", "empty"))
    if _extension(name) not in AUDIO_EXTENSIONS:
        formats = ", ".join(e.upper() for e in AUDIO_EXTENSIONS)
        issues.append(Issue(loc, f"audio {name!r} must be {formats}, named with its extension", "unsupported"))
        return None
    return Part(name, content, _CONTENT_TYPES.get(_extension(name), f"audio/{_extension(name)}"))


def _transcript(value: Any, stem: str, issues: list[Issue]) -> Part | None:
    loc = ("body", "transcript_file")
    if isinstance(value, str) and not _names_a_file(value):
        name, content = f"{stem}.txt", value.encode()
    elif isinstance(value, (bytes, bytearray)):
        name, content = f"{stem}.txt", bytes(value)
    else:
        read = _file(value, "transcript", issues, loc)
        if read is None:
            return None
        name, content = read
    if not name.lower().endswith(".txt"):
        issues.append(Issue(loc, f"transcript {name!r} must be a .txt file", "type"))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        issues.append(Issue(loc, "transcript must be UTF-8 plain text", "encoding"))
        return None
    if not text.strip():
        issues.append(Issue(loc, "transcript is empty: Scriptix needs the complete, verbatim text", "empty"))
    return Part(name, content, "text/plain; charset=utf-8")


def _names_a_file(text: str) -> bool:
    # A one-line string ending in .txt is taken as a path (the common mistake to guard against is
    # uploading "calls/visit-01.txt" as the transcript's text).
    return "\n" not in text and text.strip().lower().endswith(".txt")


def _file(value: Any, what: str, issues: list[Issue], loc: tuple[str, str]) -> tuple[str, bytes] | None:
    if value is None:
        issues.append(Issue(loc, f"{what} is required: a path, bytes or (filename, content)", "missing"))
        return None
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        name, content = value
        if isinstance(content, (bytes, bytearray, str)):
            return name, content.encode() if isinstance(content, str) else bytes(content)
    elif isinstance(value, (str, os.PathLike)):
        path = Path(value)
        try:
            # Reading a local file is the one I/O a flow does: it happens before anything is sent.
            return path.name, path.read_bytes()
        except OSError as exc:
            issues.append(Issue(loc, f"cannot read {what} file {str(path)!r}: {exc.strerror or exc}", "unreadable"))
            return None
    issues.append(
        Issue(loc, f"{what} must be a path, bytes or (filename, content), got {type(value).__name__}", "type")
    )
    return None


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _stem(name: str) -> str:
    return name.rpartition(".")[0] if _extension(name) in (*AUDIO_EXTENSIONS, "txt") else name
