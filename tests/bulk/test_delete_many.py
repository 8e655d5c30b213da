"""``delete_many``: one typed outcome per id, dry runs, caps, progress and stopping, sync and async."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import (
    AuthenticationFailed,
    BulkOutcome,
    BulkStatus,
    Conflict,
    Model,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from modelreg.provider import Limit
from tests.pagination.fakes import ToyServer

MODES = ["sync", "async"]


def delete_many(
    mode: str, server: ToyServer, ids: Any, *, connect: dict[str, Any] | None = None, **options: Any
) -> Any:
    """Run ``delete_many(ids, **options)`` against ``server`` through the sync or the async registry."""
    settings = {"transport": server, "max_retries": 0, **(connect or {})}
    if mode == "sync":
        with modelreg.connect("toy", **settings) as reg:
            return reg.delete_many(ids, **options)

    async def run() -> Any:
        async with modelreg.connect_async("toy", **settings) as reg:
            return await reg.delete_many(ids, **options)

    return asyncio.run(run())


def statuses(outcomes: list[BulkOutcome]) -> list[tuple[str, BulkStatus]]:
    return [(outcome.id, outcome.status) for outcome in outcomes]


@pytest.mark.parametrize("mode", MODES)
def test_delete_many_deletes_every_id_and_answers_in_the_order_given(toy: Path, mode: str) -> None:
    server = ToyServer(20, latency=0.002)
    outcomes = delete_many(mode, server, [5, "3", 9, 1])
    assert statuses(outcomes) == [(i, BulkStatus.DELETED) for i in ["5", "3", "9", "1"]]
    assert all(outcome.ok and outcome.provider == "toy" and outcome.error is None for outcome in outcomes)
    assert sorted(server.docs, key=int) == [str(n) for n in range(1, 21) if n not in (1, 3, 5, 9)]


@pytest.mark.parametrize("mode", MODES)
def test_mixed_results_give_one_typed_outcome_per_id(toy: Path, mode: str) -> None:
    server = ToyServer(10)
    server.answers["7"] = httpx.Response(409, json={"message": "model 7 is in use"})
    outcomes = delete_many(mode, server, [1, 404, 7, 2], missing_ok=True)
    assert statuses(outcomes) == [
        ("1", BulkStatus.DELETED),
        ("404", BulkStatus.ALREADY_GONE),
        ("7", BulkStatus.FAILED),
        ("2", BulkStatus.DELETED),
    ]
    failed = outcomes[2]
    assert isinstance(failed.error, Conflict)
    assert "in use" in (failed.detail or "")
    assert not failed.ok
    assert "1" not in server.docs and "2" not in server.docs and "7" in server.docs


@pytest.mark.parametrize("mode", MODES)
def test_a_missing_model_fails_with_not_found_unless_missing_ok(toy: Path, mode: str) -> None:
    server = ToyServer(3)
    outcomes = delete_many(mode, server, [404, 1])
    assert statuses(outcomes) == [("404", BulkStatus.FAILED), ("1", BulkStatus.DELETED)]
    assert isinstance(outcomes[0].error, NotFound)


@pytest.mark.parametrize("mode", MODES)
def test_dry_run_looks_each_id_up_and_deletes_nothing(toy: Path, mode: str) -> None:
    server = ToyServer(5)
    outcomes = delete_many(mode, server, [1, 2, 999], dry_run=True)
    assert set(server.methods) == {"GET"}
    assert statuses(outcomes) == [
        ("1", BulkStatus.WOULD_DELETE),
        ("2", BulkStatus.WOULD_DELETE),
        ("999", BulkStatus.FAILED),
    ]
    assert all(outcome.ok and "would be deleted" in (outcome.detail or "") for outcome in outcomes[:2])
    assert isinstance(outcomes[2].error, NotFound) and not outcomes[2].ok
    assert len(server.docs) == 5


@pytest.mark.parametrize("mode", MODES)
def test_dry_run_with_missing_ok_reports_a_missing_id_as_already_gone(toy: Path, mode: str) -> None:
    server = ToyServer(2)
    outcomes = delete_many(mode, server, [999, 1], dry_run=True, missing_ok=True)
    assert statuses(outcomes) == [("999", BulkStatus.ALREADY_GONE), ("1", BulkStatus.WOULD_DELETE)]
    assert "not found" in (outcomes[0].detail or "") and outcomes[0].ok
    assert "DELETE" not in server.methods and len(server.docs) == 2


@pytest.mark.parametrize("mode", MODES)
def test_progress_is_reported_once_per_id_in_the_callers_thread(toy: Path, mode: str) -> None:
    server = ToyServer(30, latency=0.001)
    calls: list[tuple[str, int, int]] = []
    threads: set[int] = set()

    def progress(outcome: BulkOutcome, done: int, total: int) -> None:
        calls.append((outcome.id, done, total))
        threads.add(threading.get_ident())

    outcomes = delete_many(mode, server, list(range(1, 13)), progress=progress)
    assert [done for _, done, _ in calls] == list(range(1, 13))
    assert {total for _, _, total in calls} == {12}
    assert sorted(int(model_id) for model_id, _, _ in calls) == list(range(1, 13))
    assert [o.id for o in outcomes] == [str(n) for n in range(1, 13)]
    assert threads == {threading.get_ident()}


@pytest.mark.parametrize("mode", MODES)
def test_progress_is_reported_in_a_dry_run_too(toy: Path, mode: str) -> None:
    seen: list[int] = []
    delete_many(mode, ToyServer(3), [1, 2, 3], dry_run=True, progress=lambda outcome, done, total: seen.append(done))
    assert seen == [1, 2, 3]


@pytest.mark.parametrize("mode", MODES)
def test_the_provider_delete_cap_holds_whatever_concurrency_is_asked(toy: Path, mode: str) -> None:
    server = ToyServer(40, latency=0.004)
    outcomes = delete_many(
        mode, server, list(range(1, 41)), concurrency=10, connect={"limits": {"delete": Limit(concurrency=2)}}
    )
    assert all(outcome.status is BulkStatus.DELETED for outcome in outcomes)
    assert server.gauge.peak == 2


@pytest.mark.parametrize("mode", MODES)
def test_concurrency_bounds_the_deletes_in_flight(toy: Path, mode: str) -> None:
    server = ToyServer(40, latency=0.004)
    delete_many(mode, server, list(range(1, 41)), concurrency=3)
    assert 1 < server.gauge.peak <= 3
    assert server.docs == {}


@pytest.mark.parametrize("mode", MODES)
def test_refused_credentials_skip_the_remaining_ids_instead_of_failing_each(toy: Path, mode: str) -> None:
    server = ToyServer(10)
    for n in range(1, 11):
        server.answers[str(n)] = httpx.Response(401, json={"message": "bad token"})
    outcomes = delete_many(mode, server, list(range(1, 11)), concurrency=1)
    assert outcomes[0].status is BulkStatus.FAILED
    assert isinstance(outcomes[0].error, AuthenticationFailed)
    assert [o.status for o in outcomes[1:]] == [BulkStatus.SKIPPED] * 9
    assert all("AuthenticationFailed" in (o.detail or "") for o in outcomes[1:])
    assert server.methods == ["DELETE"]


@pytest.mark.parametrize("mode", MODES)
def test_an_exhausted_rate_limit_skips_the_rest_with_the_reason(toy: Path, mode: str) -> None:
    server = ToyServer(10)
    limits = {"delete": Limit(calls=3, period=3600, concurrency=1)}
    outcomes = delete_many(mode, server, list(range(1, 8)), connect={"limits": limits, "max_wait": 0.0})
    assert [o.status for o in outcomes] == [BulkStatus.DELETED] * 3 + [BulkStatus.FAILED] + [BulkStatus.SKIPPED] * 3
    assert isinstance(outcomes[3].error, RateLimited)
    assert server.methods == ["DELETE"] * 3


@pytest.mark.parametrize("mode", MODES)
def test_an_id_given_twice_is_deleted_once(toy: Path, mode: str) -> None:
    server = ToyServer(5)
    outcomes = delete_many(mode, server, [1, 2, "1"])
    assert statuses(outcomes) == [("1", BulkStatus.DELETED), ("2", BulkStatus.DELETED), ("1", BulkStatus.SKIPPED)]
    assert server.methods == ["DELETE", "DELETE"]


@pytest.mark.parametrize("mode", MODES)
def test_models_from_a_listing_can_be_deleted_directly(toy: Path, mode: str) -> None:
    server = ToyServer(6)
    with modelreg.connect("toy", transport=server) as reg:
        models = [m for m in reg.list() if int(m.id) % 2 == 0]
    outcomes = delete_many(mode, server, models)
    assert statuses(outcomes) == [(i, BulkStatus.DELETED) for i in ["2", "4", "6"]]
    assert sorted(server.docs) == ["1", "3", "5"]


@pytest.mark.parametrize(
    ("ids", "options", "message"),
    [
        ("123", {}, "wrap one id in"),
        ([1, "", 3], {}, "ids.1"),
        ([1, None], {}, "ids.1"),
        ([True], {}, "ids.0"),
        (["a/../b"], {}, "without /"),
        ([Model(provider="other", id="1", name="x")], {}, "another provider"),
        ([1], {"concurrency": 0}, "positive integer"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
def test_bad_input_is_refused_before_anything_is_sent(
    toy: Path, mode: str, ids: Any, options: dict[str, Any], message: str
) -> None:
    server = ToyServer(3)
    with pytest.raises(ValidationFailed, match=message.replace(".", r"\.")):
        delete_many(mode, server, ids, **options)
    assert server.methods == []


@pytest.mark.parametrize("mode", MODES)
def test_an_error_in_the_progress_callback_stops_the_run_loudly(toy: Path, mode: str) -> None:
    server = ToyServer(10, latency=0.002)

    def progress(outcome: BulkOutcome, done: int, total: int) -> None:
        raise KeyError("progress display broke")

    with pytest.raises(KeyError, match="progress display broke"):
        delete_many(mode, server, list(range(1, 11)), concurrency=1, progress=progress)
    # The delete in hand finished; the next one may have started already; the rest were not sent.
    assert len(server.methods) <= 2


def test_outcomes_are_frozen_records_with_a_readable_status() -> None:
    outcome = BulkOutcome("toy", "1", BulkStatus.ALREADY_GONE, "no such model")
    with pytest.raises(AttributeError):
        outcome.status = BulkStatus.DELETED  # type: ignore[misc]
    assert str(outcome.status) == "already_gone"
    assert outcome.ok
