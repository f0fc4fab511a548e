"""The `briefings` command: parses arguments, calls one function per verb, turns errors into exit codes."""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from pathlib import Path
from typing import Any

import click

from briefings import __version__
from briefings.config import (
    Config,
    find_project,
    load_config,
    require_public_base,
    with_base_url,
)
from briefings.errors import BriefingsError, ConfigError

project_option = click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project folder (holding briefings.toml) [default: the nearest from here upward].",
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


def _shown(config: Config) -> Path:
    """The output folder as the user thinks of it: relative to the project when inside it."""
    try:
        return config.output_dir.relative_to(config.root)
    except ValueError:
        return config.output_dir


def _config(project: Path | None, base_url: str | None = None, anywhere: bool = False) -> Config:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="briefings")
def cli(debug: bool) -> None:
    """Build curated news briefings into a static site."""


@cli.command()
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
    click.echo(f"{len(written)} files created. Next: cd {directory} && briefings build")


base_url_option = click.option(
    "--base-url", help="Publish at this URL instead of briefings.toml's base_url (e.g. in CI)."
)


@cli.command()
@project_option
@base_url_option
@click.option(
    "--stats", is_flag=True, help="Print the time of each phase: load, relate, render, write."
)
@click.option("--no-cache", is_flag=True, help="Build everything anew (then cache that build).")
@friendly_errors
def build(project: Path | None, base_url: str | None, stats: bool, no_cache: bool) -> None:
    """Build the site into the output folder (site/ by default)."""
    from briefings.build import manifest

    config = _config(project, base_url)
    started = time.perf_counter()
    checked = None if no_cache else manifest.check(config)
    if checked is not None and checked.unchanged:
        # Before loading the pipeline: a no-change build takes a fraction of a second.
        seconds = time.perf_counter() - started
        click.echo(
            f"Nothing changed: the {checked.pages} pages in {_shown(config)}/ are up to date ({seconds:.2f} s)"
        )
        return
    from briefings.commands.build import build_site

    result = build_site(config, log=click.echo, fresh=no_cache, checked=checked)
    click.echo(result.summary(config.root))
    if stats:
        click.echo(result.stats())


@cli.command()
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
        _config(project),
        host=host,
        port=port,
        open_browser=open_browser,
        watch=not no_watch,
        echo=click.echo,
        preview=(drafts, future),
    )


@cli.command()
@project_option
@friendly_errors
def watch(project: Path | None) -> None:
    """Build, then rebuild on every change to content, templates, static files or settings."""
    from briefings.commands.serve import run_preview

    run_preview(_config(project), serve=False, echo=click.echo)


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
    project: Path | None,
    base_url: str | None,
    remote: str | None,
    branch: str | None,
    message: str,
    dry_run: bool,
) -> None:
    """Build the site and push it to a GitHub Pages branch."""
    from briefings.commands.publish import publish_project

    config = _config(project, base_url)
    if not dry_run:
        require_public_base(config, given=base_url is not None)
    publish_project(config, remote, branch, message, dry_run, click.echo)


content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Read articles from this folder instead of the project's content/.",
)


@cli.command()
@project_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--no-links", is_flag=True, help="Skip building the site to check its internal links."
)
@friendly_errors
def check(project: Path | None, strict: bool, no_links: bool) -> None:
    """Check settings, content and editions without writing anything (exit 1 on errors)."""
    from briefings.commands.check import check_project

    report = check_project(_config(project), links=not no_links)
    click.echo("\n".join(report.lines()))
    if report.errors or (strict and report.warnings):
        sys.exit(1)


@cli.group()
def new() -> None:
    """Draft something new for the editor to finish (an edition)."""


