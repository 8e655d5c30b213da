"""Report how many examples the fuzzers tried."""

from __future__ import annotations

import pytest

from tests.fuzz.strategies import EXAMPLES, OUTCOMES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if EXAMPLES:
        total = sum(EXAMPLES.values())
        terminalreporter.section("modelreg fuzzing")
        for name, count in sorted(EXAMPLES.items()):
            split = ", ".join(f"{n} {kind}s" for kind, n in sorted(OUTCOMES[name].items()))
            terminalreporter.write_line(f"{count:6d}  {name}" + (f" ({split})" if split else ""))
        terminalreporter.write_line(f"{total:6d}  examples in all")
