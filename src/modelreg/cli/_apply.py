"""``modelreg plan`` and ``apply``: models as code, from a TOML manifest (see docs/manifest.md).

``plan`` shows what ``apply`` would change (``--check`` exits 3 when anything would); ``apply``
shows the same plan, asks, then converges, reporting one outcome per action.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import modelreg
from modelreg.cli import _formats, _output
from modelreg.cli._formats import Grid
from modelreg.cli._session import Session

if TYPE_CHECKING:
    from modelreg import Action, ApplyOutcome, Plan

EXIT_PENDING = 3
"""``plan --check``: the providers differ from the manifest."""
# By the kinds' values: ``ActionKind`` loads with the registries, which ``--help`` does not need.
STYLES = {
    "create": "green",
    "update": "yellow",
    "replace": "bold magenta",
    "delete": "bold red",
    "noop": "dim",
}


def value_text(value: Any) -> str:
    """A field value as JSON, so that ``"1"`` and ``1`` and ``null`` read apart."""
    return json.dumps(_output.jsonable(value), ensure_ascii=False)


def key_text(action: Action) -> str:
    """The natural-key values: ``Cardiology EN / en / medical``."""
    return " / ".join(str(value) for value in action.key.values())


def changes_text(action: Action) -> str:
    """Each changed field: ``description: "old" → "new"``, separated by ``; ``."""
    return "; ".join(f"{name}: {value_text(c.old)} → {value_text(c.new)}" for name, c in action.changes.items())


def plan_table(plan: Plan) -> Grid:
    """The plan as a table: action, provider, key, ref and changes."""
    grid = _output.table("ACTION", "PROVIDER", "KEY", "REF", "CHANGES")
    for action in plan.actions:
        label = f"{action.kind} (blocked)" if action.blocked else str(action.kind)
        grid.add_row(
            _output.plain(label, STYLES[action.kind.value]),
            _output.plain(action.provider),
            _output.plain(key_text(action)),
            _output.plain(action.ref, "bold"),
            _output.plain(changes_text(action) or None),
        )
    return grid


def outcomes_table(outcomes: Sequence[ApplyOutcome]) -> Grid:
    """What apply did: action, key, the model's ref afterwards, and the result."""
    grid = _output.table("ACTION", "PROVIDER", "KEY", "REF", "RESULT")
    for outcome in outcomes:
        action = outcome.action
        grid.add_row(
            _output.plain(action.kind, STYLES[action.kind.value]),
            _output.plain(action.provider),
            _output.plain(key_text(action)),
            _output.plain(outcome.ref, "bold"),
            _output.plain(
                f"{outcome.status}: {outcome.detail}" if outcome.detail else outcome.status,
                "green" if outcome.ok else "red",
            ),
        )
    return grid


def outcome_dict(outcome: ApplyOutcome) -> dict[str, Any]:
    """An outcome's JSON form: the action's fields, the ref afterwards, ``status`` and ``detail``."""
    return {**outcome.action.to_dict(), "ref": outcome.ref, "status": outcome.status.value, "detail": outcome.detail}


def make_plan(session: Session, path: Path, *, prune: bool, allow_replace: bool) -> tuple[modelreg.Registries, Plan]:
    """Load the manifest, connect the providers it names and plan; nothing is changed."""
    manifest = modelreg.load_manifest(path)
    registries = session.connected(manifest.providers)
    return registries, registries.plan(manifest, prune=prune, allow_replace=allow_replace)


def report_notes(plan: Plan, *, sandbox: bool) -> None:
    """Notes, blocked actions and a long rate-limit wait, on stderr."""
    for note in plan.notes:
        _output.note(f"Note: {note}")
    for action in plan.blocked:
        _output.note(f"Blocked: {action.ref}: {action.blocked}")
    estimate = plan.estimate()
    if estimate.seconds >= 60:
        where = " (the sandbox does not enforce them unless asked)" if sandbox else ""
        _output.note(f"Vendor rate limits make this slow{where}: {estimate}")


