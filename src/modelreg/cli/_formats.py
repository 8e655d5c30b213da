"""Output formats: tables that fit the terminal, and json, yaml, csv and tsv for scripts.

``-o/--output table|json|yaml|csv|tsv`` picks one (``--json`` is ``-o json``). With none, a
terminal gets a table and a pipe gets ``lines``: one tab-separated line per row and no header,
so that ``grep``, ``cut`` and ``awk`` work. A ``Grid`` is what every command fills: rich prints
it as a table whose columns are cut with an ellipsis to the terminal's width, never wrapped.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

from modelreg.cli._redaction import redaction
from modelreg.cli._session import Session

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.text import Text

FORMATS = ("table", "json", "yaml", "csv", "tsv")
LINES = "lines"
"""The format of a pipe when none is asked: tab-separated rows without a header."""
GAP = 2
"""Spaces between two table columns."""
KEEP_WHOLE = frozenset({"REF", "PROVIDER", "STATUS", "UPDATED", "FIELD", "SETTING"})
"""Columns cut only when nothing else is left to cut: a ref is copied from the table, a status read at a glance."""
CUT_FIRST = frozenset({"DESCRIPTION", "OPERATIONS"})
"""Columns cut before the other free text: a name says which model a row is, a description only adds to it."""
MIN_FLEX = 8
"""The narrowest a free-text column is cut to before the others are cut too."""


def blank(style: str = "") -> Text:
    """An empty cell: drawn as ``-`` in a table, written as nothing in csv and tsv."""
    return _blank_class()("-", style=style)


@functools.cache
def _blank_class() -> type[Text]:
    from rich.text import Text

    return type("Blank", (Text,), {"__doc__": "An empty cell."})


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (a person reading) rather than a pipe or a file."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stdout
        return False


def chosen(output: str | None, as_json: bool, *, json_alias: bool = False) -> str:
    """The format to print in: ``-o``, else json for ``--json``, else a table on a terminal and lines in a pipe."""
    if as_json or json_alias:
        if output not in (None, "json"):
            raise click.UsageError(f"--json asks for JSON but -o asks for {output}; give one of them")
        return "json"
    if output is not None:
        return output
    return "table" if stdout_is_terminal() else LINES


class Grid:
    """Rows under named columns: a rich renderable table that never wraps, or csv/tsv/lines."""

    def __init__(self, *columns: str, title: str | None = None, show_header: bool = True) -> None:
        self.columns = list(columns)
        self.title = title
        self.show_header = show_header
        self.rows: list[list[Text]] = []
        self.data: list[list[str]] = []

    def add_row(self, *cells: Text | str | None, data: Sequence[Any] | None = None) -> None:
        """Add a row of cells (shown in tables); ``data`` are the full values csv and tsv write instead."""
        from rich.text import Text

        shown = [cell if isinstance(cell, Text) else blank() if cell is None else Text(str(cell)) for cell in cells]
        self.rows.append(shown)
        if data is None:
            data = ["" if isinstance(cell, _blank_class()) else cell.plain for cell in shown]
        self.data.append(["" if value is None else str(value) for value in data])

    # -- tables --------------------------------------------------------------------------

    def widths(self, width: int) -> list[int]:
        """Each column's width so that a row fits in ``width`` cells: free text is cut first."""
        from rich.cells import cell_len

        natural = [cell_len(column) for column in self.columns]  # a header is never wider than its column
        for row in self.rows:
            natural = [max(w, cell_len(cell.plain)) for w, cell in zip(natural, row, strict=False)]
        widths = list(natural)
        available = width - GAP * (len(widths) - 1)
        flexible = [n for n, column in enumerate(self.columns) if column not in KEEP_WHOLE]
        first = [n for n in flexible if self.columns[n] in CUT_FIRST]
        others = [n for n in range(len(widths)) if n not in flexible]
        headers = [cell_len(column) for column in self.columns]
        # Free text is cut to its header's width (or MIN_FLEX) first, descriptions before names; then anything.
        for group, floor in ((first, MIN_FLEX), (flexible, MIN_FLEX), (flexible, 1), (others, 1)):
            while sum(widths) > available:
                candidates = [n for n in group if widths[n] > (max(floor, headers[n]) if floor > 1 else 1)]
                if not candidates:
                    break
                widest = max(candidates, key=lambda n: (widths[n], n))
                widths[widest] -= 1
        return widths

    def lines(self, width: int) -> Iterator[Text]:
        """The table's lines, none wider than ``width``."""
        from rich.text import Text

        widths = self.widths(width)
        rows = [[Text(column, style="bold") for column in self.columns]] if self.show_header else []
        if self.title:
            yield self._cut(Text(self.title, style="bold"), width)
        for row in rows + self.rows:
            line = Text()
            for n, (cell, size) in enumerate(zip(row, widths, strict=False)):
                last = n == len(widths) - 1
                piece = cell.copy()
                piece.truncate(size, overflow="ellipsis", pad=not last)
                line.append_text(piece)
                if not last:
                    line.append(" " * GAP)
            yield self._cut(line, width)

    @staticmethod
    def _cut(line: Text, width: int) -> Text:
        line.truncate(width, overflow="ellipsis")
        line.rstrip()
        return line

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield from self.lines(options.max_width)

    # -- csv and tsv ---------------------------------------------------------------------

    def keys(self) -> list[str]:
        """The column names csv and tsv headers use: ``REF`` -> ``ref``."""
        return [column.lower().replace(" ", "_") for column in self.columns]

    def delimited(self, delimiter: str, *, header: bool) -> str:
        """The rows as csv (``,``) or tsv (tab: tabs and newlines in values become spaces)."""
        masking = redaction()
        rows: Iterable[list[str]] = ([self.keys()] if header else []) + self.data
        rows = [[masking.text(value) for value in row] for row in rows]
        if delimiter == "\t":
            clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
            return "".join("\t".join(value.translate(clean) for value in row) + "\n" for row in rows)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()


def current_session() -> Session | None:
    """The session of the command being run, if any (``None`` outside a command)."""
    context = click.get_current_context(silent=True)
    return context.find_object(Session) if context is not None else None


def current(as_json: bool = False) -> str:
    """The format this invocation prints in (``-o``, ``--json`` or the command's own ``--json``, terminal or pipe)."""
    session = current_session()
    if session is None:
        return chosen(None, as_json)
    return chosen(session.output, as_json, json_alias=session.json)


def emit(grid: Grid, document: Any, *, as_json: bool = False, console: Console | None = None) -> None:
    """Print ``grid`` or ``document`` in the format this invocation asks for (``-o``, ``--json``, terminal or pipe)."""
    from modelreg.cli import _output

    session = current_session()
    headers = not (session is not None and session.no_headers)
    form = current(as_json)
    if form == "json":
        click.echo(json.dumps(_output.jsonable(document), indent=2, ensure_ascii=False))
    elif form == "yaml":
        click.echo(to_yaml(_output.jsonable(document)), nl=False)
    elif form in ("csv", "tsv", LINES):
        delimiter = "," if form == "csv" else "\t"
        click.echo(grid.delimited(delimiter, header=headers and form != LINES), nl=False)
    else:
        grid.show_header = grid.show_header and headers
        (console or _output.console()).print(grid)


def to_yaml(data: Any) -> str:
    """``data`` (plain JSON data) as a YAML document."""
    try:
        import yaml
    except ImportError:
        raise click.UsageError("-o yaml needs PyYAML: pip install 'modelreg[cli]'") from None
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return text
