"""The verbs that make the site and put it out: init, build, serve, watch, publish, check."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import click

from briefings.cli.options import (
    base_url_option,
    friendly_errors,
    project_config,
    project_option,
    shown,
)
from briefings.config import require_public_base
from briefings.errors import BriefingsError


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--templates",
    is_flag=True,
    help="Also copy the theme's templates into templates/, to edit (default: use the theme).",
)
@friendly_errors
def init(directory: Path, templates: bool) -> None:
    """Create a new briefing project in DIRECTORY (or add what it lacks)."""
    from briefings.commands.init import init_project

    written = init_project(directory, log=click.echo, templates=templates)
    here = directory.resolve() == Path.cwd().resolve()
    step = "briefings build" if here else f"cd {shlex.quote(str(directory))} && briefings build"
    click.echo(f"{len(written)} files created. Next: {step}")


@click.command()
@project_option
@base_url_option
@click.option(
    "--stats", is_flag=True, help="Print the time of each phase: load, relate, render, write."
)
@click.option("--no-cache", is_flag=True, help="Build everything anew (then cache that build).")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when an article was left out for problems in its file (the rest is built).",
)
@friendly_errors
def build(
    project: Path | None, base_url: str | None, stats: bool, no_cache: bool, strict: bool
) -> None:
    """Build the site into the output folder (site/ by default). An article whose file has
    problems is left out and said; the rest is built."""
    from briefings.build import manifest

    config = project_config(project, base_url)
    started = time.perf_counter()
    checked = None if no_cache else manifest.check(config)
    if checked is not None and checked.unchanged:
        # Before loading the pipeline: a no-change build takes a fraction of a second.
        seconds = time.perf_counter() - started
        click.echo(
            f"Nothing changed: the {checked.pages} pages in {shown(config)}/ are up to date ({seconds:.2f} s)"
        )
        if checked.left_out:
            click.echo("Warning: still left out, their files have problems:")
            for problem in checked.left_out:
                click.echo(f"  {problem}")
        _strict(strict, checked.left_out)
        return
    from briefings.commands.build import build_site

    result = build_site(config, log=click.echo, fresh=no_cache, checked=checked)
    click.echo(result.summary(config.root))
    if stats:
        click.echo(result.stats())
    _strict(strict, result.left_out)


def _strict(strict: bool, left_out: tuple[str, ...]) -> None:
    if strict and left_out:
        raise BriefingsError(
            f"{len(left_out)} problem(s) in articles left out (--strict)",
            hint="mend them and build again",
        )


@click.command()
@project_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind (others on your network can reach anything but 127.0.0.1).",
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--no-watch", is_flag=True, help="Serve what is built; do not watch or rebuild.")
@click.option(
    "--drafts", is_flag=True, help="Show drafts too (marked; build never publishes them)."
)
@click.option(
    "--future", is_flag=True, help="Show articles dated later too (marked; build holds them back)."
)
@friendly_errors
def serve(
    project: Path | None, host: str, port: int, open_browser: bool, no_watch: bool,
    drafts: bool, future: bool,
) -> None:  # fmt: skip
    """Build, serve on http://HOST:PORT/ with live reload, and rebuild on every change."""
    from briefings.commands.serve import run_preview

    run_preview(
        project_config(project),
        host=host,
        port=port,
        open_browser=open_browser,
        watch=not no_watch,
        echo=click.echo,
        preview=(drafts, future),
    )


@click.command()
@project_option
@friendly_errors
def watch(project: Path | None) -> None:
    """Build, then rebuild on every change to content, templates, static files or settings."""
    from briefings.commands.serve import run_preview

    run_preview(project_config(project), serve=False, echo=click.echo)


@click.command()
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
    project: Path | None,
    base_url: str | None,
    remote: str | None,
    branch: str | None,
    message: str,
    dry_run: bool,
) -> None:
    """Build the site and push it to a GitHub Pages branch."""
    from briefings.commands.publish import publish_project

    config = project_config(project, base_url)
    if not dry_run:
        require_public_base(config, given=base_url is not None)
    publish_project(config, remote, branch, message, dry_run, click.echo)


@click.command()
@project_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--no-links", is_flag=True, help="Skip building the site to check its internal links."
)
@friendly_errors
def check(project: Path | None, strict: bool, no_links: bool) -> None:
    """Check settings, content and editions without writing anything (exit 1 on errors)."""
    from briefings.commands.check import check_project

    report = check_project(project_config(project), links=not no_links)
    click.echo("\n".join(report.lines()))
    if report.errors or (strict and report.warning_count):
        sys.exit(1)


COMMANDS = (init, build, serve, watch, publish, check)
