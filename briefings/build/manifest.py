"""Has anything changed since the last build? Answered without loading the build cache.

Each build records, beside the cache, the size and mtime of every input (content, templates,
static files, briefings.toml) as they were before it read them, with the settings and the code
that built them; and, after it, the size and mtime of every file it put in site/: its pages (by
name), the static files and the search index. When all of these are as recorded, a build would
change nothing: `briefings build` says so at once instead of loading the cache and checking
every page. Any difference, or no manifest, and the build runs as usual. (The same test as
make's: a file changed in place with its size and mtime restored goes unseen; `briefings build
--no-cache` rebuilds everything.) A file in site/ that no build put there is not looked at:
listing a large site/ cost more than the rest of a small build's bookkeeping.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from briefings.build import output
from briefings.config import CONFIG_NAME, Config
from briefings.render.themes import static_trees, template_dirs

MANIFEST_FILE = Path(".briefings") / "cache" / "manifest.json"
MAX_LINE = 1000  # characters of a recorded problem shown again
SEARCH_INDEX = "pagefind"  # in site/: written whole by briefings.build.search
Stamp = tuple[int, int] | None  # a file's size and mtime in ns, as build.output.stamp gives it
# Libraries whose version can change what a page looks like.
SHAPING = ("jinja2", "markdown", "nh3", "python-frontmatter", "PyYAML", "numpy", "scipy")


@lru_cache(maxsize=1)
def code_key() -> str:
    """Changes whenever briefings' code, or a library that shapes its output, does."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]  # the whole briefings package
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in SHAPING:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Check:
    unchanged: bool
    inputs: str  # what to record after this build, taken before it reads anything
    pages: int = 0  # as recorded, when unchanged
    # The recorded pages as the check found them in site/: a build may take these instead
    # of looking at each one again (16k at 10k articles). Should one change meanwhile, the
    # next check finds it not as recorded and builds again.
    on_disk: Mapping[str, Stamp] = field(default_factory=dict)
    # The problems of the articles the last build left out (as recorded: said again, since a
    # build that changes nothing leaves them out still).
    left_out: tuple[str, ...] = ()


def check(config: Config) -> Check:
    """Whether the project and site/ are exactly as the last build recorded them."""
    inputs = inputs_key(config)
    try:
        recorded = json.loads((config.root / MANIFEST_FILE).read_text())
        pages = recorded["files"]
        if not isinstance(pages, list) or not all(map(output.inside_site, pages)):
            return Check(False, inputs)  # not one we wrote: never a file outside site/
        site = str(config.output_dir)
        found = {page: output.stamp(f"{site}/{page}") for page in pages}
        same = recorded["inputs"] == inputs and recorded["site"] == site_key(config, pages, found)
        return Check(same, inputs, len(pages) if same else 0, found, _lines(recorded["left_out"]))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # (JSON nested that deep)
        return Check(False, inputs)


def record(
    config: Config, inputs: str, pages: Mapping[str, Stamp], left_out: Iterable[str] = ()
) -> None:
    """After a good build: INPUTS (from check, before the build), and the PAGES it left in
    site/ (paths inside it, with the stamps the build found or gave them: see site_key) with
    the static files and search index, as they now are; LEFT_OUT: the problems of the articles
    it left out."""
    path = config.root / MANIFEST_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(pages)
    data = {
        "inputs": inputs,
        "site": site_key(config, files, pages),
        "files": files,
        "left_out": list(left_out),
    }
    fd, temporary = tempfile.mkstemp(prefix=".manifest-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _lines(recorded: object) -> tuple[str, ...]:
    """RECORDED as lines to print: a manifest is read from the project folder, and a line
    holding a terminal's control characters could rewrite what the editor sees."""
    if not isinstance(recorded, list) or not all(isinstance(line, str) for line in recorded):
        raise ValueError("not a list of problems")
    return tuple("".join(c for c in line if c.isprintable())[:MAX_LINE] for line in recorded)


def forget(config: Config) -> None:
    """Drop the record, if there is one to drop (there is none where .briefings/ is no folder)."""
    with contextlib.suppress(NotADirectoryError):
        (config.root / MANIFEST_FILE).unlink(missing_ok=True)


def inputs_key(config: Config) -> str:
    digest = hashlib.sha256()
    digest.update(code_key().encode())
    digest.update(repr(config.settings).encode())
    digest.update(str(config.output_dir).encode())
    for path, stamp in sorted(input_stamps(config).items()):
        digest.update(f"{path} {stamp}\n".encode())
    return digest.hexdigest()


def input_stamps(config: Config) -> dict[str, str]:
    """Each input file's size and mtime ("-": unreadable), by path: content, templates, static
    files, briefings.toml. (The watcher compares two of these too: preview.watch.)"""
    stamps: dict[str, str] = {}
    for folder in (
        config.content_dir,
        *template_dirs(config),
        *(tree for tree, _ in static_trees(config)),
    ):
        _scan(str(folder), stamps)
    config_file = str(config.root / CONFIG_NAME)
    stamps[config_file] = _file_stamp(config_file)
    return stamps


def site_key(config: Config, pages: Iterable[str], known: Mapping[str, Stamp] | None = None) -> str:
    """The size and mtime of each of PAGES in site/, of each static file there and of the
    search index's files, as one digest. KNOWN: the stamps a build just found or gave its
    pages, taken instead of looking again (a large site has 16k). Should one be stale, a later
    check finds the page not as recorded and builds again: slower, never wrong."""
    site = str(config.output_dir)
    stamps: dict[str, str] = {}
    _scan(f"{site}/{SEARCH_INDEX}", stamps)
    for name in {*pages, *output.static_files(config)}:
        stamp = known.get(name) if known else None
        stamps[f"{site}/{name}"] = (
            f"{stamp[0]} {stamp[1]}" if stamp is not None else _file_stamp(f"{site}/{name}")
        )
    digest = hashlib.sha256(f"[{site}]\n".encode())
    digest.update("".join(f"{path} {stamp}\n" for path, stamp in sorted(stamps.items())).encode())
    return digest.hexdigest()


def _scan(folder: str, stamps: dict[str, str]) -> None:
    # os.scandir and plain strings: a large site has tens of thousands of files and folders.
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, stamps)
        else:
            stamps[entry.path] = _file_stamp(entry.path)


def _file_stamp(path: str) -> str:
    """The size and mtime of the file at PATH, or "-" when it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        return "-"
    return f"{stat.st_size} {stat.st_mtime_ns}"
