"""Writing one profile's table for one provider into the config file, leaving the rest of it as it was.

Only the ``[profiles.NAME.PROVIDER]`` table is rewritten (or appended): the user's comments and
other tables stay byte for byte. The result is parsed back and compared before it replaces the
file, which is written atomically with mode 0600 (it may hold a secret) in a 0700 directory.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from modelreg._profiles import Reference, Value, config_path
from modelreg.errors import ConfigurationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_HEADER = re.compile(r"^\s*\[(?!\[)(?P<key>[^\]#]*)\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def toml_key(key: str) -> str:
    """``key`` as a TOML key: bare when it can be, else a quoted string."""
    return key if _BARE.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, control characters included)."""
    return json.dumps(text, ensure_ascii=False)


def toml_value(value: Value) -> str:
    """One value as TOML: a string, number, boolean, or a reference's inline table."""
    if isinstance(value, Reference):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_string(v)}" for k, v in value.toml().items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a setting cannot be {value!r}")
        return repr(value)
    return toml_string(value)


def _dotted(parts: list[str]) -> str:
    return ".".join(toml_key(part) for part in parts)


def _split_key(text: str) -> list[str] | None:
    """The parts of a dotted table key such as ``profiles."my prod".scriptix``, or None if unreadable."""
    try:
        parsed = tomllib.loads(f"[{text}]\n")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    node: Any = parsed
    while isinstance(node, dict) and len(node) == 1:
        ((key, node),) = node.items()
        parts.append(key)
    return parts


def rewrite(text: str, profile: str, provider: str, values: Mapping[str, Value]) -> str:
    """``text`` with the table of ``profile`` and ``provider`` holding exactly ``values``."""
    block = [f"[{_dotted(['profiles', profile, provider])}]\n"]
    block += [f"{toml_key(name)} = {toml_value(value)}\n" for name, value in values.items()]
    lines = text.splitlines(keepends=True)
    start = next(
        (
            n
            for n, line in enumerate(lines)
            if (match := _HEADER.match(line)) and _split_key(match["key"]) == ["profiles", profile, provider]
        ),
        None,
    )
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        return "".join(lines) + ("\n" if lines else "") + "".join(block)
    end = next((n for n in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[n])), len(lines))
    # Blank lines and comments just before the next table belong to it, not to the table replaced.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "".join(lines[:start] + block + lines[end:])


def _expected(data: dict[str, Any], profile: str, provider: str, values: Mapping[str, Value]) -> dict[str, Any]:
    expected = copy.deepcopy(data)
    table = {name: value.toml() if isinstance(value, Reference) else value for name, value in values.items()}
    expected.setdefault("profiles", {}).setdefault(profile, {})[provider] = table
    return expected


def save_profile(profile: str, provider: str, values: Mapping[str, Value], *, path: Path | None = None) -> Path:
    """Make ``[profiles.PROFILE.PROVIDER]`` hold ``values`` (inline or ``Reference``) in the config file.

    The rest of the file is kept as it was; the file is written with mode 0600. Returns its path.
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the modelreg config file {path}: {exc}") from None
    try:
        before = tomllib.loads(text)
        after_text = rewrite(text, profile, provider, values)
        after = tomllib.loads(after_text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigurationError(f"cannot update the modelreg config file {path}: {exc}") from None
    if after != _expected(before, profile, provider, values):
        raise ConfigurationError(
            f"cannot update {path} without changing other settings (the table is defined in an unusual way); "
            f"edit [{_dotted(['profiles', profile, provider])}] by hand"
        )
    _write_private(path, after_text)
    return path


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