@new.command(name="edition")
@project_option
@click.argument("day", required=False, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option(
    "--max-sections",
    type=click.IntRange(min=1),
    default=12,
    show_default=True,
    help="Stories to draft sections for, most outlets first.",
)
@friendly_errors
def new_edition_cmd(project: Path | None, day: Any, max_sections: int) -> None:
    """Draft content/editions/DAY.md (default: today) from the articles no edition holds yet:
    a section per story, the fullest report as its item, an empty note to write. Never
    overwrites a file."""
    from datetime import datetime

    from briefings.commands.new import new_edition

    config = _config(project)
    when = day.date() if day else datetime.now(config.tz).date()
    click.echo("\n".join(new_edition(config, when, max_sections).lines(config.root)))


@cli.command(name="list")
@project_option
@click.option("--unassigned", is_flag=True, help="Only articles no edition lists yet.")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only articles from this day on."
)
@click.option("--story", help="Only the articles of this story (its slug).")
@click.option("--drafts", is_flag=True, help="Only the drafts, with what each needs.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@friendly_errors
def list_articles(
    project: Path | None, unassigned: bool, since: Any, story: str | None, drafts: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """List the articles: slug, date, outlet, story and title, newest first."""
    from briefings.commands.listing import article_rows, draft_rows, draft_table, table

    config = _config(project)
    rows = (
        draft_rows(config)
        if drafts
        else article_rows(config, unassigned, since.date() if since else None, story)
    )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join((draft_table if drafts else table)(rows)))


def _plural(status: str, n: int) -> str:
    """An ingest outcome as counted: "1 draft", "3 drafts", "3 written"."""
    return f"{status}s" if status == "draft" and n != 1 else status


@cli.command()
@project_option
@content_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@friendly_errors
def stories(project: Path | None, content_dir: Path | None, as_json: bool) -> None:
    """Print every story: articles grouped by the event they report."""
    from briefings.commands.relations import project_relations, story_lines, story_rows

    config = _config(project, anywhere=content_dir is not None)
    content, relations = project_relations(config, content_dir)
    if as_json:
        click.echo(json.dumps(story_rows(relations), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(story_lines(content, relations)))


@cli.command()
@project_option
@content_option
@click.argument("slugs", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@friendly_errors
def related(
    project: Path | None, content_dir: Path | None, slugs: tuple[str, ...], as_json: bool
) -> None:
    """Print the same-story and related lists, with scores, of SLUGS (default: every article)."""
    from briefings.commands.relations import project_relations, related_lines, related_rows

    config = _config(project, anywhere=content_dir is not None)
    content, relations = project_relations(config, content_dir)
    rows = related_rows(content, relations, slugs)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif rows:
        click.echo("\n".join(related_lines(rows)))


@cli.command()
@project_option
@click.argument("edition", required=False)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the complete message (.eml).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write only the HTML part.",
)
@click.option("--send", is_flag=True, help="Send over SMTP (see [smtp] in briefings.toml).")
@click.option("--to", "to", multiple=True, help="A recipient; repeat for several.")
@click.option(
    "--list",
    "list_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of recipients: email, name.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be sent to whom; send nothing.")
@base_url_option
@click.option(
    "--retry-unknown",
    is_flag=True,
    help="Send again to readers whose message may have been delivered (the connection dropped after it was handed over).",
)
@friendly_errors
def digest(
    project: Path | None, edition: str | None, out: Path | None, html_file: Path | None, send: bool,
    to: tuple[str, ...], list_file: Path | None, dry_run: bool, base_url: str | None,
    retry_unknown: bool,
) -> None:  # fmt: skip
    """Turn an edition (default: the latest) into an email digest: write it or send it."""
    from briefings.commands.digest import run_digest
    from briefings.digest import Recipient, read_list
    from briefings.digest.message import check_address

    recipients = [Recipient(check_address(a, "--to")) for a in to] + (
        read_list(list_file) if list_file else []
    )
    config = _config(project, base_url)
    if send:
        require_public_base(config, given=base_url is not None)
    if not run_digest(
        config, edition, recipients, out, html_file, send, dry_run, click.echo, retry_unknown
    ):
        sys.exit(1)


@cli.command()
@project_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--source", default="", help="The outlet's name (overrides what the page says).")
@click.option("--url", default="", help="The original article's address.")
@click.option("--date", default="", help="Publication date, YYYY-MM-DD or an ISO 8601 datetime.")
@click.option("--tags", default="", help="Comma-separated tags.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write here instead of content/articles/.",
)
@click.option("--dry-run", is_flag=True, help="Print the Markdown instead of writing it.")
@click.option("--force", is_flag=True, help="Replace an article even if it was edited by hand.")
@friendly_errors
def ingest(
    project: Path | None, paths: tuple[str, ...], source: str, url: str, date: str, tags: str,
    out: Path | None, dry_run: bool, force: bool,
) -> None:  # fmt: skip
    """Clean raw pages (.txt dumps, .html, .gz of either, folders, - for stdin) into articles."""
    from briefings.commands.ingest import ingest_paths, options_for

    config = _config(project)
    options = options_for(config, source, url, date, tags, force)

    def progress(items: list[str | Path]) -> Any:
        if len(items) > 20:  # a bar for folders; a line per page says what became of it
            return click.progressbar(items, label="Ingesting", file=sys.stderr)
        return nullcontext(items)

    counts = ingest_paths(
        config,
        list(paths),
        options,
        out,
        dry_run,
        lambda line, error: click.echo(line, err=error),
        progress,
    )
    click.echo(", ".join(f"{n} {_plural(status, n)}" for status, n in sorted(counts.items())))
    if counts.get("failed"):
        sys.exit(1)


def main() -> None:
    cli(prog_name="briefings")
