"""The README's Python examples run as written (against the built-in sandboxes) and print what it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
FENCED = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def _examples() -> list[tuple[str, str | None]]:
    """Each Python block (pytest examples aside) with the output the README shows under it, if any."""
    blocks = [(match.group(1), match.group(2), match.start()) for match in FENCED.finditer(README)]
    examples = []
    for n, (language, body, _) in enumerate(blocks):
        if language != "python" or _defines_tests(body):
            continue
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        shown = None
        if following and following[0] == "text" and "It prints:" in README[following[2] - 40 : following[2]]:
            shown = following[1]
        examples.append((body, shown))
    return examples


def _defines_tests(block: str) -> bool:
    return "def test_" in block or "class Test" in block


EXAMPLES = _examples()
# A block defining tests is a pytest example: tests/testing runs the same one under pytester.


def test_readme_has_python_examples_each_with_its_output() -> None:
    assert len(EXAMPLES) >= 3
    assert all(shown for _, shown in EXAMPLES), "every Python example shows what it prints"


@pytest.mark.parametrize(("source", "shown"), EXAMPLES, ids=[f"block{n}" for n in range(len(EXAMPLES))])
def test_readme_example_runs_and_prints_what_the_readme_shows(
    source: str, shown: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    exec(compile(source, "README.md", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    assert printed.strip(), "the example printed nothing"
    assert printed.strip() == (shown or "").strip()


def test_readme_pytest_example_is_the_one_tests_run() -> None:
    """The README's pytest examples are copied from the guides, whose examples run under pytester."""
    guides = (ROOT / "docs" / "testing.md").read_text() + (ROOT / "docs" / "plugins.md").read_text()
    examples = [b for b in re.findall(r"```python\n(.*?)```", README, re.DOTALL) if _defines_tests(b)]
    assert examples, "the README shows no pytest example"
    for example in examples:
        assert example in guides


def test_readme_config_example_is_a_valid_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TOML config shown in the README loads, its references as references."""
    from modelreg.profiles import Reference, load_config

    (example,) = [body for language, body in FENCED.findall(README) if language == "toml" and "profiles." in body]
    path = tmp_path / "config.toml"
    path.write_text(example)
    path.chmod(0o600)
    monkeypatch.setenv("MODELREG_CONFIG", str(path))
    config = load_config()
    assert config.names() == ["default", "staging"]
    assert config.table("default", "scriptix")["api_key"] == Reference("env", "SCRIPTIX_API_KEY_PROD")
    assert config.table("staging", "selise")["access_token"] == Reference(
        "keyring", "modelreg", "staging.selise.access_token"
    )
