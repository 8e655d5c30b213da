"""Fault injection: thousands of mixed calls over a sandbox failing one request in five, sync and async.

Run with ``-rA`` (or ``-s``) to see the figures; they are also saved in the pytest cache under
``modelreg/resilience/<provider>-<mode>`` and shown in any failure's message.
"""

from __future__ import annotations

import pytest

from tests.resilience.figures import Figures
from tests.resilience.specs import Spec
from tests.resilience.workload import check_state, faulty_sandbox, run_async, run_sync

OPERATIONS = 2000
SEED = 20261122


def _publish(figures: Figures, request: pytest.FixtureRequest) -> str:
    report = figures.report()
    print(report)  # shown by -rA and -s
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        cache.set(f"modelreg/resilience/{figures.provider}-{figures.mode}", figures.as_json())
    return report


def _assert_clean(spec: Spec, figures: Figures, report: str) -> None:
    assert figures.problems() == [], report
    assert figures.attempted >= OPERATIONS, report
    # The faults did bite, and the engine still got most calls through.
    assert sum(figures.faults.values()) > OPERATIONS / 10, report
    assert figures.failed > 0 and figures.succeeded > 0.8 * figures.attempted, report
    # Every created model type of call was exercised, and creates survived lost answers.
    expected = {"create", "get", "update", "delete", "list_page", "list", "delete_many"}
    expected -= set() if spec.update else {"update"}
    assert set(figures.by_operation) == expected, report


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_no_duplicates_no_stray_errors_and_the_state_agrees_under_faults(
    spec: Spec, mode: str, request: pytest.FixtureRequest
) -> None:
    sandbox = faulty_sandbox(spec, SEED)
    run = run_sync if mode == "sync" else run_async
    figures, lanes = run(spec, sandbox, OPERATIONS, SEED)
    check_state(spec, sandbox, figures, lanes)
    report = _publish(figures, request)
    _assert_clean(spec, figures, report)
    assert figures.peak_in_flight.get("create", 0) >= 2, report  # concurrency was real
