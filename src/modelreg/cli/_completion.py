"""``modelreg completion SHELL``: the shell completion script for bash, zsh or fish.

Add ``eval "$(modelreg completion bash)"`` to ~/.bashrc (``zsh`` likewise in ~/.zshrc), or
``modelreg completion fish > ~/.config/fish/completions/modelreg.fish``. Commands, options,
provider names and the provider part of refs complete; model ids do not (that would need the network).
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem, get_completion_class

import modelreg

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_MODELREG_COMPLETE"
"""The variable click's completion scripts set when they ask ``modelreg`` for completions."""


def complete_provider(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The installed providers whose name starts with ``incomplete``."""
    return [CompletionItem(name) for name in modelreg.providers() if name.startswith(incomplete)]


def complete_ref(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``PROVIDER:`` for each installed provider that ``incomplete`` could be the start of a ref of."""
    if ":" in incomplete:
        return []
    return [CompletionItem(f"{name}:", type="plain") for name in modelreg.providers() if name.startswith(incomplete)]


def register(cli: click.Group) -> None:
    """Add ``completion`` to ``cli``."""

    @cli.command("completion")
    @click.argument("shell", type=click.Choice(SHELLS))
    @click.pass_context
    def completion_command(ctx: click.Context, shell: str) -> None:
        """Print the completion script for SHELL (bash, zsh or fish).

        \b
        bash:  eval "$(modelreg completion bash)"    # in ~/.bashrc
        zsh:   eval "$(modelreg completion zsh)"     # in ~/.zshrc
        fish:  modelreg completion fish > ~/.config/fish/completions/modelreg.fish
        """
        completer = get_completion_class(shell)
        assert completer is not None  # click ships all three
        root = ctx.find_root().command
        click.echo(completer(root, {}, "modelreg", COMPLETE_VAR).source())
