"""docs/manifest.md's full example and the README's manifest load and run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import modelreg

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "manifest.md").read_text()
README = (ROOT / "README.md").read_text()


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


@pytest.fixture
def example_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding the guide's models.toml and the key file it refers to, as the working directory."""
    (tmp_path / "models.toml").write_text(blocks(GUIDE, "toml")[0])
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "anthropic.key").write_text("sk-ant-docs-example-0123456789\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_full_example_is_a_valid_manifest(example_dir: Path) -> None:
    manifest = modelreg.load_manifest("models.toml")
    assert [entry.provider for entry in manifest.entries] == ["scriptix", "scriptix", "selise", "selise"]
    assert sorted(manifest.prune) == ["scriptix", "selise"]


@pytest.mark.usefixtures("example_dir")
def test_the_guides_python_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    sources = blocks(GUIDE, "python")
    assert len(sources) == 2
    for source in sources:
        exec(compile(source, "docs/manifest.md", "exec"), {"__name__": "guide"})
    out = capsys.readouterr().out
    assert "4 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged" in out
    assert out.count("applied") == 4 and "True" in out
    assert "delete would_apply" not in out  # nothing in the fresh sandboxes lies inside [prune]


def test_the_readmes_manifest_is_valid(tmp_path: Path) -> None:
    section = README.split("## Models as code", 1)[1].split("\n## ", 1)[0]
    example = blocks(section, "toml")[0]
    assert example in (ROOT / "examples" / "models.toml").read_text(), "the README shows examples/models.toml"
    (tmp_path / "models.toml").write_text(example)
    (tmp_path / "openai.key").write_text((ROOT / "examples" / "openai.key").read_text())
    manifest = modelreg.load_manifest(tmp_path / "models.toml")
    assert len(manifest.entries) == 2 and manifest.prune["scriptix"].name_prefix == "team-a/"
