"""The README's Python examples run as written (against the built-in sandboxes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _defines_tests(block: str) -> bool:
    return "def test_" in block or "class Test" in block


# A block defining tests is a pytest example: tests/testing runs the same one under pytester.
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", README, re.DOTALL) if not _defines_tests(b)]


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_readme_example_runs(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(source, "README.md", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip(), "the example printed nothing"


def test_readme_pytest_example_is_the_one_tests_run() -> None:
    """The README's pytest examples are copied from the guides, whose examples run under pytester."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    guides = (docs / "testing.md").read_text() + (docs / "plugins.md").read_text()
    examples = [b for b in re.findall(r"```python\n(.*?)```", README, re.DOTALL) if _defines_tests(b)]
    assert examples, "the README shows no pytest example"
    for example in examples:
        assert example in guides
