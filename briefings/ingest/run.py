"""`briefings ingest`: raw pages in, clean articles out, one outcome per file."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from briefings.errors import BriefingsError
from briefings.ingest.clean import normalise
from briefings.ingest.extract import extract, refusal
from briefings.ingest.fetch import WEB_ADDRESS, WebAddress, fetch
from briefings.ingest.fields import host_of
from briefings.ingest.known import Known, sampled_shingles
from briefings.ingest.model import Extracted
from briefings.ingest.opening import guessed_title
from briefings.ingest.read import SUFFIXES, decode, read_bounded, read_raw
from briefings.ingest.summary import plain
from briefings.ingest.write import Options, Outcome, front_matter, now_utc, render_file
from briefings.urls import make_slug


def expand(paths: list[str]) -> Iterator[str | Path]:
    """Files as given (a link named is followed); folders as the raw pages inside them, never
    through a symbolic link (each is yielded as a Link, to be reported); '-' as standard input;
    http(s) addresses as WebAddress, to be fetched."""
    for given in paths:
        if given == "-":
            yield "-"
            continue
        if WEB_ADDRESS.match(given):
            yield WebAddress(given)
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


@dataclass(frozen=True)
class Found:
    """What one page gave before it is placed: the article and the page's name, or why not."""

    name: str  # the page's file name, recorded as ingested_from
    article: Extracted | None = None
    outcome: Outcome | None = None  # skipped, refused or failed


def extract_one(item: str | Path, options: Options, sources: Mapping[str, str] | None) -> Found:
    """Read (or fetch) and extract one page (a pure function of the file: run in worker
    processes). A fetched page's address is its article's, unless --url says otherwise."""
    name = "stdin" if item == "-" else str(item)
    if isinstance(item, Link):
        return Found(name, outcome=Outcome("skipped", None, _LINK))
    try:
        url = options.url
        if isinstance(item, WebAddress):
            raw, found_at = fetch(item)
            url = url or found_at
        elif item == "-":
            raw = decode(read_bounded(sys.stdin.buffer), "stdin")
        else:
            raw = read_raw(Path(item))
        article = extract(raw, url, sources)
    except BriefingsError as exc:
        return Found(name, outcome=Outcome("failed", None, str(exc)))
    except OSError as exc:
        return Found(name, outcome=Outcome("failed", None, f"{name}: {exc.strerror or exc}"))
    reason = refusal(article)
    if reason and not (options.force and article.body.strip()):
        hint = "" if options.force else ": pass --force to ingest it anyway"
        return Found(raw.name, outcome=Outcome("refused", None, reason + hint))
    return Found(raw.name, article)


_LINK = "a symbolic link in a folder: name it to ingest it"


