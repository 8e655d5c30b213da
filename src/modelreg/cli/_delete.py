"""``modelreg delete`` and ``prune``: the vendors' safe-deletion advice, made the default.

Look each model up first and show it; refuse one that is training unless --force; optionally
export every full record before it goes; ask before deleting (--yes skips); report per ref.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click

from modelreg import Model, ModelRegError, ModelStatus, NotFound
from modelreg.cli import _formats, _output, _params
from modelreg.cli._completion import complete_ref
from modelreg.cli._errors import EXIT_INTERRUPTED, command, describe
from modelreg.cli._formats import Grid
from modelreg.cli._models import FilteredCommand, Listing, filter_options
from modelreg.cli._session import Session

if TYPE_CHECKING:
    from modelreg import BulkOutcome, ModelRegistry


@attrs.define
class Target:
    """One model to delete and, once settled, what happened to it."""

    ref: str
    model: Model | None = None
    registry: ModelRegistry | None = None
    result: str | None = None
    ok: bool = False
    export: str | None = None

    def settle(self, result: str, *, ok: bool) -> None:
        """Record the outcome."""
        self.result, self.ok = result, ok


def from_refs(session: Session, refs: Iterable[str], *, missing_ok: bool) -> list[Target]:
    """Targets for ``refs``, each looked up so that the user sees what they delete."""
    targets = []
    seen: set[str] = set()
    for ref in dict.fromkeys(refs):  # a ref given twice is deleted once
        registry, model_id = session.resolve(ref)
        target = Target(ref, registry=registry)
        try:
            target.model = registry.get(model_id)
        except NotFound:
            target.settle("not found (already deleted?)", ok=missing_ok)
        except ModelRegError as exc:
            target.settle(f"failed to look up: {describe(exc)}", ok=False)
        if target.model is not None:
            if target.model.ref in seen:
                continue  # another spelling of a ref already listed (scriptix:01 and scriptix:1)
            seen.add(target.model.ref)
        targets.append(target)
    return targets


def from_models(session: Session, models: Iterable[Model]) -> list[Target]:
    """Targets for models already fetched by a listing."""
    return [Target(m.ref, model=m, registry=session.registry(m.provider)) for m in models]


def export_record(directory: Path, model: Model) -> Path:
    """Write a model's full record (normalized fields and the vendor's JSON) to ``directory``."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{model.provider}-{model.id}")
    path = directory / f"{safe}.json"
    text = json.dumps(_output.model_dict(model, raw=True), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _plan_table(targets: Sequence[Target]) -> Grid:
    grid = _output.table("REF", "NAME", "STATUS", "PLAN")
    for target in targets:
        model = target.model
        plan = _output.plain("delete", "bold red") if target.result is None else _output.plain(f"skip: {target.result}")
        grid.add_row(
            _output.plain(target.ref, "bold"),
            _output.plain(model.name if model else None),
            _output.status_text(model.status) if model else _output.plain(None),
            plan,
        )
    return grid


def _summary_table(targets: Sequence[Target], *, exported: bool) -> Grid:
    columns = ["REF", "NAME", "RESULT"] + (["EXPORT"] if exported else [])
    grid = _output.table(*columns)
    for target in targets:
        style = "green" if target.ok else "red"
        row = [
            _output.plain(target.ref, "bold"),
            _output.plain(target.model.name if target.model else None),
            _output.plain(target.result, style),
        ]
        if exported:
            row.append(_output.plain(target.export))
        grid.add_row(*row)
    return grid


def _summary_json(targets: Sequence[Target]) -> list[dict[str, Any]]:
    return [
        {"ref": t.ref, "name": t.model.name if t.model else None, "ok": t.ok, "result": t.result, "export": t.export}
        for t in targets
    ]


def run(
    targets: list[Target],
    *,
    yes: bool,
    dry_run: bool,
    force: bool,
    export: Path | None,
    as_json: bool,
    missing_ok: bool = False,
) -> int:
    """Show the plan, confirm, export and delete; print the per-ref summary; return the exit code."""
    for target in targets:
        if target.result is None and target.model and target.model.status is ModelStatus.TRAINING and not force:
            target.settle("refused: the model is training; wait for it to finish or pass --force", ok=False)
    pending = [t for t in targets if t.result is None]
    err = _output.console(stderr=True)
    if targets:
        err.print(_plan_table(targets))
    if dry_run:
        for target in pending:
            target.settle("would be deleted (dry run)", ok=True)
        _output.note("Dry run: nothing was deleted.")
    elif pending and not yes and not _confirmed(len(pending)):
        for target in pending:
            target.settle("not deleted: not confirmed (--yes deletes without asking)", ok=False)
        pending = []
    interrupted = False
    if pending and not dry_run:
        interrupted = _delete_all(pending, export, missing_ok=missing_ok, show_progress=len(pending) > 1)
    if targets or _formats.current(as_json) not in ("table", _formats.LINES):
        _formats.emit(_summary_table(targets, exported=export is not None), _summary_json(targets), as_json=as_json)
    else:
        _output.note("Nothing to delete.")
    if interrupted:
        return EXIT_INTERRUPTED
    return 0 if all(t.ok for t in targets) else 1


def _confirmed(count: int) -> bool:
    try:
        return click.confirm(f"Delete {count} model(s)? This cannot be undone.", default=False, err=True)
    except click.Abort as exc:  # no answer: stdin closed (a script), or Ctrl-C
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None  # nothing was deleted: the command stops with 130
        click.echo("", err=True)
        return False


def _delete_all(pending: list[Target], export: Path | None, *, missing_ok: bool, show_progress: bool) -> bool:
    """Export every record first (a failed export spares its model), then delete per provider; True if interrupted."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if export is not None:
        pending = [target for target in pending if _export(target, export)]
    err = _output.console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not show_progress or not err.is_terminal) as bar:
        task = bar.add_task("Deleting", total=len(pending))
        try:
            for registry, group in _by_registry(pending):
                by_id = {target.model.id: target for target in group if target.model}

                def progress(outcome: BulkOutcome, _done: int, _total: int, by_id: dict[str, Target] = by_id) -> None:
                    _settle(by_id[outcome.id], outcome)
                    bar.update(task, description=f"Deleting ({outcome.provider}:{outcome.id} {outcome.status})")
                    bar.advance(task)

                registry.delete_many(list(by_id), missing_ok=missing_ok, progress=progress)
        except KeyboardInterrupt:
            for target in pending:
                if target.result is None:
                    check = command("get", target.ref)
                    target.settle(f"interrupted: may or may not be deleted; check with `{check}`", ok=False)
            return True
    return False


def _by_registry(targets: list[Target]) -> list[tuple[ModelRegistry, list[Target]]]:
    groups: dict[str, tuple[ModelRegistry, list[Target]]] = {}
    for target in targets:
        assert target.registry is not None
        groups.setdefault(target.registry.provider, (target.registry, []))[1].append(target)
    return list(groups.values())


def _export(target: Target, directory: Path) -> bool:
    assert target.model is not None
    try:
        target.export = str(export_record(directory, target.model))
    except OSError as exc:
        target.settle(f"not deleted: could not export the record: {exc}", ok=False)
        return False
    return True


def _settle(target: Target, outcome: BulkOutcome) -> None:
    from modelreg import BulkStatus  # with the registries, which this command has loaded already

    if outcome.status is BulkStatus.DELETED:
        target.settle("deleted", ok=True)
    elif outcome.status is BulkStatus.ALREADY_GONE:
        target.settle("already gone", ok=True)
    elif isinstance(outcome.error, ModelRegError):
        target.settle(f"failed: {describe(outcome.error)}", ok=False)
    else:
        target.settle(f"not deleted: {outcome.detail or outcome.status}", ok=False)


def _export_dir(value: Path | None) -> Path | None:
    if value is not None:
        try:
            value.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.BadParameter(f"cannot create {value}: {exc.strerror}", param_hint="--export") from None
    return value


def safety_options(func: Any) -> Any:
    """The options delete and prune share."""
    options = [
        click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation."),
        click.option("--dry-run", is_flag=True, help="Show what would be deleted and stop."),
        click.option("--force", is_flag=True, help="Also delete models that are training."),
        click.option(
            "--export",
            type=click.Path(file_okay=False, path_type=Path),
            callback=lambda _c, _p, v: _export_dir(v),
            help="Write each model's full record to DIR as JSON before deleting it.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the per-ref summary as JSON (-o json)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def register(cli: click.Group) -> None:
    """Add ``delete`` and ``prune`` to ``cli``."""

    @cli.command("delete")
    @click.argument(
        "refs",
        nargs=-1,
        required=True,
        callback=lambda _c, _p, v: [_params.check_ref(r) for r in v],
        shell_complete=complete_ref,
    )
    @safety_options
    @click.option("--missing-ok", is_flag=True, help="A model that is already gone is not a failure.")
    @click.pass_obj
    def delete_command(session: Session, /, refs: list[str], missing_ok: bool, **options: Any) -> None:
        """Delete models by ref, safely: shows them, asks first, refuses training ones.

        Deletion is permanent. --export DIR keeps a copy of each record; --dry-run only shows.
        Exits 1 when any ref was not deleted.
        """
        targets = from_refs(session, refs, missing_ok=missing_ok)
        raise click.exceptions.Exit(run(targets, missing_ok=missing_ok, **options))

    @cli.command("prune", cls=FilteredCommand)
    @filter_options
    @safety_options
    @click.pass_obj
    def prune_command(
        session: Session,
        /,
        providers: tuple[str, ...],
        status: str | None,
        search: str | None,
        extra: tuple[str, ...],
        yes: bool,
        dry_run: bool,
        force: bool,
        export: Path | None,
        as_json: bool,
        **vendor: str | None,
    ) -> None:
        """Delete every model matching filters, as safely as delete does.

        Example: modelreg prune --status failed --export ./backup
        """
        filters = _params.list_filters(status, search, vendor, extra)
        if not filters:
            raise click.UsageError("prune needs at least one filter, e.g. --status failed")
        listing = Listing(session, providers, filters, None)
        targets = from_models(session, listing)
        code = run(targets, yes=yes, dry_run=dry_run, force=force, export=export, as_json=as_json)
        raise click.exceptions.Exit(1 if listing.failures else code)
