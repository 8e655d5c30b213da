"""docs/calls.md: every Python example runs as written against the built-in sandboxes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "calls.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE, re.DOTALL)


def test_the_guide_has_an_example_per_feature() -> None:
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_the_guides_example_runs(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(source, "docs/calls.md", "exec"), {"__name__": "guide"})
    assert capsys.readouterr().out.strip(), "the example printed nothing"
