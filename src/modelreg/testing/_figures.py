"""The figures a fault-injection run produces, and how they are shown and saved."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import attrs


@attrs.define
class Figures:
    """What happened in one workload run: outcomes, consistency, deadlines and concurrency."""

    provider: str
    mode: str
    seed: int
    attempted: int = 0
    succeeded: int = 0
    typed_failures: Counter[str] = attrs.field(factory=Counter)
    """Failures by error class: every one a ``ModelRegError``."""
    other_exceptions: list[str] = attrs.field(factory=list)
    """Anything else that escaped a call: must stay empty."""
    by_operation: Counter[str] = attrs.field(factory=Counter)
    bulk_ids: Counter[str] = attrs.field(factory=Counter)
    """What became of each id given to ``delete_many``, by status."""
    duplicates: int = 0
    """Models sharing a name, while every create used a fresh name: must be 0."""
    mismatches: list[str] = attrs.field(factory=list)
    """Disagreements between what successful calls reported and what the sandbox holds: must stay empty."""
    orphans: int = 0
    """Models made by a create that reported a failure (allowed: the error said the outcome was unknown)."""
    over_deadline: int = 0
    longest_call: float = 0.0
    deadline: float = 0.0
    peak_in_flight: dict[str, int] = attrs.field(factory=dict)
    caps: dict[str, int] = attrs.field(factory=dict)
    faults: dict[str, int] = attrs.field(factory=dict)
    requests_served: int = 0
    wall_seconds: float = 0.0

    @property
    def failed(self) -> int:
        """Calls that ended in a typed error."""
        return sum(self.typed_failures.values())

    @property
    def over_cap(self) -> dict[str, str]:
        """Operations whose in-flight peak went above their cap."""
        return {
            op: f"{self.peak_in_flight.get(op, 0)} > {cap}"
            for op, cap in self.caps.items()
            if self.peak_in_flight.get(op, 0) > cap
        }

    def problems(self) -> list[str]:
        """Every broken promise, in words; empty when the run is clean."""
        found = []
        if self.attempted != self.succeeded + self.failed + len(self.other_exceptions):
            found.append("outcomes do not add up to the calls attempted")
        if self.other_exceptions:
            found.append(f"{len(self.other_exceptions)} untyped exceptions: {self.other_exceptions[:3]}")
        if self.duplicates:
            found.append(f"{self.duplicates} duplicate models")
        if self.mismatches:
            found.append(f"{len(self.mismatches)} state mismatches: {self.mismatches[:3]}")
        if self.over_deadline:
            found.append(f"{self.over_deadline} calls past the {self.deadline:g} s deadline")
        if self.over_cap:
            found.append(f"in-flight above the cap: {self.over_cap}")
        return found

    def report(self) -> str:
        """The figures as a few lines of text."""
        failures = ", ".join(f"{name} {count}" for name, count in sorted(self.typed_failures.items())) or "none"
        operations = ", ".join(f"{name} {count}" for name, count in sorted(self.by_operation.items()))
        faults = ", ".join(f"{name} {count}" for name, count in sorted(self.faults.items()))
        peaks = ", ".join(f"{op} {self.peak_in_flight.get(op, 0)}/{cap}" for op, cap in sorted(self.caps.items()))
        return "\n".join(
            [
                f"fault injection: {self.provider} {self.mode} (seed {self.seed})",
                f"  operations attempted {self.attempted}: {operations}",
                f"  delete_many ids: {', '.join(f'{k} {v}' for k, v in sorted(self.bulk_ids.items())) or 'none'}",
                f"  succeeded {self.succeeded}; failed with a typed error {self.failed} ({failures}); "
                f"other exceptions {len(self.other_exceptions)}",
                f"  duplicate models {self.duplicates}; state mismatches {len(self.mismatches)}; "
                f"orphans of failed creates {self.orphans}",
                f"  single calls past the {self.deadline:g} s deadline {self.over_deadline} "
                f"(longest {self.longest_call:.2f} s simulated)",
                f"  peak in flight / cap: {peaks}",
                f"  faults injected: {faults}; requests served {self.requests_served}; wall {self.wall_seconds:.2f} s",
            ]
        )

    def as_json(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        data = attrs.asdict(self)
        data["failed"] = self.failed
        data["other_exceptions"] = len(self.other_exceptions)
        data["mismatches"] = len(self.mismatches)
        shown: dict[str, Any] = json.loads(json.dumps(data, default=str))
        return shown
