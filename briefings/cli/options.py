"""What the `briefings` verbs share: the project and URL options, finding the project's
settings, and turning errors into messages and exit codes."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from briefings.config import Config, find_project, load_config, with_base_url
from briefings.errors import BriefingsError, ConfigError

project_option = click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project folder (holding briefings.toml) [default: the nearest from here upward].",
)


base_url_option = click.option(
    "--base-url", help="Publish at this URL instead of briefings.toml's base_url (e.g. in CI)."
)


content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Read articles from this folder instead of the project's content/.",
)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """User mistakes print one line per problem and exit 1; our bugs print a traceback with --debug."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except BriefingsError as exc:
            if debug:
                traceback.print_exc()
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)  # output piped into `head` and the like: not an error
        except click.exceptions.Exit:
            raise
        except Exception as exc:
            if debug:
                raise
            click.secho(f"Internal error: {type(exc).__name__}: {exc}", fg="red", err=True)
            click.echo(
                "This is a bug in briefings; run again with --debug for the traceback.", err=True
            )
            sys.exit(2)

    return run


def shown(config: Config) -> Path:
    """The output folder as the user thinks of it: relative to the project when inside it."""
    try:
        return config.output_dir.relative_to(config.root)
    except ValueError:
        return config.output_dir


def project_config(
    project: Path | None, base_url: str | None = None, anywhere: bool = False
) -> Config:
    """The project's settings. ANYWHERE: defaults where there is no project (a command reading
    a folder of articles given with --content)."""
    try:
        root = find_project(project)
    except ConfigError:
        if not anywhere:
            raise
        root = project or Path.cwd()
    config = load_config(root)
    return with_base_url(config, base_url) if base_url else config
