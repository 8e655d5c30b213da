"""``python -m benchmarks [NAME ...] [--quick] [--write-readme]``: run the benchmarks and print their tables.

NAME is any of ``list-all``, ``normalization``, ``overhead``, ``memory``, ``sandbox``, ``cold-start``
(default: all). ``--quick`` runs fewer rounds (for a smoke test). ``--write-readme`` also puts the tables into
``benchmarks/README.md`` between its result markers; ``--strict`` exits with 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks import cold_start, list_all, memory, normalization, overhead, sandbox_scaling
from benchmarks._report import Result

README = Path(__file__).with_name("README.md")
START, END = "<!-- results: start -->", "<!-- results: end -->"


def suites(quick: bool) -> dict[str, Callable[[], Result]]:
    """Every benchmark by name, set up for a full or a quick run."""
    return {
        "list-all": lambda: list_all.run(repeat=2 if quick else 5),
        "normalization": lambda: normalization.run(repeat=5 if quick else 31),
        "overhead": lambda: overhead.run(repeat=2 if quick else 5),
        "memory": lambda: memory.run(runs=1 if quick else 2),
        "sandbox": lambda: sandbox_scaling.run(rounds=1 if quick else 3),
        "cold-start": lambda: cold_start.run(rounds=5 if quick else 20),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks and print their tables in Markdown."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke test")
    parser.add_argument("--write-readme", action="store_true", help="update the tables in benchmarks/README.md")
    parser.add_argument("--strict", action="store_true", help="exit with 1 when a target is missed")
    args = parser.parse_args(argv)
    available = suites(args.quick)
    unknown = [name for name in args.names if name not in available]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(available)}")
    sections = []
    missed = 0
    load_before = _load()
    for name in args.names or list(available):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        result = available[name]()
        section = result.markdown()
        print(section, flush=True)
        sections.append(section)
        missed += sum(1 for _, passed, _ in result.checks if not passed)
    if args.write_readme:
        _write_readme("\n".join(sections), f"{load_before} before, {_load()} after")
    print(f"{missed} target(s) missed" if missed else "every target met", file=sys.stderr)
    return 1 if missed and args.strict else 0


def _load() -> str:
    """The machine's one-minute load average and its number of CPUs, e.g. ``1.2 on 2 CPUs``."""
    try:
        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


def _write_readme(tables: str, load: str) -> None:
    text = README.read_text()
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    where = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    README.write_text(f"{head}{START}\n_Measured {stamp} on {where}; load average {load}._\n\n{tables}{END}{tail}")


if __name__ == "__main__":
    sys.exit(main())
