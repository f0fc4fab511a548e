"""`briefings ingest`: raw pages in, clean articles out, one outcome per file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from briefings.errors import BriefingsError
from briefings.ingest.extract import extract, require_article
from briefings.ingest.read import SUFFIXES, RawPage, decode, read_raw
from briefings.ingest.write import (
    Options,
    Outcome,
    already_ingested,
    front_matter,
    now_utc,
    place,
    render_file,
    scan,
)


def expand(paths: list[str]) -> Iterator[str | Path]:
    """Files as given; folders as the raw pages inside them; '-' as standard input."""
    for given in paths:
        if given == "-":
            yield "-"
            continue
        path = Path(given)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(SUFFIXES)
            )
        else:
            yield path


def ingest_one(
    item: str | Path, out: Path, options: Options, dry_run: bool, echo: Callable[[str], None]
) -> Outcome:
    name = "stdin" if item == "-" else str(item)
    try:
        raw: RawPage = (
            decode(sys.stdin.buffer.read(), "stdin") if item == "-" else read_raw(Path(item))
        )
        article = require_article(extract(raw), name)
        existing = scan(out)
        same = already_ingested(article, options.source or article.source, existing)
        if same is not None and not options.force:
            return Outcome("unchanged", same.path, "already ingested")
        meta = front_matter(article, options, raw.name, now_utc())
        outcome, path, meta = place(article, meta, out, existing, options.force)
        if path is None:
            return outcome
        text = render_file(meta, article.body)
        if dry_run:
            echo(text)
            return Outcome(f"{outcome.status} (dry run)", path, outcome.detail)
        replaced = path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return Outcome("replaced" if replaced else outcome.status, path, outcome.detail)
    except BriefingsError as exc:
        return Outcome("failed", None, str(exc))
    except OSError as exc:
        return Outcome("failed", None, f"{name}: {exc.strerror or exc}")


def describe(item: str | Path, outcome: Outcome) -> str:
    where = f" -> {outcome.path}" if outcome.path and outcome.status != "failed" else ""
    if outcome.status.startswith("duplicate"):
        return f"  duplicate of {outcome.detail}: {item}{where}"
    detail = (
        f" ({outcome.detail})"
        if outcome.detail and outcome.status in ("failed", "unchanged")
        else ""
    )
    return f"  {outcome.status:9} {item}{where}{detail}"
