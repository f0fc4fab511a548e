"""`briefings ingest`: raw pages in, clean articles out, one outcome per file."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from briefings.errors import BriefingsError
from briefings.ingest.extract import extract, require_article
from briefings.ingest.read import SUFFIXES, RawPage, decode, read_bounded, read_raw
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
    """Files as given (a link named is followed); folders as the raw pages inside them, never
    through a symbolic link (each is yielded as a Link, to be reported); '-' as standard input."""
    for given in paths:
        if given == "-":
            yield "-"
            continue
        path = Path(given)
        if path.is_dir():
            yield from sorted(_pages_in(path))
        else:
            yield path


class Link(type(Path())):  # type: ignore[misc]
    """A symbolic link found in a folder: reported and skipped, never followed (it may lead
    anywhere, say to a private file)."""


def _pages_in(folder: Path) -> Iterator[Path]:
    for top, dirs, files in os.walk(folder):  # links to folders are not walked into
        for name in dirs + files:
            path = Path(top, name)
            if path.is_symlink():
                if name in dirs or name.lower().endswith(SUFFIXES):
                    yield Link(path)
            elif name in files and name.lower().endswith(SUFFIXES) and path.is_file():
                yield path


def ingest_one(
    item: str | Path, out: Path, options: Options, dry_run: bool, echo: Callable[[str], None]
) -> Outcome:
    name = "stdin" if item == "-" else str(item)
    if isinstance(item, Link):
        return Outcome("skipped", None, "a symbolic link in a folder: name it to ingest it")
    try:
        raw: RawPage = (
            decode(read_bounded(sys.stdin.buffer), "stdin") if item == "-" else read_raw(Path(item))
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
        write_inside(out, path, text)
        return Outcome("replaced" if replaced else outcome.status, path, outcome.detail)
    except BriefingsError as exc:
        return Outcome("failed", None, str(exc))
    except OSError as exc:
        return Outcome("failed", None, f"{name}: {exc.strerror or exc}")


def write_inside(folder: Path, path: Path, text: str) -> None:
    """Write TEXT to PATH, which must lie inside FOLDER and not be a symbolic link: a new file
    is swapped in, so nothing outside FOLDER is ever written through a link."""
    folder.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        raise BriefingsError(
            "is a symbolic link: not written through", path=str(path), hint="remove the link"
        )
    if not path.parent.resolve().is_relative_to(folder.resolve()):
        raise BriefingsError(f"is outside {folder}: not written", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".ingest-", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # as a file written the usual way (mkstemp's are the owner's only)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe(item: str | Path, outcome: Outcome) -> str:
    where = f" -> {outcome.path}" if outcome.path and outcome.status != "failed" else ""
    if outcome.status.startswith("duplicate"):
        return f"  duplicate of {outcome.detail}: {item}{where}"
    detail = (
        f" ({outcome.detail})"
        if outcome.detail and outcome.status in ("failed", "unchanged", "skipped")
        else ""
    )
    return f"  {outcome.status:9} {item}{where}{detail}"
