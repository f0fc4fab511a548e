"""`briefings ingest`: raw pages (text dumps, HTML, folders of them) to article files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from briefings.commands.init import untouched_welcome
from briefings.config import Config
from briefings.content.fields import parse_when
from briefings.errors import BriefingsError
from briefings.ingest.known import Known
from briefings.ingest.run import Found, RunTitles, describe, expand, extract_one, place_one
from briefings.ingest.write import Options
from briefings.runtime.parallel import forked_results

Progress = Callable[[list[str | Path]], AbstractContextManager[Iterable[str | Path]]]


def options_for(
    config: Config, source: str, url: str, date: str, tags: str, force: bool
) -> Options:
    """What the command line says of every page, checked."""
    if date:
        date_option(date, config.tz)
    return Options(source, url, date, tag_list(tags), force)


def date_option(value: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """--date VALUE as parse_when reads it; BriefingsError when it is no date."""
    try:
        return parse_when(value, tz)
    except ValueError as exc:
        raise BriefingsError(
            f"--date {value!r} is not a date: {exc}", hint="use YYYY-MM-DD"
        ) from exc


def tag_list(tags: str) -> tuple[str, ...]:
    """--tags "a, b" as ("a", "b")."""
    return tuple(t.strip() for t in tags.split(",") if t.strip())


def ingest_paths(
    config: Config,
    paths: list[str],
    options: Options,
    out: Path | None,
    dry_run: bool,
    echo: Callable[[str, bool], None],
    progress: Progress = nullcontext,
) -> dict[str, int]:
    """Ingest every page under PATHS into OUT (the project's content/articles/ by default),
    saying what became of each (ECHO(line, is_error)) inside PROGRESS; returns the count of
    each outcome ("written", "failed", ...)."""
    folder = (out or config.content_dir / "articles").resolve()
    items = list(expand(paths))
    counts: dict[str, int] = {}
    store = config.root / ".briefings" / "ingest" / "index.sqlite"
    known = Known(folder, store, lambda line: echo(line, True))  # (to stderr, as progress is)
    sources = config.settings.sources
    titles = RunTitles()
    try:
        with progress(items) as shown:
            for item, found in _extracted(shown, items, options, sources):
                outcome = place_one(
                    found, known, options, dry_run, lambda line: echo(line, False), titles
                )
                key = outcome.status.split()[0]
                counts[key] = counts.get(key, 0) + 1
                echo(describe(item, outcome), key == "failed")
    finally:
        known.save()
    sample = untouched_welcome(config.content_dir)
    if (counts.get("written") or counts.get("draft")) and not dry_run and sample is not None:
        # Dated the day init ran, it leads the home page above every article ingested since
        # (drafts too, once the editor has filled in what they need).
        echo(f"Note: {sample} is the sample article from `init`, still published: delete it", False)
    return counts


def _extracted(
    shown: Iterable[str | Path],
    items: list[str | Path],
    options: Options,
    sources: Mapping[str, str],
) -> Iterator[tuple[str | Path, Found]]:
    """Each of SHOWN (ITEMS, as the progress bar gives them) with what its page gave. Files
    are extracted on every core by one set of workers for the whole run (extraction is most of
    ingest's time and a pure function of the file; what libraries load lazily loads once per
    worker); placing stays here, in order. Standard input is read here."""
    files = [item for item in items if item != "-"]
    found = forked_results(
        lambda indexes: [extract_one(files[i], options, sources) for i in indexes],
        len(files),
        chunk=2,
        minimum=4,
    )
    try:
        for item in shown:  # the progress bar moves as each page is placed
            yield item, extract_one(item, options, sources) if item == "-" else next(found)
    finally:
        found.close()  # the workers end with the run, even one cut short
