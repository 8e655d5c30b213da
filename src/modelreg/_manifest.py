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
from modelreg._plugins import provider_classes
from modelreg._records import Issue, Model
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


class Secret:
    """A credential from a ``${env:VAR}`` or ``${file:path}`` reference: shows the reference, never the value."""

    __slots__ = ("_value", "reference")

    def __init__(self, reference: str, value: str) -> None:
        self.reference = reference
        self._value = value

    def reveal(self) -> str:
        """The secret value itself, for the request that needs it."""
        return self._value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.reference == self.reference

    def __hash__(self) -> int:
        return hash(self.reference)

    def __repr__(self) -> str:
        return f"Secret({self.reference!r})"

    __str__ = __repr__


@attrs.frozen
class ManifestEntry:
    """One model that should exist: its provider, its create fields and the natural key naming it."""

    provider: str
    fields: Mapping[str, Any]
    """Create fields as written; secrets are ``Secret`` wrappers."""
    key: Mapping[str, Any]
    """The natural-key fields and their values (provider defaults filled in)."""
    number: int
    """Position in the manifest's ``[[models]]``, from 1."""
    line: int | None = None

    @property
    def label(self) -> str:
        """The entry for messages: provider and key values, e.g. ``scriptix 'Cardiology EN' / en / medical``."""
        return f"{self.provider} " + " / ".join(repr(v) if isinstance(v, str) else str(v) for v in self.key.values())

    def create_fields(self) -> dict[str, Any]:
        """The fields to send to ``create``, secrets revealed."""
        return {name: reveal(value) for name, value in self.fields.items()}

    def secrets(self) -> list[str]:
        """Every secret value the entry references, for redaction."""
        found: list[str] = []
        for value in self.fields.values():
            items = value.values() if isinstance(value, Mapping) else [value]
            found += [item.reveal() for item in items if isinstance(item, Secret)]
        return found


@attrs.frozen
class PruneScope:
    """Which models of one provider ``apply --prune`` may delete: a name prefix and/or list filters."""

    provider: str
    name_prefix: str | None = None
    filters: Mapping[str, Any] = attrs.field(factory=dict)

    def covers(self, model: Model) -> bool:
        """Whether ``model`` (already listed with ``filters``) is inside the scope."""
        return model.provider == self.provider and model.name.startswith(self.name_prefix or "")


@attrs.frozen
class Manifest:
    """Which models should exist at which providers, and what ``--prune`` may delete (see ``load_manifest``)."""

    entries: tuple[ManifestEntry, ...]
    prune: Mapping[str, PruneScope] = attrs.field(factory=dict)
    path: str | None = None

    @property
    def providers(self) -> list[str]:
        """Every provider the manifest names, sorted."""
        return sorted({entry.provider for entry in self.entries} | set(self.prune))

    def secrets(self) -> list[str]:
        """Every secret value the manifest references, for redaction."""
        return [secret for entry in self.entries for secret in entry.secrets()]


def reveal(value: Any) -> Any:
    """``value`` with every ``Secret`` in it (or in a table of it) replaced by the secret itself."""
    if isinstance(value, Secret):
        return value.reveal()
    if isinstance(value, Mapping):
        return {key: reveal(item) for key, item in value.items()}
    return value


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
        fields: dict[str, Any] = {}
        for name, value in item.items():
            if name != "provider":
                fields[name] = self.value(cls, number, name, value)
        if len(self.problems) and any(p[0].loc[:2] == loc for p in self.problems):
            return None
        key = {name: fields.get(name, cls.create_defaults.get(name)) for name in cls.natural_key}
        missing = [name for name, value in key.items() if value is None]
        if missing:
            names = ", ".join(cls.natural_key)
            self.problem(
                loc,
                self.where(number, None),
                f"{cls.name} models are identified by {names}: add {', '.join(missing)}",
            )
            return None
        issues = check_flow(functools.partial(self.offline(cls).create, reveal(fields)))
        for issue in issues:
            field = issue.loc[1] if len(issue.loc) > 1 and issue.loc[0] == "body" else None
            self.problem((*loc, *issue.loc[1:]), self.where(number, field), issue.message)
        if issues:
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
            # Never quote the value: it is the secret.
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
