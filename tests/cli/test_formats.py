"""Output formats: tables cut to the terminal (never wrapped), lines in a pipe, json, yaml, csv and tsv."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from modelreg.cli._formats import Grid
from tests.cli.conftest import Invoke, create, parse
from tests.docs.console import ANSI
from tests.docs.console import Console as Shell


def _rendered(grid: Grid, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(grid)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return str(output).splitlines()


def test_a_wide_table_is_cut_with_an_ellipsis_and_keeps_refs_whole() -> None:
    grid = Grid("REF", "NAME", "STATUS", "DESCRIPTION")
    grid.add_row("scriptix:123456", "A rather long model name for a narrow screen", "available", "x" * 80)
    lines = _rendered(grid, 60)
    assert len(lines) == 2  # a header and one row: nothing wrapped onto another line
    assert all(cell_len(line) <= 60 for line in lines)
    assert "scriptix:123456" in lines[1] and "available" in lines[1] and "…" in lines[1]


cells = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(cells, cells, cells), min_size=0, max_size=6),
    width=st.integers(min_value=12, max_value=160),
)
def test_no_table_line_is_ever_wider_than_the_terminal_nor_wrapped(
    rows: list[tuple[str, str, str]], width: int
) -> None:
    grid = Grid("REF", "NAME", "DESCRIPTION")
    for row in rows:
        grid.add_row(*(Text(cell) for cell in row))
    lines = list(grid.lines(width))
    assert len(lines) == 1 + len(rows)
    assert all(cell_len(line.plain) <= width for line in lines)


@pytest.mark.usefixtures("toy_only")
def test_yaml_holds_the_same_document_as_json(cli: Invoke) -> None:
    create(cli, "Alpha", "--description", "first: with a colon")
    as_json = parse(cli("--sandbox", "list", "-o", "json"))
    as_yaml = yaml.safe_load(cli("--sandbox", "list", "-o", "yaml").stdout)
    assert as_yaml == as_json
    assert yaml.safe_load(cli("--sandbox", "get", "toy:1", "-o", "yaml").stdout) == as_json[0]


@pytest.mark.usefixtures("toy_only")
def test_csv_has_a_header_and_quotes_what_needs_it(cli: Invoke) -> None:
    create(cli, "Alpha, the first", "--description", 'says "hi"')
    rows = list(csv.DictReader(io.StringIO(cli("--sandbox", "list", "-o", "csv").stdout)))
    assert [(r["ref"], r["name"], r["status"], r["description"]) for r in rows] == [
        ("toy:1", "Alpha, the first", "pending", 'says "hi"')
    ]
    assert rows[0]["updated"].endswith("+00:00")  # full timestamps for scripts


@pytest.mark.usefixtures("toy_only")
def test_tsv_has_a_header_unless_no_headers(cli: Invoke) -> None:
    create(cli, "Alpha")
    with_header = cli("--sandbox", "list", "-o", "tsv").stdout.splitlines()
    assert with_header[0].split("\t") == ["ref", "name", "status", "updated", "description"]
    assert with_header[1].startswith("toy:1\tAlpha\tpending\t")
    assert cli("--sandbox", "list", "-o", "tsv", "--no-headers").stdout.splitlines() == with_header[1:]
    assert cli("--sandbox", "list", "-o", "csv", "--no-headers").stdout.startswith("toy:1,Alpha,")
    table = cli("--sandbox", "list", "-o", "table", "--no-headers").stdout.splitlines()
    assert len(table) == 1 and table[0].startswith("toy:1")


@pytest.mark.usefixtures("toy_only")
def test_other_commands_speak_every_format_too(cli: Invoke) -> None:
    create(cli, "Alpha")
    providers = cli("providers", "-o", "csv").stdout.splitlines()
    assert providers[0] == "provider,vendor,configured,operations" and providers[1].startswith("toy,Toy,yes")
    assert yaml.safe_load(cli("providers", "-o", "yaml").stdout)[0]["name"] == "toy"
    deleted = cli("--sandbox", "delete", "toy:1", "--yes", "-o", "tsv").stdout.splitlines()
    assert deleted == ["ref\tname\tresult", "toy:1\tAlpha\tdeleted"]
    info = dict(line.split("\t", 1) for line in cli("--sandbox", "sandbox", "info").stdout.splitlines())
    assert set(info) == {"state_dir", "stores", "clock_offset_seconds", "speed"}


@pytest.mark.usefixtures("toy_only")
def test_a_narrow_terminal_gets_a_table_that_fits(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    create(cli, "A model whose name goes on and on and on", "--description", "and a description that does too " * 3)
    monkeypatch.setenv("COLUMNS", "50")
    lines = cli("--sandbox", "list", "-o", "table").stdout.splitlines()
    assert len(lines) == 2 and all(cell_len(line) <= 50 for line in lines)
    assert lines[1].startswith("toy:1") and "…" in lines[1]


@pytest.mark.timeout(300)
def test_the_sandbox_list_on_an_80_column_terminal_fits_one_line_per_model(tmp_path: Path) -> None:
    shell = Shell(tmp_path)
    shell.env["COLUMNS"] = "80"
    ran = shell.run("modelreg --sandbox list")
    assert ran.code == 0, ran.stderr
    lines = ANSI.sub("", ran.stdout.replace("\r\n", "\n")).rstrip("\n").split("\n")
    assert lines[0].split() == ["REF", "NAME", "STATUS", "UPDATED", "DESCRIPTION"]
    assert len(lines) == 1 + 9  # five Scriptix and four SELISE seed models, one line each
    assert all(cell_len(line) <= 80 for line in lines), lines
    assert [line.split()[0] for line in lines[1:]][:2] == ["scriptix:1", "scriptix:2"]
    assert any(line.rstrip().endswith("…") for line in lines)


def test_json_output_is_unchanged_by_the_terminal(cli: Invoke, toy_only: Path) -> None:
    create(cli, "Alpha")
    assert json.loads(cli("--sandbox", "list", "--json").stdout) == parse(cli("--sandbox", "list", "-o", "json"))
