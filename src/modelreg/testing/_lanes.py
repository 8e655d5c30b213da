"""One worker of the fault workload: the calls it plans and what their outcomes say about its models."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import attrs

from modelreg import BulkStatus, Deletion, Model, Page
from modelreg.errors import ModelRegError, NotFound
from modelreg.testing._figures import Figures

if TYPE_CHECKING:
    from modelreg.testing._workload import ProviderUnderTest

MAX_LIVE = 6
WEIGHTS = {"create": 24, "get": 24, "update": 18, "delete": 12, "list_page": 12, "list": 4, "delete_many": 6}
SINGLE_CALLS = frozenset({"create", "get", "update", "delete", "list_page"})
"""Operations that are one engine call, so one deadline; a walk or a bulk delete runs many."""


@attrs.frozen
class Op:
    """One planned call: registry method, arguments, and the model it concerns."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = attrs.field(factory=dict)
    model_id: str | None = None
    name: str | None = None
    """The name a create gives its model."""


def agrees(seen: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Whether every expected field reads back as expected."""
    return all(seen.get(k) == v for k, v in expected.items())


class Lane:
    """One worker's models and what successful calls say about them."""

    def __init__(self, index: int, mode: str, subject: ProviderUnderTest, seed: int, max_page_size: int = 100) -> None:
        self.name = f"{mode[0]}{index:02d}"
        self.subject = subject
        self.rng = random.Random(seed * 1000 + index)
        self.page_size = min(20, max_page_size)
        self.live: dict[str, dict[str, Any] | None] = {}
        """Models certainly there, with the fields they must have (None: an update's outcome is unknown)."""
        self.deleted: set[str] = set()
        self.unsettled_ids: set[str] = set()
        """Models a failed delete may or may not have removed."""
        self.unsettled_names: set[str] = set()
        """Names of creates that failed: such a model may or may not exist."""
        self.created = 0
        self.changes = 0

    def plan(self) -> Op:
        """The next call, drawn reproducibly."""
        method = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if method == "update" and self.subject.update is None:
            method = "get"
        if not self.live:
            method = method if method in ("list_page", "list") else "create"
        elif len(self.live) >= MAX_LIVE and method == "create":
            method = "delete"
        if method == "create":
            self.created += 1
            name = f"rz-{self.name}-{self.created:04d}"
            return Op("create", kwargs=self.subject.create(name), name=name)
        if method == "list_page":
            return Op("list_page", kwargs={"page": 1, "page_size": self.page_size})
        if method == "list":
            return Op("list", kwargs={"page_size": max(1, self.page_size // 2), "limit": 25})
        if method == "delete_many":
            chosen = self.rng.sample(sorted(self.live), min(2, len(self.live)))
            return Op("delete_many", (chosen,))
        model_id = self.rng.choice(sorted(self.live))
        if method == "update" and self.subject.update is not None:
            self.changes += 1
            return Op("update", (model_id,), self.subject.update(self.changes), model_id)
        return Op(method, (model_id,), model_id=model_id)

    def settle(self, op: Op, result: Any, error: Exception | None, figures: Figures) -> None:
        """Update what is known from the outcome of ``op``; note any disagreement."""
        where = f"{self.name} {op.method} {op.model_id or op.name}"
        wrong = figures.mismatches.append
        if op.method == "create":
            if error is not None:
                self.unsettled_names.add(str(op.name))
            elif not isinstance(result, Model) or result.name != op.name:
                wrong(f"{where}: returned {result!r}")
            else:
                seen = self.subject.observed(result)
                self.live[result.id] = {**{k: v for k, v in op.kwargs.items() if k in seen}, "name": op.name}
            return
        if op.method == "list_page":
            if error is None and not isinstance(result, Page):
                wrong(f"{where}: returned {result!r}")
            return
        if op.method == "list":
            ids = [model.id for model in result or ()]
            if len(ids) != len(set(ids)) or len(ids) > op.kwargs["limit"]:
                wrong(f"{where}: a walk yielded {len(ids)} models, {len(set(ids))} distinct")
            return
        if op.method == "delete_many":
            self._settle_bulk(op, result, error, figures)
            return
        assert op.model_id is not None
        if isinstance(error, NotFound):
            wrong(f"{where}: NotFound for a model that exists")
        if op.method == "delete":
            self.live.pop(op.model_id, None)
            if error is not None:
                self.unsettled_ids.add(op.model_id)
            elif not isinstance(result, Deletion) or not result.deleted:
                wrong(f"{where}: returned {result!r}")
            else:
                self.deleted.add(op.model_id)
            return
        expected = self.live[op.model_id]
        if op.method == "update":
            if error is not None:
                self.live[op.model_id] = None
                return
            seen = self.subject.observed(result)
            if any(seen.get(k) != v for k, v in op.kwargs.items() if k in seen):
                wrong(f"{where}: returned {seen}")
            self.live[op.model_id] = {**(expected or seen), **{k: v for k, v in op.kwargs.items() if k in seen}}
        elif error is None and expected is not None and not agrees(self.subject.observed(result), expected):
            wrong(f"{where}: read {self.subject.observed(result)}, expected {expected}")

    def _settle_bulk(self, op: Op, result: Any, error: Exception | None, figures: Figures) -> None:
        outcomes = {outcome.id: outcome for outcome in result or ()}
        for model_id in op.args[0]:
            self.live.pop(model_id, None)
            outcome = outcomes.get(model_id)
            figures.bulk_ids[outcome.status.value if outcome else "call failed"] += 1
            if outcome is not None and outcome.error is not None and not isinstance(outcome.error, ModelRegError):
                figures.other_exceptions.append(f"delete_many {model_id}: {outcome.error!r}")
            if outcome is not None and outcome.status is BulkStatus.DELETED:
                self.deleted.add(model_id)
            elif outcome is not None and outcome.status is BulkStatus.ALREADY_GONE:
                figures.mismatches.append(f"{self.name} delete_many {model_id}: already gone, though it existed")
            else:
                self.unsettled_ids.add(model_id)
        if error is None and set(outcomes) != set(op.args[0]):
            figures.mismatches.append(f"{self.name} delete_many: outcomes for {sorted(outcomes)}, not {op.args[0]}")
