"""Controls: the fault suite fails when the engine breaks a promise, so its passing means something."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modelreg import Deletion
from modelreg._pacing import Pacer
from modelreg._registry_base import BaseRegistry
from modelreg._retry import Decision, RetryPolicy
from modelreg.testing._workload import check_state, faulty_sandbox, run_async, run_sync
from tests.resilience.specs import SPECS

SEED = 7
OPERATIONS = 600


def _run(mode: str) -> Any:
    spec = SPECS["toy"]
    sandbox = faulty_sandbox(spec, SEED)
    figures, lanes = (run_sync if mode == "sync" else run_async)(spec, sandbox, OPERATIONS, SEED)
    check_state(spec, sandbox, figures, lanes)
    return figures


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_replaying_creates_blindly_shows_up_as_twins_no_call_made(
    toy: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A blind replay leaves a twin: a duplicate name while both live, a model no call made once the lane
    deletes the one it was given (which of the two a run ends with depends on how threads interleave)."""
    decide = RetryPolicy.decide

    def reckless(self: RetryPolicy, outcome: Any, attempt: int, *, idempotent: bool, **kw: Any) -> Decision:
        return decide(self, outcome, attempt, idempotent=True, **kw)

    monkeypatch.setattr(RetryPolicy, "decide", reckless)
    figures = _run(mode)
    unmade = [m for m in figures.mismatches if "was made by no call" in m]
    assert figures.duplicates + len(unmade) > 0, figures.report()
    assert any("duplicate" in problem or "state mismatches" in problem for problem in figures.problems())


def test_sending_without_the_concurrency_caps_shows_up_on_the_gauge(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Pacer, "gate", lambda self, operation: None)
    figures = _run("async")  # tasks interleave at every await: the overlap is certain
    assert "create" in figures.over_cap, figures.report()


def test_a_delete_that_claims_success_without_acting_shows_up_as_a_mismatch(
    toy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lying(self: BaseRegistry[Any, Any], model_id: str, missing_ok: bool) -> Any:
        yield from ()
        return Deletion(self.provider, str(model_id), True)

    monkeypatch.setattr(BaseRegistry, "_delete_flow", lying)
    figures = _run("async")
    assert any("still there after a successful delete" in m for m in figures.mismatches), figures.report()
