"""Every ``$ modelreg`` line of the README runs as written, and prints what the README shows under it.

Each console block runs in a fresh user's shell (``tests/docs/console.py``): the seeded sandbox,
no credentials, no profile, a 100-column terminal, and a copy of ``examples/`` in the working
directory. Timestamps are compared as ``<time>``; everything else must match.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.docs.console import ROOT, Console, console_blocks, normalize, read_all

README = (ROOT / "README.md").read_text()
BLOCKS = console_blocks(README)
LINES = [command for block in BLOCKS for command, _ in block]
LONG_RUNNING = "sandbox serve"
"""The one README line that runs until stopped: started, read, then stopped with Ctrl-C."""


def test_the_readme_shows_cli_lines_and_every_one_is_a_modelreg_command() -> None:
    assert len(LINES) >= 15
    assert all(line.startswith(("modelreg ", 'eval "$(modelreg ')) for line in LINES), LINES
    assert all("--sandbox" in line or not _needs_a_vendor(line) for line in LINES)


def _needs_a_vendor(line: str) -> bool:
    words = line.split()
    return words[1] in ("list", "get", "create", "update", "delete", "prune", "train", "upload-data", "validate")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_each_readme_cli_line_runs_as_written_and_prints_what_the_readme_shows(
    block: list[tuple[str, str]], tmp_path: Path
) -> None:
    shell = Console(tmp_path)
    assert shell.run("modelreg --sandbox sandbox reset --yes").code == 0
    for command, expected in block:
        if LONG_RUNNING in command:
            _serve(shell, command, expected)
            continue
        ran = shell.run(command)
        assert ran.code == 0, f"$ {command}\nexited {ran.code}: {ran.stderr}"
        assert normalize(ran.stdout) == normalize(expected), f"$ {command}\nstderr: {ran.stderr}"


def _serve(shell: Console, command: str, expected: str) -> None:
    process, primary, errors = shell.start(command)
    first = b""
    try:
        deadline = time.monotonic() + 60
        while first.count(b"\n") < 2 and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                try:
                    first += os.read(primary, 4096)
                except OSError:  # the terminal closed: the command ended
                    break
            elif process.poll() is not None:
                break
        if not first:  # it printed nothing: something else holds the port, and this is the documented refusal
            assert process.wait(timeout=60) == 1 and "already in use" in errors.read_text(), errors.read_text()
            return
        assert normalize(first.decode()) == normalize(expected)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        read_all(primary)
    assert process.wait(timeout=30) == 130, errors.read_text()


def test_the_readme_example_files_are_in_the_repository() -> None:
    for name in ("visit-01.wav", "visit-01.txt", "openai.key", "models.toml"):
        assert (ROOT / "examples" / name).is_file(), name


def test_the_quick_start_make_demo_is_a_makefile_target() -> None:
    done = subprocess.run(["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "--sandbox list" in done.stdout
