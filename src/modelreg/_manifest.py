"""Models as code: the TOML manifest of which models should exist, checked before anything is sent.

A manifest lists ``[[models]]`` entries (a ``provider`` and its create fields) and an optional
``[prune]`` table saying which existing models ``apply --prune`` may delete. Each entry is
identified by its provider's ``natural_key``; its fields are checked by the provider's own create
rules (its create flow is started offline and stopped before its first request). Secrets are
written only as ``${env:VAR}`` or ``${file:path}`` and held in ``Secret`` wrappers that never print.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from modelreg._manifest_text import Lines
from modelreg._manifest_types import Manifest, ManifestEntry, PruneScope, Secret, reveal
from modelreg._plugins import provider_classes
from modelreg._records import Issue
from modelreg._redact import Redactor
from modelreg.errors import ModelRegError, ValidationFailed
from modelreg.provider import Config, Flow, Provider

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PLACEHOLDER = "manifest-check"
"""The credential an offline provider is built with: it only checks fields and never sends."""
_REFERENCE = re.compile(r"^\$\{(?P<kind>[A-Za-z]+):(?P<target>[^}]*)\}$")
_HOW = "write it as a reference: ${env:VAR} or ${file:path}"


def load_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read and check a TOML manifest; every problem is reported at once, with its line, before anything is sent."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ValidationFailed(
            [Issue(("file",), reason)], message=f"cannot read the manifest {source}: {reason}"
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed([Issue(("file",), str(exc))], message=f"{source} is not valid TOML: {exc}") from None
    return Checker(source, Lines(text)).manifest(document)


class Checker:
    """One manifest being checked: collects every problem with its position, then builds the ``Manifest``."""

    def __init__(self, source: Path, lines: Lines) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[tuple[Issue, str]] = []
        self.secrets: list[str] = []
        self.classes = provider_classes()
        self._offline: dict[str, Provider] = {}

    def problem(self, loc: tuple[str, ...], where: str, message: str) -> None:
        """Record one problem; ``where`` is the human position (line, entry)."""
        self.problems.append((Issue(loc, message, "manifest"), where))

    def manifest(self, document: Mapping[str, Any]) -> Manifest:
        """The checked manifest, or ``ValidationFailed`` listing every problem."""
        for key in document:
            if key not in ("models", "prune"):
                self.problem(
                    (key,),
                    self.lines.top(key),
                    f"unknown key {key!r}; a manifest has [[models]] entries and a [prune] table",
                )
        raw = document.get("models", [])
        if not isinstance(raw, list):
            self.problem(("models",), self.lines.top("models"), "models must be an array of tables: [[models]]")
            raw = []
        entries: list[ManifestEntry] = []
        seen: dict[tuple[str, str], ManifestEntry] = {}
        for number, item in enumerate(raw, start=1):
            entry = self.entry(number, item)
            if entry is None:
                continue
            identity = (entry.provider, repr(sorted(entry.key.items())))
            if identity in seen:
                first = seen[identity]
                self.problem(
                    ("models", str(number)),
                    self.where(entry.number, None),
                    f"{entry.label} is already described by entry {first.number}"
                    f"{f' (line {first.line})' if first.line else ''}; describe each model once",
                )
            else:
                seen[identity] = entry
                entries.append(entry)
        prune = self.prune(document.get("prune", {}))
        if self.problems:
            redactor = Redactor(self.secrets)
            listed = "; ".join(redactor.text(f"{where}: {issue.message}") for issue, where in self.problems)
            raise ValidationFailed(
                [attrs.evolve(issue, message=redactor.text(issue.message)) for issue, _ in self.problems],
                message=f"{self.source} is not a valid manifest (nothing was sent): {listed}",
            )
        return Manifest(tuple(entries), prune, str(self.source))

    def where(self, number: int, field: str | None) -> str:
        """``entry 2 (line 7)``, with the field's own line when it has one."""
        line = self.lines.field(number, field) if field else None
        line = line or self.lines.entry(number)
        return f"entry {number}" + (f" (line {line})" if line else "") + (f", {field}" if field else "")

    def offline(self, cls: type[Provider]) -> Provider:
        """A provider instance that can check fields but holds no credential (it never sends)."""
        if cls.name not in self._offline:
            values: dict[str, Any] = {}
            for setting in cls.settings:
                value = None if setting.secret or not setting.env else os.environ.get(setting.env) or None
                value = value if value is not None else setting.default
                if value is None and setting.required:
                    value = PLACEHOLDER
                values[setting.name] = value
            secret_names = frozenset(s.name for s in cls.settings if s.secret)
            self._offline[cls.name] = cls(Config(cls.name, cls.default_base_url, values, secret_names))
        return self._offline[cls.name]

    def entry(self, number: int, item: Any) -> ManifestEntry | None:
        """One ``[[models]]`` entry checked, or None when it has problems (recorded)."""
        loc = ("models", str(number))
        if not isinstance(item, Mapping):
            self.problem(loc, self.where(number, None), "each entry must be a table under [[models]]")
            return None
        cls = self.provider_of(loc, self.where(number, "provider"), item.get("provider"))
        if cls is None:
            return None
        before = len(self.problems)
        fields = {name: self.value(cls, number, name, value) for name, value in item.items() if name != "provider"}
        key = {name: fields.get(name, cls.create_defaults.get(name)) for name in cls.natural_key}
        missing = [name for name, value in key.items() if value is None]
        if missing:
            names = ", ".join(cls.natural_key)
            self.problem(
                loc, self.where(number, None), f"{cls.name} models are identified by {names}: add {', '.join(missing)}"
            )
        # An unresolved reference stays as written, so that the create rules still check the other fields.
        for issue in check_flow(functools.partial(self.offline(cls).create, reveal(fields))):
            field = issue.loc[1] if len(issue.loc) > 1 and issue.loc[0] == "body" else None
            if field not in missing:  # already said, with the natural key it belongs to
                self.problem((*loc, *issue.loc[1:]), self.where(number, field), issue.message)
        if len(self.problems) > before:
            return None
        return ManifestEntry(cls.name, fields, key, number, self.lines.entry(number))

    def provider_of(self, loc: tuple[str, ...], where: str, name: Any) -> type[Provider] | None:
        """The provider class an entry names, or None (the problem recorded)."""
        installed = ", ".join(sorted(self.classes)) or "none"
        if not isinstance(name, str) or not name:
            self.problem(loc, where, f'provider is required, e.g. provider = "scriptix" (installed: {installed})')
            return None
        cls = self.classes.get(name)
        if cls is None:
            self.problem(loc, where, f"no provider named {name!r} is installed (installed: {installed})")
        elif not cls.natural_key:
            self.problem(
                loc, where, f"provider {name!r} declares no natural key, so models as code cannot tell its models apart"
            )
            cls = None
        return cls

    def value(self, cls: type[Provider], number: int, name: str, value: Any) -> Any:
        """A field's value with references resolved; a secret written inline is a problem."""
        loc, where = ("models", str(number), name), self.where(number, name)
        secret = name in cls.secret_fields
        if isinstance(value, Mapping):
            return {key: self.scalar(loc, where, f"{name}.{key}", item, secret) for key, item in value.items()}
        return self.scalar(loc, where, name, value, secret)

    def scalar(self, loc: tuple[str, ...], where: str, name: str, value: Any, secret: bool) -> Any:
        """One value: a reference resolved (a ``Secret`` for a secret field), or the value as written."""
        if isinstance(value, str) and value.startswith("${"):
            resolved = self.resolve(loc, where, value)
            if resolved is None:
                return value
            if secret:
                self.secrets.append(resolved)
                return Secret(value, resolved)
            return resolved
        if secret:
            # Never quote the value, here or in what the provider's checks say about it: it is the secret.
            self.secrets.append(str(value))
            self.problem(loc, where, f"{name} is a secret and may not be written in the manifest; {_HOW}")
        return value

    def resolve(self, loc: tuple[str, ...], where: str, text: str) -> str | None:
        """The value a ``${env:VAR}`` or ``${file:path}`` reference points at, or None (problem recorded)."""
        match = _REFERENCE.match(text)
        kind, target = (match["kind"], match["target"].strip()) if match else ("", "")
        if kind not in ("env", "file") or not target:
            self.problem(loc, where, f"{text!r} is not a reference; {_HOW}")
            return None
        if kind == "env":
            value = os.environ.get(target)
            if not value:
                self.problem(loc, where, f"environment variable {target} is not set (referenced as {text})")
            return value or None
        path = Path(target).expanduser()
        path = path if path.is_absolute() else self.source.parent / path
        try:
            content = path.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            self.problem(loc, where, f"cannot read {path} (referenced as {text}): {reason}")
            return None
        if not content:
            self.problem(loc, where, f"{path} is empty (referenced as {text})")
            return None
        return content

    def prune(self, raw: Any) -> dict[str, PruneScope]:
        """The ``[prune]`` scopes checked: one per provider, each narrowed by a name prefix or filters."""
        where = self.lines.top("prune")
        if not isinstance(raw, Mapping):
            self.problem(
                ("prune",), where, 'prune must be a table: [prune] then scriptix = { name_prefix = "team-a/" }'
            )
            return {}
        scopes: dict[str, PruneScope] = {}
        for name, conditions in raw.items():
            loc, here = (
                ("prune", name),
                f"[prune] {name}" + (f" (line {self.lines.prune(name)})" if self.lines.prune(name) else ""),
            )
            cls = self.provider_of(loc, here, name)
            if cls is None:
                continue
            if not isinstance(conditions, Mapping) or not conditions:
                self.problem(
                    loc,
                    here,
                    'give the scope as a table, e.g. { name_prefix = "team-a/" }: an empty scope would let '
                    f"--prune delete every {cls.name} model",
                )
                continue
            prefix = conditions.get("name_prefix")
            if "name_prefix" in conditions and (not isinstance(prefix, str) or not prefix):
                self.problem(loc, here, "name_prefix must be a non-empty string")
                continue
            filters = {key: value for key, value in conditions.items() if key != "name_prefix"}
            problems = check_flow(functools.partial(_checked_filters, self.offline(cls), filters))
            for issue in problems:
                hint = (
                    "" if issue.loc[-1] not in filters else f" (a scope takes name_prefix or {cls.name}'s list filters)"
                )
                self.problem((*loc, issue.loc[-1]), here, f"{issue.message}{hint}")
            if not problems:
                scopes[name] = PruneScope(name, prefix, filters)
        return scopes


def _checked_filters(provider: Provider, filters: Mapping[str, Any]) -> Flow[None]:
    provider.check_filters(filters)
    yield from ()


def check_flow(start: Callable[[], Flow[Any]]) -> list[Issue]:
    """The problems a provider flow finds before its first request; the flow is closed, nothing is sent."""
    try:
        flow = start()
        try:
            next(flow)
        finally:
            flow.close()
    except StopIteration:
        return []
    except ValidationFailed as exc:
        return list(exc.issues)
    except ModelRegError as exc:
        return [Issue(("body",), str(exc), type(exc).__name__)]
    return []
