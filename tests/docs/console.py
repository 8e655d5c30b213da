"""Running README command lines as a user would: bash, a terminal of 100 columns, a fresh sandbox and config.

``Console`` gives each line the same environment a new user has after ``make demo`` (the venv's
``modelreg`` on PATH, no vendor credentials, no profile), with state and config in a temporary
directory; stdout is a pseudo-terminal (so tables are drawn as on screen), stderr a file.
"""

from __future__ import annotations

import errno
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = 100
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?")
CLEARED = ("SCRIPTIX_", "SELISE_", "MODELREG_", "OPENAI_", "XDG_")


def normalize(text: str) -> str:
    """Output compared loosely where it must be: no colours, timestamps as ``<time>``, no trailing blanks."""
    text = ANSI.sub("", text.replace("\r\n", "\n"))
    lines = [TIMESTAMP.sub("<time>", line).rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def console_blocks(markdown: str) -> list[list[tuple[str, str]]]:
    """Each ```console block's ``$ command`` lines with the output shown under each (blocks without ``$`` left out)."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", markdown, re.DOTALL):
        commands: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        if commands:
            blocks.append([(command, "\n".join(output)) for command, output in commands])
    return blocks


@attrs.define
class Ran:
    """What one command line did."""

    code: int
    stdout: str
    stderr: str


class Console:
    """A fresh user's shell in a temporary directory holding a copy of ``examples/``."""

    def __init__(self, home: Path) -> None:
        self.cwd = home / "work"
        shutil.copytree(ROOT / "examples", self.cwd / "examples")
        bin_dir = home / "bin"
        bin_dir.mkdir()
        installed = Path(sys.executable).with_name("modelreg")
        shim = bin_dir / "modelreg"
        if installed.is_file():
            shim.symlink_to(installed)
        else:  # not run from the venv make creates: the same command through python -m
            shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m modelreg "$@"\n')
            shim.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
        env.update(
            PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            HOME=str(home),
            MODELREG_STATE_DIR=str(home / "state"),
            MODELREG_CONFIG=str(home / "config" / "modelreg" / "config.toml"),
            MODELREG_SANDBOX_SPEED="1000000",  # a training waited for ends at once
            COLUMNS=str(COLUMNS),
            LINES="50",
            NO_COLOR="1",
            TERM="xterm",
        )
        env.pop("FORCE_COLOR", None)
        self.env = env

    def start(self, command: str) -> tuple[subprocess.Popen[bytes], int, Path]:
        """Start ``command`` under bash, stdout on a terminal: the process, the terminal, stderr's file."""
        primary, secondary = pty.openpty()
        _winsize(secondary)
        errors = Path(tempfile.mkstemp(dir=self.cwd.parent, suffix=".stderr")[1])
        with errors.open("wb") as stderr:
            process = subprocess.Popen(
                ["bash", "-c", command],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=secondary,
                stderr=stderr,
                start_new_session=True,
            )
        os.close(secondary)
        return process, primary, errors

    def run(self, command: str, timeout: float = 120) -> Ran:
        """Run ``command`` to its end."""
        process, primary, errors = self.start(command)
        output = read_all(primary)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        return Ran(code, output, errors.read_text())


def read_all(primary: int) -> str:
    """Everything written to a terminal until its last writer closes it."""
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError as exc:  # Linux: EIO once every writer has closed the terminal
            if exc.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def _winsize(fd: int) -> None:
    import fcntl

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, COLUMNS, 0, 0))
