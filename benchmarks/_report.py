"""Benchmark results: tables of figures and target checks, rendered as Markdown."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs


@attrs.define
class Result:
    """One benchmark's figures: a table, the targets it checks, and notes on the set-up."""

    title: str
    columns: list[str]
    rows: list[list[str]] = attrs.Factory(list)
    checks: list[tuple[str, bool, str]] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)

    def check(self, target: str, passed: bool, measured: str) -> None:
        """Record whether ``target`` was met, with the figure that says so."""
        self.checks.append((target, passed, measured))

    def markdown(self) -> str:
        """The result as a Markdown section."""
        lines = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |"]
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.checks:
            lines += ["", "| target | measured | met |", "|---|---|---|"]
            lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, ok, m in self.checks]
        if self.notes:
            lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median wall time of ``repeat`` runs of ``run`` and the last run's result."""
    times: list[float] = []
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def best_rate(runs: dict[str, Callable[[], tuple[int, float]]], repeat: int, min_time: float = 0.2) -> dict[str, float]:
    """The best items per CPU second of each of ``runs``; a run returns (items done, CPU seconds taken).

    Rounds of the competitors are interleaved and timed in process CPU time, so that other load
    on the machine slows each about equally and a busy neighbour does not count as our time.
    """
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            done, spent = 0, 0.0
            while spent < min_time:
                items, seconds = run()
                done += items
                spent += seconds
            rates[name].append(done / spent)
    return {name: max(values) for name, values in rates.items()}


def cpu_timed(run: Callable[[], int], times: int = 20) -> tuple[int, float]:
    """Run ``run`` ``times`` times: the items it did and the process CPU seconds it took."""
    started = time.process_time()
    done = sum(run() for _ in range(times))
    return done, time.process_time() - started


def paired_rates(
    runs: dict[str, Callable[[], tuple[int, float]]], rounds: int, min_time: float = 0.05
) -> list[dict[str, float]]:
    """Items per CPU second of each of ``runs`` in each of ``rounds`` short rounds, run back to back.

    A ratio of two competitors taken within one round, then its median over the rounds, shrugs
    off a busy neighbour better than the ratio of each one's best round: both sides of a pair see
    the same load.
    """
    found: list[dict[str, float]] = []
    for _ in range(rounds):
        rates: dict[str, float] = {}
        for name, run in runs.items():
            done, spent = 0, 0.0
            while spent < min_time:
                items, seconds = run()
                done += items
                spent += seconds
            rates[name] = done / spent
        found.append(rates)
    return found
