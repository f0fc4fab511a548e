"""The `briefings` command: parses arguments, calls one function per verb, turns errors into exit codes."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from briefings import __version__
from briefings.config import Config, load_config, with_base_url
from briefings.errors import BriefingsError

project_option = click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The project folder (holding briefings.toml).",
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


def _config(project: Path, base_url: str | None = None) -> Config:
    config = load_config(project)
    return with_base_url(config, base_url) if base_url else config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="briefings")
def cli(debug: bool) -> None:
    """Build curated news briefings into a static site."""


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def init(directory: Path) -> None:
    """Create a new briefing project in DIRECTORY."""
    from briefings.scaffold import init_project

    written = init_project(directory, log=click.echo)
    click.echo(f"{len(written)} files created. Next: cd {directory} && briefings build")


base_url_option = click.option(
    "--base-url", help="Publish at this URL instead of briefings.toml's base_url (e.g. in CI)."
)


@cli.command()
@project_option
@base_url_option
@friendly_errors
def build(project: Path, base_url: str | None) -> None:
    """Build the site into the output folder (site/ by default)."""
    from briefings.build import build_site

    config = _config(project, base_url)
    result = build_site(config, log=click.echo)
    click.echo(result.summary(config.root))


@cli.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-build", is_flag=True, help="Serve the existing site without building first.")
@friendly_errors
def serve(project: Path, host: str, port: int, no_build: bool) -> None:
    """Build, then serve the site on http://HOST:PORT/ until Ctrl-C."""
    from briefings.build import build_site
    from briefings.serve import PreviewServer

    config = _config(project)
    if not no_build:
        click.echo(build_site(config, log=click.echo).summary(config.root))
    if not config.output_dir.is_dir():
        raise BriefingsError(
            f"{config.output_dir} does not exist", hint="run `briefings build` first"
        )
    try:
        server = PreviewServer(config.output_dir, host, port, log=lambda m: click.echo(m, err=True))
    except OSError as exc:
        raise BriefingsError(
            f"cannot listen on {host}:{port}: {exc.strerror}", hint="pick another --port"
        ) from exc
    click.echo(f"Serving {config.output_dir} on {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nStopped.")
    finally:
        server.server_close()


@cli.command()
@project_option
@base_url_option
@click.option("--remote", help="Git remote to push to [default: publish.remote, origin].")
@click.option("--branch", help="Branch to publish to [default: publish.branch, gh-pages].")
@click.option(
    "--message", "-m", default="", help="Commit message (default names the source commit)."
)
@click.option(
    "--dry-run", is_flag=True, help="Build and show what would be published; push nothing."
)
@friendly_errors
def publish(
    project: Path,
    base_url: str | None,
    remote: str | None,
    branch: str | None,
    message: str,
    dry_run: bool,
) -> None:
    """Build the site and push it to a GitHub Pages branch."""
    from briefings.build import build_site
    from briefings.publish import check_remote, publish_site, repository_root

    config = _config(project, base_url)
    remote = remote or config.settings.publish.remote
    branch = branch or config.settings.publish.branch
    check_remote(repository_root(config.root), remote)  # fail before a long build
    click.echo(build_site(config, log=click.echo).summary(config.root))
    result = publish_site(
        config,
        config.output_dir,
        remote=remote,
        branch=branch,
        message=message,
        dry_run=dry_run,
        log=click.echo,
    )
    if result.pushed:
        url = (
            f"https://{config.settings.cname}/"
            if config.settings.cname
            else config.settings.base_url
        )
        click.echo(
            f"Published {result.files} files to {remote}/{branch} ({result.commit[:10]}): {url}"
        )


def main() -> None:
    cli(prog_name="briefings")
