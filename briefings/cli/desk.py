"""The editor's verbs: draft an edition, list articles and stories, send a digest, ingest pages."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from briefings.cli.options import (
    base_url_option,
    content_option,
    friendly_errors,
    project_config,
    project_option,
)
from briefings.config import require_public_base


@click.group()
def new() -> None:
    """Draft something new for the editor to finish: an edition, an article."""


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

    config = project_config(project)
    when = day.date() if day else datetime.now(config.tz).date()
    click.echo("\n".join(new_edition(config, when, max_sections, _warn).lines(config.root)))


@new.command(name="article")
@project_option
@click.argument("title")
@click.option("--url", default="", help="The address of the original, when it is elsewhere.")
@click.option(
    "--source",
    default="",
    help="The outlet's name [default: from --url's domain, else the briefing's title].",
)
@click.option(
    "--date", "when", default="", help="YYYY-MM-DD or an ISO 8601 datetime [default: now]."
)
@click.option("--tags", default="", help="Comma-separated tags.")
@friendly_errors
def new_article_cmd(
    project: Path | None, title: str, url: str, source: str, when: str, tags: str
) -> None:
    """Write content/articles/SLUG.md with TITLE and no text yet, for the editor to write: an
    article of their own, or a link to one the site keeps no copy of. Never overwrites a
    file."""
    from briefings.commands.ingest import tag_list
    from briefings.commands.new import new_article

    config = project_config(project)
    path = new_article(config, title, url, source, when, tag_list(tags))
    click.echo(f"Wrote {path.relative_to(config.root)}")
    click.echo(
        "Next: write its text below the front matter (or, for a link, a `note:` saying why it"
        " matters), then `briefings serve` to read it."
    )


@click.command(name="list")
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

    config = project_config(project)
    rows = (
        draft_rows(config, _warn)
        if drafts
        else article_rows(config, unassigned, since.date() if since else None, story, _warn)
    )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join((draft_table if drafts else table)(rows)))


def _warn(line: str) -> None:
    """What an editor's command says beside its output (on stderr: --json stays JSON)."""
    click.echo(line, err=True)


def _plural(status: str, n: int) -> str:
    """An ingest outcome as counted: "1 draft", "3 drafts", "3 written"."""
    return f"{status}s" if status == "draft" and n != 1 else status


@click.command()
@project_option
@content_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@friendly_errors
def stories(project: Path | None, content_dir: Path | None, as_json: bool) -> None:
    """Print every story: articles grouped by the event they report."""
    from briefings.commands.relations import project_relations, story_lines, story_rows

    config = project_config(project, anywhere=content_dir is not None)
    content, relations = project_relations(config, content_dir, _warn)
    if as_json:
        click.echo(json.dumps(story_rows(relations), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(story_lines(content, relations)))


@click.command()
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

    config = project_config(project, anywhere=content_dir is not None)
    content, relations = project_relations(config, content_dir, _warn)
    rows = related_rows(content, relations, slugs)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif rows:
        click.echo("\n".join(related_lines(rows)))


@click.command()
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
    config = project_config(project, base_url)
    if send:
        require_public_base(config, given=base_url is not None)
    if not run_digest(
        config, edition, recipients, out, html_file, send, dry_run, click.echo, retry_unknown
    ):
        sys.exit(1)


@click.command()
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
    """Clean raw pages (.txt dumps, .html, .gz of either, folders, http(s) addresses, - for
    stdin) into articles."""
    from briefings.commands.ingest import ingest_paths, options_for

    config = project_config(project)
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
    if counts.get("draft") and not dry_run:
        click.echo(
            "Drafts are not published until they have what they need: fill it in (then remove"
            " `draft:` and `needs:`), or ingest them again with --source, --url or --date."
            " `briefings list --drafts` lists them."
        )
    if counts.get("failed"):
        sys.exit(1)


COMMANDS = (new, list_articles, stories, related, digest, ingest)