class RunTitles:
    """The titles a run gave its articles, by outlet. One title on two different pages of an
    outlet is the site's (its name or tagline, in every page's <title>), not a headline: both
    get a guessed title instead (their first sentence, marked `guessed`)."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], Path | None] = {}  # None: already retitled

    def check(self, meta: dict, article: Extracted, same: Path | None = None) -> Path | None:
        """Retitle META when another page of its outlet had its title in this run (not SAME,
        this page's own file); the path of that page's file when it is still to be retitled
        too (see retitle)."""
        key = _title_key(meta)
        if key is None or key not in self._first or (same and self._first[key] == same):
            return None
        first = article.paragraphs[0] if article.paragraphs else ""
        _guess_title(meta, plain(first))
        earlier, self._first[key] = self._first[key], None
        return earlier

    def written(self, meta: dict, path: Path) -> None:
        key = _title_key(meta)
        if key is not None:
            self._first.setdefault(key, path)


def _title_key(meta: dict) -> tuple[str, str] | None:
    """META's title and outlet (its address's host when it names none), compared as words;
    None without either (two towns' pages may both be "Building Department")."""
    title = normalise(str(meta.get("title") or ""))
    site = str(meta.get("source") or "") or host_of(str(meta.get("url") or ""))
    if not title or not site or "title" in meta.get("guessed", []):
        return None
    return normalise(site), title


def _guess_title(meta: dict, first_paragraph: str) -> None:
    """META's title made its first sentence's, and marked as guessed."""
    meta["title"] = guessed_title(first_paragraph) or meta["title"]
    meta["guessed"] = sorted({*meta.get("guessed", []), "title"})


def retitle(path: Path, known: Known) -> bool:
    """The article this run wrote at PATH, given a guessed title (its file and slug stay: the
    editor may have seen it listed); False when it can no longer be read or written (gone,
    changed meanwhile): it is then left as it is."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        meta = dict(post.metadata)
        first = post.content.strip().split("\n\n", 1)[0]
        _guess_title(meta, plain(first))
        write_inside(known.folder, path, render_file(meta, post.content))
    except (OSError, ValueError, yaml.YAMLError, BriefingsError):
        return False
    entry = known.entry_at(path)
    known.add(path, meta, entry.sample if entry is not None else [])
    return True


def place_one(
    found: Found,
    known: Known,
    options: Options,
    dry_run: bool,
    echo: Callable[[str], None],
    titles: RunTitles | None = None,
) -> Outcome:
    """Write what extract_one found into KNOWN's folder: written (a draft when it lacks a date
    or a source), unchanged (ingested before), repeated (the same page as one this run
    ingested), a duplicate (another outlet's copy, recorded as
    such), or failed with the reason. TITLES: those the run gave so far (see RunTitles)."""
    if found.outcome is not None or found.article is None:
        return found.outcome or Outcome("failed", None, "nothing extracted")
    article, out = found.article, known.folder
    meta = front_matter(article, options, found.name, now_utc())
    source, url = options.source or article.source, str(meta.get("url") or "")
    same = known.same_page(meta["fingerprint"], source, url)
    if same is not None and not options.force:
        if known.added_now(same):  # two files of one folder hold the same page
            return Outcome("repeated", same, "the same page as one ingested above")
        entry = known.entry_at(same)
        if entry is not None and entry.edited:
            return Outcome(
                "unchanged", same, "already ingested, and edited since: --force replaces it"
            )
        return Outcome("unchanged", same, "already ingested; --force replaces it")
    sample = sampled_shingles(article.body)
    copy_of = known.copy_of(sample, str(meta.get("source", "")))
    # (A copy carries its original's headline: no site's title, that.)
    earlier = titles.check(meta, article, same) if titles is not None and not copy_of else None
    if earlier is not None and not dry_run and retitle(earlier, known):
        echo(f"  retitled  {earlier} (its title is its site's, on other pages too: now guessed)")
    meta["slug"] = make_slug(meta["title"]) or meta["slug"]
    if copy_of:
        meta["duplicate_of"] = copy_of  # a syndicated copy: recorded, not doubled
    path = out / f"{meta['slug']}.md"
    if same is not None and (before := known.entry_at(same)) is not None:
        path, meta["slug"] = same, before.slug  # --force: replaced where it is, slug and all
    entry = known.entry_at(path)
    if entry is not None and entry.edited and not options.force:
        return Outcome(
            "failed",
            path,
            "exists and was edited by hand since it was ingested: use --force to replace it",
        )
    fresh = entry is None or not options.force  # a new file, under a free name
    # --force over a file edited by hand: the editor's version is kept beside it.
    keep_edits = entry is not None and entry.edited and not fresh and not dry_run
    status = "duplicate" if copy_of else "draft" if meta.get("draft") else "written"
    detail = copy_of or (f"needs {', '.join(meta['needs'])}" if meta.get("needs") else "")
    base = meta["slug"]
    for _ in range(CLAIMS):
        if fresh:
            meta["slug"] = known.free_slug(base)
            path = out / f"{meta['slug']}.md"
        text = render_file(meta, article.body)
        if dry_run:
            echo(text)
            return Outcome(f"{status} (dry run)", path, detail)
        replaced = path.exists()
        try:
            if keep_edits and not path.is_symlink():  # (a link is not written through below)
                detail = f"the edited version is kept in {keep_copy(out, path).name}"
            write_inside(out, path, text, replace=not fresh)
        except FileExistsError as exc:
            if path.exists():
                continue  # the name was taken meanwhile (another ingest, an editor): the next
            return Outcome("failed", None, f"{path}: {exc.strerror or exc}")
        except BriefingsError as exc:
            return Outcome("failed", None, str(exc))
        except OSError as exc:
            return Outcome("failed", None, f"{path}: {exc.strerror or exc}")
        known.add(path, meta, sample)
        if titles is not None:
            titles.written(meta, path)
        return Outcome("replaced" if replaced else status, path, detail)
    return Outcome("failed", None, f"{out}: no free file name for {base!r} (files keep appearing)")


CLAIMS = 8  # names tried for a new file, each taken by someone else meanwhile


def keep_copy(folder: Path, path: Path) -> Path:
    """A copy of the file at PATH beside it, under a name of its own (PATH.edited-TIME, which
    no build or ingest reads as an article), made before it is replaced."""
    stamp = now_utc().strftime("%Y%m%dT%H%M%S")
    for n in range(CLAIMS):
        kept = path.with_name(f"{path.name}.edited-{stamp}" + (f"-{n}" if n else ""))
        try:
            with open(kept, "xb") as handle:  # never over a file that is there
                handle.write(path.read_bytes())
            return kept
        except FileExistsError:
            continue
    raise BriefingsError(f"no free name to keep its edited version in {folder}", path=str(path))


def write_inside(folder: Path, path: Path, text: str, replace: bool = True) -> None:
    """Write TEXT to PATH, which must lie inside FOLDER and not be a symbolic link: a new file
    is swapped in, so nothing outside FOLDER is ever written through a link. Unless REPLACE,
    a file at PATH is never overwritten, even one that appeared a moment ago: FileExistsError."""
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
        if replace:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _link_new(temporary: str, path: Path) -> None:
    """TEMPORARY, whole, at PATH only if nothing is there (FileExistsError otherwise): a hard
    link fails rather than replace. (A folder that takes no hard links: PATH is checked, then
    replaced, which leaves a moment between the two.)"""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def describe(item: str | Path, outcome: Outcome) -> str:
    where = f" -> {outcome.path}" if outcome.path and outcome.status != "failed" else ""
    if outcome.status.startswith("duplicate"):
        return f"  duplicate of {outcome.detail}: {item}{where}"
    detail = (
        f" ({outcome.detail})"
        if outcome.detail
        and outcome.status.split()[0]
        in ("failed", "unchanged", "repeated", "skipped", "draft", "refused", "replaced")
        else ""
    )
    return f"  {outcome.status:9} {item}{where}{detail}"
