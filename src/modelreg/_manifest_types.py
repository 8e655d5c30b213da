"""What a manifest holds once loaded: entries keyed by natural key, prune scopes and secret references."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from modelreg._records import Model


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
