"""Cold start: how long a fresh interpreter takes to import modelreg, and to show ``modelreg --help``.

Each figure is the wall time of a whole subprocess (``python -c ...``), so interpreter start-up
is in every one of them: the baseline row (``python -c pass``) shows how much. The commands run
in interleaved rounds (one of each per round) so that other load on the machine slows each about
equally, and the table gives the least and the median of the rounds. ``import httpx`` is the
yardstick: modelreg cannot start faster than the HTTP client it is built on.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._report import Result

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("modelreg")
COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import httpx": [sys.executable, "-c", "import httpx"],
    "import modelreg": [sys.executable, "-c", "import modelreg"],
    "from modelreg import connect": [sys.executable, "-c", "from modelreg import connect"],
    "modelreg --help": [str(CLI), "--help"],
}
TARGETS = {"import modelreg": 1.2, "modelreg --help": 1.5}
"""The most each command may take, as a multiple of ``import httpx`` (min and median alike)."""


def _once(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=_environment())
    return time.perf_counter() - started


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # No bytecode writing, no stray plugin pins: every run reads the same cached .pyc files.
    env.pop("MODELREG_LOAD_PLUGINS", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def measure(rounds: int) -> dict[str, list[float]]:
    """Wall seconds of each command in ``rounds`` interleaved rounds (after one warm-up round)."""
    for command in COMMANDS.values():
        _once(command)  # warm the page cache and compile any stale .pyc
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            times[name].append(_once(command))
    return times


def run(*, rounds: int = 20) -> Result:
    """The least and median wall time of each command, and their ratio to ``import httpx``."""
    times = measure(rounds)
    base_min, base_median = min(times["import httpx"]), statistics.median(times["import httpx"])
    result = Result(
        f"cold start: a fresh interpreter, least and median of {rounds} interleaved rounds",
        ["command", "least", "median", "least / import httpx", "median / import httpx"],
    )
    for name, values in times.items():
        low, mid = min(values), statistics.median(values)
        ratios = [f"{low / base_min:.2f}", f"{mid / base_median:.2f}"]
        result.rows.append([f"`{name}`", f"{low * 1000:.0f} ms", f"{mid * 1000:.0f} ms", *ratios])
    for name, bound in TARGETS.items():
        low, mid = min(times[name]) / base_min, statistics.median(times[name]) / base_median
        result.check(
            f"`{name}` at most {bound}x `import httpx`", max(low, mid) <= bound, f"{low:.2f}x least, {mid:.2f}x median"
        )
    installed = [name for name in ("click", "rich", "pygments", "uvicorn", "vcr", "orjson") if _installed(name)]
    result.notes.append(
        "wall time of a whole subprocess, interpreter start-up included; installed alongside: "
        + (", ".join(installed) or "none")
        + " (httpx imports its own command line, and so click, rich and pygments, whenever they are installed)"
    )
    return result


def _installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
