"""Vendor-only commands: ``upload-data`` and ``train`` (Scriptix), ``validate`` (SELISE Blocks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import modelreg
from modelreg import Model, ModelStatus, UnsupportedOperation
from modelreg.cli import _formats, _output, _params
from modelreg.cli._completion import complete_ref
from modelreg.cli._errors import EXIT_INTERRUPTED, command
from modelreg.cli._session import Session

if TYPE_CHECKING:
    from modelreg import ModelRegistry

_ref_argument = click.argument("ref", callback=lambda _c, _p, v: _params.check_ref(v), shell_complete=complete_ref)


def require(registry: ModelRegistry, operation: str, command: str) -> None:
    """Fail with the providers that do offer ``operation`` when this registry's provider does not."""
    if operation in modelreg.provider_info(registry.provider).operations:
        return
    offering = [info.name for info in modelreg.providers(details=True) if operation in info.operations]
    where = f"; it works with {', '.join(offering)} models" if offering else ""
    raise UnsupportedOperation(
        f"{registry.provider} does not support `modelreg {command}`{where}", provider=registry.provider
    )


def progress_of(model: Model) -> float | None:
    """A training model's progress in percent, when the provider reports one."""
    value = getattr(model.details, "training_progress", None)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def register(cli: click.Group) -> None:
    """Add ``upload-data``, ``train`` and ``validate`` to ``cli``."""

    @cli.command("upload-data")
    @_ref_argument
    @click.argument("audio", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--transcript",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="The verbatim transcript (.txt); default: AUDIO with a .txt suffix.",
    )
    @click.option("--kind", type=click.Choice(["train", "test"]), default="train", show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the vendor's answer as JSON.")
    @click.pass_obj
    def upload_command(
        session: Session, ref: str, audio: Path, transcript: Path | None, kind: str, as_json: bool
    ) -> None:
        """Upload an audio file and its transcript as training data (Scriptix)."""
        registry, model_id = session.resolve(ref)
        require(registry, "upload_training_data", "upload-data")
        if transcript is None:
            transcript = audio.with_suffix(".txt")
            if not transcript.is_file():
                raise click.BadParameter(
                    f"no transcript next to the audio ({transcript} does not exist); pass --transcript FILE",
                    param_hint="--transcript",
                )
        # The transcript goes as (name, content) so that the vendor sees its real file name.
        text = (transcript.name, transcript.read_bytes())
        result = registry.upload_training_data(model_id, audio=audio, transcript=text, kind=kind)
        _output.note(f"Uploaded {audio.name} and {transcript.name} to {ref} as {kind} data.")
        _show_record(result, as_json=as_json)

    @cli.command("train")
    @_ref_argument
    @click.option("--wait", is_flag=True, help="Wait for training to finish, with a progress bar.")
    @click.option(
        "--poll-interval", type=click.FloatRange(min=0, min_open=True), help="With --wait, seconds between checks."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the model as JSON.")
    @click.pass_obj
    def train_command(session: Session, ref: str, wait: bool, poll_interval: float | None, as_json: bool) -> None:
        """Start training a model (Scriptix); --wait follows it to the end.

        Exits 1 when the training fails.
        """
        registry, model_id = session.resolve(ref)
        require(registry, "train", "train")
        if poll_interval is not None and not wait:
            raise click.UsageError("--poll-interval needs --wait")
        if wait:
            polling = {} if poll_interval is None else {"poll_interval": poll_interval}
            model = _train_and_wait(registry, model_id, polling)
        else:
            model = registry.train(model_id)
            _output.note(f"Training of {model.ref} started; follow it with `{command('get', model.ref)}`.")
        _output.show_model(model, as_json=as_json)
        if model.status is ModelStatus.FAILED:
            _output.note(f"Error: training of {model.ref} failed.")
            raise click.exceptions.Exit(1)

    @cli.command("validate")
    @_ref_argument
    @click.option("--json", "as_json", is_flag=True, help="Print the vendor's answer as JSON.")
    @click.pass_obj
    def validate_command(session: Session, ref: str, as_json: bool) -> None:
        """Check a model's configuration with its vendor (SELISE Blocks); exits 1 when it is invalid."""
        registry, model_id = session.resolve(ref)
        require(registry, "validate", "validate")
        result = registry.validate(model_id)
        valid = getattr(result, "is_valid", None)
        _show_record(result, as_json=as_json)
        if valid is not None:
            _output.note(f"{ref} is valid." if valid else f"Error: {ref} is not valid.")
        if valid is False:
            raise click.exceptions.Exit(1)


def _train_and_wait(registry: ModelRegistry, model_id: str, polling: dict[str, float]) -> Model:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    err = _output.console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"Training {registry.provider}:{model_id}", total=100)

        def progress(model: Model) -> None:
            percent = progress_of(model)
            bar.update(task, completed=percent or 0, description=f"Training {model.ref} ({model.status})")
            if not err.is_terminal and percent is not None:
                _output.note(f"{model.ref}: {model.status} {percent:.0f}%")

        current = registry.get(model_id)
        try:
            if current.status is ModelStatus.TRAINING:
                _output.note(f"{current.ref} is already training; waiting for it.")
            else:
                registry.train(model_id)
            model = registry.wait(model_id, until=ModelStatus.AVAILABLE, progress=progress, **polling)
        except KeyboardInterrupt:
            bar.stop()
            _output.note(
                f"Stopped waiting; the training goes on at the vendor. Follow it with "
                f"`{command('train', current.ref, '--wait')}` or `{command('get', current.ref)}`."
            )
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        if model.status is ModelStatus.AVAILABLE:
            bar.update(task, completed=100)
    return model


def _show_record(record: Any, *, as_json: bool) -> None:
    """A vendor record (an upload, a validation) as a FIELD/VALUE table, or JSON/YAML as asked."""
    data = _output.jsonable(record)
    grid = _output.table("FIELD", "VALUE")
    for key, value in data.items() if isinstance(data, dict) else []:
        if key == "raw":
            continue  # the vendor's JSON repeats the fields above; -o json shows it
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
        grid.add_row(_output.plain(key, "bold"), _output.plain(shown))
    _formats.emit(grid, data, as_json=as_json)
