"""The Scriptix README's opening example runs as written, against the sandbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "providers" / "modelreg_scriptix" / "README.md"


def test_the_opening_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    first = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)[0]
    exec(compile(first, str(README), "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "0" and printed[-2] == "100"
    assert printed[-1].startswith("available TrainingMetrics(")


def test_every_assumption_the_issue_asks_about_is_covered() -> None:
    assumptions = README.read_text().partition("## Assumptions")[2].lower()
    for topic in (
        "auth header",
        "update",
        "train",
        "upload",
        "datasets",
        "status 5",
        "limits of undocumented endpoints",
        "400 vs 422",
        "languages",
        "create reconciliation",
    ):
        assert topic in assumptions, topic
