"""The documented example works as a user would use it: copy, record once, replay offline, no credential kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import vcr  # noqa: F401  imported here so that in-process pytester runs share one yaml module
import yaml  # noqa: F401

from modelreg.testing import scan_cassette

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
RUN = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")
FAKE_KEY = "sk-user-own-scriptix-key-778899"


def python_blocks() -> list[str]:
    """The python code blocks of docs/testing.md, in order."""
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_documented_example_records_once_then_replays_offline_without_credentials(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = python_blocks()[0]
    # A tests/ folder without __init__.py: "tests" as a package name is this repository's own.
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_english_models.py").write_text(example)
    monkeypatch.setenv("SCRIPTIX_API_KEY", FAKE_KEY)  # a user's own key, present while recording

    pytester.runpytest(*RUN, "--modelreg-record-mode=once").assert_outcomes(passed=1)
    cassettes = list((pytester.path / "tests" / "cassettes").rglob("*.yaml"))
    assert [c.name for c in cassettes] == ["test_lists_only_the_english_models.yaml"]
    text = cassettes[0].read_text()
    assert FAKE_KEY not in text
    assert "sandbox-api_key" not in text
    assert scan_cassette(cassettes[0], secrets=[FAKE_KEY, "sandbox-api_key"]) == []
    assert "'***'" in text  # the Authorization header was there, masked

    monkeypatch.delenv("SCRIPTIX_API_KEY")  # CI: no credentials, and nothing may be sent
    pytester.runpytest(*RUN).assert_outcomes(passed=1)

    changed = example.replace('language="en", base_model="medical")', 'language="de", base_model="medical")', 1)
    (pytester.path / "tests" / "test_english_models.py").write_text(changed)
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMismatch*", "*differs in: canonical_body*"])


def test_the_documented_sandbox_fixtures_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sandboxes=python_blocks()[1])
    pytester.runpytest(*RUN, "-o", "asyncio_mode=auto").assert_outcomes(passed=4)


def test_the_documented_pytest_recording_conftest_is_valid(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(python_blocks()[2])
    pytester.makepyfile(
        """
        import pytest
        import modelreg
        from modelreg.testing import recordable_transport

        @pytest.mark.vcr
        def test_create():
            sandbox = modelreg.connect("scriptix", sandbox=True).sandbox
            transport = recordable_transport(sandbox)
            with modelreg.connect("scriptix", sandbox=sandbox, transport=transport, max_retries=0) as registry:
                registry.create(name="Cardiology EN", language="en", base_model="medical")
        """
    )
    pytester.runpytest(*RUN, "--record-mode=once").assert_outcomes(passed=1)
    pytester.runpytest(*RUN).assert_outcomes(passed=1)


def test_the_documented_provider_contract_passes_for_the_acme_example(acme: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_acme_contract=python_blocks()[3])
    pytester.runpytest(*RUN).assert_outcomes(passed=15)