def manifest_option(func: Any) -> Any:
    """The options plan and apply share."""
    options = [
        click.option(
            "-f",
            "--file",
            "path",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default="models.toml",
            show_default=True,
            help="The manifest: which models should exist (docs/manifest.md).",
        ),
        click.option(
            "--prune", is_flag=True, help="Also delete models inside the manifest's [prune] scope it does not list."
        ),
        click.option(
            "--allow-replace", is_flag=True, help="Allow delete + create where a vendor cannot update a field."
        ),
        click.option("--json", "as_json", is_flag=True, help="The same as -o json."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def register(cli: click.Group) -> None:
    """Add ``plan`` and ``apply`` to ``cli``."""

    @cli.command("plan")
    @manifest_option
    @click.option("--check", is_flag=True, help="Exit 3 when changes are pending, 0 when in sync (for CI).")
    @click.pass_obj
    def plan_command(
        session: Session, /, path: Path, prune: bool, allow_replace: bool, as_json: bool, check: bool
    ) -> None:
        """Show what apply would change so that the providers match the manifest.

        Per model: create, update (old → new), replace (needs --allow-replace), delete (only
        inside [prune], only with --prune) or noop. Exit codes: 0 success (or in sync with
        --check), 1 failure, 2 invalid manifest or usage, 3 changes pending with --check.
        """
        _, plan = make_plan(session, path, prune=prune, allow_replace=allow_replace)
        form = _formats.current(as_json)
        _formats.emit(plan_table(plan), plan.to_json(), as_json=as_json)
        if form in ("table", _formats.LINES):
            click.echo(f"Plan: {plan.summary()}.")
        else:
            _output.note(f"Plan: {plan.summary()}.")
        report_notes(plan, sandbox=session.sandbox)
        raise click.exceptions.Exit(EXIT_PENDING if check and not plan.in_sync else 0)

    @cli.command("apply")
    @manifest_option
    @click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.option("--dry-run", is_flag=True, help="Show the plan and what would be done; send nothing.")
    @click.pass_obj
    def apply_command(
        session: Session, /, path: Path, prune: bool, allow_replace: bool, as_json: bool, yes: bool, dry_run: bool
    ) -> None:
        """Make the providers match the manifest: shows the plan, asks, then creates, updates, replaces, deletes.

        One result per action; a failure never stops the others. Run it again after a failure:
        it converges without duplicates. Exits 1 when any action failed or was not confirmed.
        """
        registries, plan = make_plan(session, path, prune=prune, allow_replace=allow_replace)
        err = _output.console(stderr=True)
        err.print(plan_table(plan))
        _output.note(f"Plan: {plan.summary()}.")
        report_notes(plan, sandbox=session.sandbox)
        if plan.blocked:
            raise click.UsageError(
                f"{len(plan.blocked)} model(s) can only change by replacing them (delete + create): pass "
                "--allow-replace, or change the manifest back"
            )
        confirmed = yes or dry_run or plan.in_sync or _confirmed(len(plan.pending))
        if not confirmed:
            _output.note("Nothing was applied.")
            raise click.exceptions.Exit(1)
        outcomes = _run(registries, plan, dry_run=dry_run)
        if _formats.current(as_json) not in ("table", _formats.LINES):
            _formats.emit(outcomes_table(outcomes), [outcome_dict(outcome) for outcome in outcomes], as_json=as_json)
        elif plan.in_sync:
            click.echo("Nothing to do: every model is as the manifest describes.")
        else:
            changed = [o for o in outcomes if o.action.kind is not modelreg.ActionKind.NOOP]
            _formats.emit(outcomes_table(changed), [outcome_dict(outcome) for outcome in changed], as_json=as_json)
        if dry_run:
            _output.note("Dry run: nothing was sent.")
        failed = [outcome for outcome in outcomes if not outcome.ok]
        if failed:
            _output.note(f"{len(failed)} action(s) did not complete; run apply again once the cause is fixed.")
        raise click.exceptions.Exit(1 if failed else 0)


def _confirmed(count: int) -> bool:
    try:
        return click.confirm(f"Apply {count} change(s)?", default=False, err=True)
    except click.Abort as exc:  # no answer: stdin closed (a script), or Ctrl-C
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None  # nothing was applied: the command stops with 130
        click.echo("", err=True)
        return False


def _run(registries: modelreg.Registries, plan: Plan, *, dry_run: bool) -> list[ApplyOutcome]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = _output.console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=dry_run or not err.is_terminal) as bar:
        task = bar.add_task("Applying", total=len(plan.actions))

        def progress(outcome: ApplyOutcome, _done: int, _total: int) -> None:
            bar.update(task, description=f"Applying ({outcome.action.kind} {outcome.ref or ''} {outcome.status})")
            bar.advance(task)

        return registries.apply(plan, dry_run=dry_run, progress=progress)
