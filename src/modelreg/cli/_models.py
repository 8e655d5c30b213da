"""``modelreg list``, ``get``, ``create`` and ``update``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import click

import modelreg
from modelreg import Model, ModelRegError, ModelStatus, ValidationFailed, parse_ref
from modelreg.cli import _formats, _output, _params
from modelreg.cli._completion import complete_provider, complete_ref
from modelreg.cli._errors import describe
from modelreg.cli._fields import read_fields
from modelreg.cli._session import Session, check_provider

F = TypeVar("F", bound=Callable[..., Any])

COMMON = frozenset({"status", "search"})
"""Filters with one meaning everywhere: checked on the client as well, and for a vendor without them."""


def vendor_filters() -> dict[str, list[str]]:
    """Each installed provider's own filter names, with the providers that accept it."""
    names: dict[str, list[str]] = {}
    for info in modelreg.providers(details=True):
        for key in info.filters:
            if _params.own_option(key):
                names.setdefault(key, []).append(info.name)
    return dict(sorted(names.items()))


def filter_options(func: F) -> F:
    """Add the listing options: --provider, --status, --search, --filter; ``FilteredCommand`` adds the vendors'."""
    decorators = [
        click.option("-p", "--provider", "providers", multiple=True, help="Only this provider (repeatable)."),
        click.option("--status", type=click.Choice([s.value for s in ModelStatus]), help="Only models in this status."),
        click.option("--search", help="Only models whose name matches this text."),
        click.option("--filter", "extra", multiple=True, metavar="KEY=VALUE", help="Any provider filter (repeatable)."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def field_options(func: F) -> F:
    """The options that give vendor fields: --set, --set-env and --set-prompt."""
    decorators = [
        click.option(
            "--set",
            "pairs",
            multiple=True,
            metavar="KEY=VALUE",
            help="A vendor field, typed as the provider declares it; VALUE @FILE reads it from FILE.",
        ),
        click.option("--set-env", "env_pairs", multiple=True, metavar="KEY=VAR", help="A vendor field read from $VAR."),
        click.option(
            "--set-prompt", "prompts", multiple=True, metavar="KEY", help="A vendor field to ask for (hidden input)."
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


class FilteredCommand(click.Command):
    """A command with ``filter_options``, plus one option per vendor filter (``--language``...) after ``--filter``.

    Finding the vendors' filters loads every provider plugin: they are added when the command is
    parsed or its help shown, not when ``modelreg --help`` lists the commands.
    """

    vendor_options_added = False

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The command's parameters, the vendor filter options included."""
        if not self.vendor_options_added:
            self.vendor_options_added = True
            after = next(index for index, param in enumerate(self.params) if param.name == "extra") + 1
            self.params[after:after] = [
                click.Option([_params.option_name(key), key], metavar="VALUE", help=f"Filter by {key} ({by}).")
                for key, by in ((key, ", ".join(owners)) for key, owners in vendor_filters().items())
            ]
        return super().get_params(ctx)


class Listing:
    """Models across providers; a provider that fails is reported and the others still listed."""

    def __init__(self, session: Session, providers: Sequence[str], filters: dict[str, Any], limit: int | None) -> None:
        for name in providers:
            check_provider(name)
        registries = session.connected(providers)
        self.targets = registries.targets(filters, providers or None)
        self.filters = filters
        self.limit = limit
        self.across = not providers
        self.skipped = dict(registries.skipped) if self.across else {}
        """Providers left out of a listing across all of them, with the reason."""
        self.failures: list[str] = []

    def __iter__(self) -> Iterator[Model]:
        remaining = self.limit
        for registry in self.targets:
            if remaining == 0:
                return
            name = registry.provider
            accepted = set(modelreg.provider_info(name).filters)
            sent = {key: value for key, value in self.filters.items() if key in accepted or key not in COMMON}
            # The vendor's status filter may be coarser than ModelStatus, and a vendor may not search
            # at all: the common filters are checked here too, so that no model in another status is
            # ever shown, let alone pruned.
            checked = sent != self.filters or "status" in self.filters
            try:
                for model in registry.list(limit=None if checked else remaining, **sent):
                    if not self._matches(model, search_here="search" not in sent):
                        continue
                    yield model
                    if remaining is not None:
                        remaining -= 1
                        if remaining == 0:
                            return
            except ValidationFailed as exc:
                if exc.status_code is not None:
                    self._fail(name, exc)
                elif not (self.across and _only_status(exc)):
                    raise
                # Else a provider with no such status (SELISE has no "training"): none of its models match.
            except ModelRegError as exc:
                self._fail(name, exc)

    def _matches(self, model: Model, *, search_here: bool) -> bool:
        status = self.filters.get("status")
        if status is not None and model.status is not status:
            return False
        search = self.filters.get("search") if search_here else None
        return search is None or str(search).casefold() in model.name.casefold()

    def _fail(self, name: str, exc: ModelRegError) -> None:
        text = describe(exc)
        message = text if text.startswith(f"{name}:") else f"{name}: {text}"
        self.failures.append(message)
        _output.note(f"Error: {message}")


def register(cli: click.Group) -> None:
    """Add ``list``, ``get``, ``create`` and ``update`` to ``cli``."""

    @cli.command("list", cls=FilteredCommand)
    @filter_options
    @click.option("--limit", type=click.IntRange(min=0), help="At most this many models in all.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
    @click.option("--jsonl", is_flag=True, help="Print one JSON object per line, as models arrive.")
    @click.pass_obj
    def list_command(
        session: Session,
        /,
        providers: tuple[str, ...],
        status: str | None,
        search: str | None,
        extra: tuple[str, ...],
        limit: int | None,
        as_json: bool,
        jsonl: bool,
        **vendor: str | None,
    ) -> None:
        """List models across every configured provider (or --provider), with filters.

        A table on a terminal, one tab-separated line per model in a pipe (ref, name, status,
        updated, description); -o json|yaml|csv|tsv or --jsonl for scripts, JSON with the fields
        provider, id, ref, name, description, status, created_at, updated_at and details.
        """
        if jsonl and _formats.current(as_json) in ("json", "yaml", "csv", "tsv"):
            raise click.UsageError("--jsonl prints JSON lines: give it without --json or -o")
        filters = _params.list_filters(status, search, vendor, extra)
        listing = Listing(session, providers, filters, limit)
        if jsonl:
            for model in listing:
                _output.echo_json_line(_output.model_dict(model))
        else:
            models = list(listing)
            form = _formats.current(as_json)
            if models or form not in ("table", _formats.LINES):
                _formats.emit(_output.models_table(models), [_output.model_dict(m) for m in models], as_json=as_json)
            elif not listing.failures:
                _output.note("No models match.")
            for name, reason in listing.skipped.items():
                _output.note(f"Note: {name} is not listed: {reason}.")
        if listing.failures:
            raise click.exceptions.Exit(1)

    @cli.command("get")
    @click.argument("ref", callback=lambda _c, _p, v: _params.check_ref(v), shell_complete=complete_ref)
    @click.option("--json", "as_json", is_flag=True, help="Print the model as JSON.")
    @click.option("--raw", is_flag=True, help="With -o json or yaml, add the vendor's JSON as received under 'raw'.")
    @click.pass_obj
    def get_command(session: Session, ref: str, as_json: bool, raw: bool) -> None:
        """Show one model.

        Example: modelreg get scriptix:123 -o yaml
        """
        registry, model_id = session.resolve(ref)
        model = registry.get(model_id)
        if raw and _formats.current(as_json) in ("json", "yaml"):
            _formats.emit(_output.model_view(model), _output.model_dict(model, raw=True), as_json=as_json)
        else:
            _output.show_model(model, as_json=as_json)

    @cli.command("create")
    @click.argument("provider", shell_complete=complete_provider)
    @click.option("--name", help="The model's name.")
    @click.option("--description", help="A description.")
    @field_options
    @click.option("--json", "as_json", is_flag=True, help="Print the new model as JSON.")
    @click.pass_obj
    def create_command(
        session: Session,
        provider: str,
        name: str | None,
        description: str | None,
        pairs: tuple[str, ...],
        env_pairs: tuple[str, ...],
        prompts: tuple[str, ...],
        as_json: bool,
    ) -> None:
        """Create a model at PROVIDER.

        \b
        Example: modelreg create scriptix --name "Cardiology EN" --set language=en --set base_model=medical
        A secret field stays off the command line: --set api_key=@key.txt, --set-env api_key=OPENAI_API_KEY
        or --set-prompt api_key. `modelreg providers -o json` lists each provider's create_fields.
        """
        check_provider(provider)
        extra = read_fields(provider, pairs, env_pairs, prompts)
        fields = _params.merge_fields({"name": name, "description": description}, extra)
        model = session.registry(provider).create(**fields)
        if not as_json:
            _output.note(f"Created {model.ref}.")
        _output.show_model(model, as_json=as_json)

    @cli.command("update")
    @click.argument("ref", callback=lambda _c, _p, v: _params.check_ref(v), shell_complete=complete_ref)
    @click.option("--name", help="A new name.")
    @click.option("--description", help="A new description.")
    @field_options
    @click.option("--json", "as_json", is_flag=True, help="Print the updated model as JSON.")
    @click.pass_obj
    def update_command(
        session: Session,
        ref: str,
        name: str | None,
        description: str | None,
        pairs: tuple[str, ...],
        env_pairs: tuple[str, ...],
        prompts: tuple[str, ...],
        as_json: bool,
    ) -> None:
        """Change fields of a model.

        Example: modelreg update scriptix:123 --description "Cardiology, v2"
        """
        provider = parse_ref(ref)[0]
        check_provider(provider, param_hint="REF")
        extra = read_fields(provider, pairs, env_pairs, prompts)
        fields = _params.merge_fields({"name": name, "description": description}, extra)
        if not fields:
            raise click.UsageError("nothing to update: give --name, --description or --set KEY=VALUE")
        registry, model_id = session.resolve(ref)
        model = registry.update(model_id, **fields)
        if not as_json:
            _output.note(f"Updated {model.ref}.")
        _output.show_model(model, as_json=as_json)


def _only_status(exc: ValidationFailed) -> bool:
    return bool(exc.issues) and all(issue.loc[-1:] == ("status",) for issue in exc.issues)
