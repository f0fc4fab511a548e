"""The `briefings` command: parses arguments, calls one function per verb, turns errors into exit
codes. The verbs that make the site are in site.py, the editor's in desk.py; what they share
(options, finding the project, error messages) in options.py."""

from __future__ import annotations

import click

from briefings import __version__
from briefings.cli import desk, site


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="briefings")
def cli(debug: bool) -> None:
    """Build curated news briefings into a static site."""


for _command in (*site.COMMANDS, *desk.COMMANDS):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="briefings")
