"""Rendering for the command line: models as JSON with stable field names, or as tables (``_formats``).

rich is imported inside the functions that draw, so that ``--json`` runs never pay for it.
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

import attrs
import click

from modelreg import Model, ModelStatus
from modelreg.cli import _formats
from modelreg.cli._formats import Grid
from modelreg.cli._redaction import CliRedaction, redaction
from modelreg.redaction import Container, rebuild

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

STATUS_STYLES = {
    ModelStatus.AVAILABLE: "green",
    ModelStatus.READY: "blue",
    ModelStatus.TRAINING: "cyan",
    ModelStatus.PENDING: "yellow",
    ModelStatus.FAILED: "bold red",
    ModelStatus.INACTIVE: "dim",
    ModelStatus.UNKNOWN: "magenta",
}


MAX_DEPTH = 64
"""Records nested deeper are cut (``…``) when shown: ``json.dumps`` recurses, vendor JSON may not stop."""


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data with credentials masked: records and mappings become dicts, datetimes ISO 8601."""
    masking = redaction()
    return rebuild(
        value,
        leaf=functools.partial(_scalar, masking),
        field=masking.field,
        expand=_container,
        max_depth=MAX_DEPTH,
    )


def _container(value: Any) -> Container | None:
    if attrs.has(type(value)):
        return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return None


def _scalar(masking: CliRedaction, value: Any) -> Any:
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return masking.text(value.decode("utf-8", "replace"))
    return masking.text(str(value))  # strings, paths, anything else


def model_dict(model: Model, *, raw: bool = False) -> dict[str, Any]:
    """A model's stable JSON form: ``Model.to_dict()`` with its ref, without ``raw`` unless asked.

    The fields are provider, id, ref, name, description, status, created_at, updated_at and
    details. Credentials in it are masked (``modelreg.cli._redaction``): it is printed or written to disk.
    """
    data = model.to_dict()
    vendor = data.pop("raw")
    data = {"provider": data.pop("provider"), "id": data.pop("id"), "ref": model.ref, **data}
    if data["details"] is None:
        data["details"] = {}
    if raw:
        data["raw"] = vendor
    shown: dict[str, Any] = jsonable(data)
    return shown


def echo_json(value: Any) -> None:
    """Print one JSON document."""
    click.echo(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def echo_json_line(value: Any) -> None:
    """Print one JSON value on one line (JSON lines)."""
    click.echo(json.dumps(jsonable(value), ensure_ascii=False))


def console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) that degrades to plain text off a terminal."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def timestamp(value: datetime | None) -> str:
    """A short UTC rendering of a timestamp for tables."""
    if value is None:
        return "-"
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")


def status_text(status: ModelStatus) -> Text:
    """A model status, coloured."""
    from rich.text import Text

    return Text(status.value, style=STATUS_STYLES.get(status, ""))


def plain(value: Any, style: str = "") -> Text:
    """Text taken literally (a model called ``[red]`` is not rich markup), credentials masked; ``-`` when empty."""
    from rich.text import Text

    if value is None or value == "":
        return _formats.blank(style)
    return Text(redaction().text(str(value)), style=style)


def table(*columns: str, title: str | None = None) -> Grid:
    """An empty table with ``columns``: cut with an ellipsis to the terminal's width, never wrapped."""
    return Grid(*columns, title=title)


def models_table(models: Iterable[Model]) -> Grid:
    """A table of models: ref, name, status, last update, description (csv and tsv get full timestamps)."""
    grid = table("REF", "NAME", "STATUS", "UPDATED", "DESCRIPTION")
    for model in models:
        updated = model.updated_at or model.created_at
        grid.add_row(
            plain(model.ref, "bold"),
            plain(model.name),
            status_text(model.status),
            plain(timestamp(updated)),
            plain(model.description, "dim"),
            data=[
                model.ref,
                model.name,
                model.status.value,
                updated.isoformat() if updated else None,
                model.description,
            ],
        )
    return grid


def model_view(model: Model) -> Grid:
    """One model as a two-column table of fields, details included."""
    grid = Grid("FIELD", "VALUE", title=model.ref, show_header=False)
    grid.add_row(plain("name", "bold"), plain(model.name))
    grid.add_row(plain("status", "bold"), status_text(model.status))
    grid.add_row(plain("description", "bold"), plain(model.description))
    grid.add_row(plain("created", "bold"), plain(timestamp(model.created_at)))
    grid.add_row(plain("updated", "bold"), plain(timestamp(model.updated_at)))
    details = jsonable(model.details) if model.details is not None else {}
    for key, value in details.items() if isinstance(details, dict) else []:
        if value is None or value in ({}, []):
            continue
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
        grid.add_row(plain(key), plain(shown))
    return grid


def show_model(model: Model, *, as_json: bool) -> None:
    """Print one model: a field table on a terminal, one line in a pipe, or JSON/YAML/csv/tsv as asked."""
    form = _formats.current(as_json)
    grid = model_view(model) if form == "table" else models_table([model])
    _formats.emit(grid, model_dict(model), as_json=as_json)


def note(message: str) -> None:
    """A one-line remark on stderr that never mixes with data on stdout, credentials masked."""
    click.echo(redaction().text(message), err=True)
