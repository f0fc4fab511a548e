"""Writing site/: a staging folder swapped in whole, files copied only when their bytes changed."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from briefings.config import Config
from briefings.errors import BriefingsError
from briefings.hashes import digest
from briefings.render.themes import static_trees


def write_file(path: Path, data: bytes, sync: bool = False) -> None:
    """Write DATA to PATH; with SYNC, on disk before this returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def replace_files(site: Path, files: dict[str, bytes]) -> None:
    """Make each of FILES (path in SITE -> bytes) hold its bytes at once: written first in a
    folder of this process's beside SITE, then renamed over the file, so that a reader (the
    preview server, during a rebuild) gets the old file or the new, never part of one. (Not
    beside the file: one left there by a process killed meanwhile would be published.)"""
    if not files:
        return
    scratch = Path(tempfile.mkdtemp(prefix=_prefix(site, "new"), dir=site.parent))
    try:
        for number, (path, data) in enumerate(files.items()):
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            temporary = scratch / str(number)
            temporary.write_bytes(data)
            os.replace(temporary, site / path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    """TARGET as the same file as SOURCE (a hard link keeps its bytes and mtime), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_static(config: Config, staging: Path, previous: Path | None = None) -> int:
    """Copy theme static files (project's templates/static overriding the theme's), then static/."""
    count = 0
    for source, below in static_trees(config):
        count += _copy_tree(source, staging / below, previous and previous / below)
    return count


def static_files(config: Config) -> dict[str, Path]:
    """Where in site/ copy_static puts each static file (a path inside site/), and from where:
    later trees override earlier ones, as when copying."""
    final: dict[str, Path] = {}
    for source, below in static_trees(config):
        if source.is_dir():
            for path in source.rglob("*"):
                if _copied(path):
                    final[
                        (PurePosixPath(below) / path.relative_to(source).as_posix()).as_posix()
                    ] = path
    return final


def static_unchanged(config: Config, site: Path) -> bool:
    """Whether SITE already holds every static file as copy_static would write it."""
    return all(
        (site / target).is_file() and (site / target).read_bytes() == path.read_bytes()
        for target, path in static_files(config).items()
    )


def _copied(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and not path.name.endswith("~")


def _copy_tree(source: Path, target: Path, previous: Path | None = None) -> int:
    if not source.is_dir():
        return 0
    count = 0
    for path in sorted(source.rglob("*")):
        if _copied(path):
            destination = target / path.relative_to(source)
            count += 1
            if destination.is_file() and destination.read_bytes() == path.read_bytes():
                continue  # unchanged: keep its mtime, so browsers and rsync see no change
            old = previous / path.relative_to(source) if previous else None
            if (
                old is not None
                and not destination.exists()
                and old.is_file()
                and old.read_bytes() == path.read_bytes()
            ):
                link_or_copy(old, destination)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return count


def check_output(folder: Path) -> None:
    """Raise when FOLDER, where the site goes, is there but is a file: a build swaps the whole
    folder for a new one (see Staging), and the file would be lost. (config.output_dir is
    resolved: through a link, the folder it leads to is swapped, and the link stays.)"""
    if folder.exists() and not folder.is_dir():
        raise BriefingsError(
            "the output folder is a file: a build would replace it",
            path=str(folder),
            hint="move it away, or set [paths] output in briefings.toml to another folder",
        )


class Staging:
    """A whole new site written beside OUTPUT, then swapped in at once (commit) or dropped: never
    a half-written site. Pages may be written into it from worker processes as they render."""

    def __init__(self, output: Path) -> None:
        output.parent.mkdir(parents=True, exist_ok=True)
        self.output = output
        remove_leftovers(output)
        self.path = Path(tempfile.mkdtemp(prefix=_prefix(output, "building"), dir=output.parent))

    def write(self, relative: str, data: bytes) -> None:
        write_file(self.path / relative, data)

    def commit(self) -> None:
        os.chmod(self.path, 0o755)
        retired = None
        if self.output.exists():
            retired = Path(
                tempfile.mkdtemp(prefix=_prefix(self.output, "old"), dir=self.output.parent)
            )
            os.rename(self.output, retired / self.output.name)
        os.rename(self.path, self.output)
        if retired is not None:
            remove_in_background(retired)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def remove_in_background(folder: Path) -> None:
    """Delete FOLDER (the site a build retired) in a process of its own, so that the build ends
    once the new site is in place: removing a large site's tens of thousands of files takes
    seconds. Should that process not finish, the folder is a leftover the next build removes."""
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not stopped by a Ctrl-C meant for the build
    )


def index_prefix(output: Path) -> str:
    """How a folder of this process beside OUTPUT where a search index is made starts (removed
    by remove_leftovers once this process is gone)."""
    return _prefix(output, "index")


def _prefix(output: Path, kind: str) -> str:
    """How a folder beside OUTPUT that this process makes starts: with its PID, so that a later
    build can tell one left by a build that was killed (remove_leftovers)."""
    return f".{output.name}.{kind}-{os.getpid()}-"


def remove_leftovers(output: Path) -> list[Path]:
    """Delete the staging, retired and scratch folders beside OUTPUT whose build process is gone
    (it was killed before it could): they would stay, as large as the site, for good. A build
    killed while it moved its files into OUTPUT (see patch) is finished first: OUTPUT is then
    wholly that build's site, never old and new pages side by side. Returns the staging
    folders whose moves it finished: those changed OUTPUT."""
    finished: list[Path] = []
    for kind in ("building", "old", "new", "index"):
        for folder in output.parent.glob(f".{glob.escape(output.name)}.{kind}-*-*"):
            pid = folder.name[len(f".{output.name}.{kind}-") :].split("-")[0]
            if pid.isdecimal() and not _alive(int(pid)) and folder.is_dir():
                if kind == "building" and _finish_patch(output, folder):
                    finished.append(folder)
                if kind == "old":  # a retired site, maybe still being removed (Staging.commit)
                    remove_in_background(folder)
                else:
                    shutil.rmtree(folder, ignore_errors=True)
    return finished


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


JOURNAL = ".patch.json"  # in a staging folder: the moves that make site/ this build's


def patch(site: Path, staging: Staging, written: Iterable[str], removed: Iterable[str]) -> None:
    """Move WRITTEN from STAGING into SITE, delete REMOVED there, and drop STAGING: after an
    edit, a large site is not staged anew with tens of thousands of hard links (seconds). Each
    file is replaced whole, and only once every page has rendered: a failed build changes
    nothing. The moves are written down first (JOURNAL, on disk before the first move): a build
    killed amid them is finished by the next run of any command (remove_leftovers)."""
    written, removed = list(written), list(removed)
    journal = {"written": written, "removed": removed}
    write_file(staging.path / JOURNAL, json.dumps(journal).encode(), sync=True)
    try:
        _move(site, staging.path, written, removed)
    finally:
        staging.discard()


def _move(site: Path, folder: Path, written: list[str], removed: list[str]) -> None:
    for path in written:
        if (folder / path).exists():  # (moved already, by the run a kill cut short)
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder / path, site / path)
    remove_files(site, removed)


def _finish_patch(site: Path, folder: Path) -> bool:
    """The moves a killed build's journal in FOLDER lists, done now; whether there were any.
    (The journal lies beside the project like any file in it: a path that leads out of either
    folder is ignored.)"""
    try:
        journal = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
        written, removed = list(journal["written"]), list(journal["removed"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return False  # no journal (killed before its moves), or not ours: nothing to finish
    inside = [p for p in [*written, *removed] if inside_site(p)]
    _move(site, folder, [p for p in written if p in inside], [p for p in removed if p in inside])
    return True


def inside_site(path: object) -> bool:
    """PATH, as a record written beside site/ names a file (a killed build's moves, the
    ledger), is a file's path inside site/: relative, with no step up. (Strings, not
    PurePosixPath: a large site's ledger has tens of thousands of rows.)"""
    return (
        isinstance(path, str)
        and path != ""
        and not path.startswith("/")
        and "\\" not in path
        and "\0" not in path
        and ".." not in path.split("/")
    )


def remove_files(site: Path, paths: Iterable[str]) -> None:
    """Delete PATHS from SITE, and the folders they leave empty."""
    for path in paths:
        (site / path).unlink(missing_ok=True)
        prune_empty(site, (site / path).parent)


@dataclass(frozen=True)
class Stored:
    """An output known here by its digest, its bytes being in site/: restored from the cache,
    or written straight from a render worker."""

    digest: bytes


Page = bytes | Stored  # what a page holds: its bytes, or only their digest once written


def data_of(page: Page) -> bytes:
    """The bytes of a page that is still to be written (only those written hold a digest)."""
    assert isinstance(page, bytes), "a page to write holds its bytes"
    return page


def digest_of(data: bytes | Stored) -> bytes:
    if isinstance(data, Stored):
        return data.digest
    return digest(data)


def same(old: bytes | Stored | None, new: bytes | Stored) -> bool:
    if old is None:
        return False
    if isinstance(old, bytes) and isinstance(new, bytes):
        return old == new
    return digest_of(old) == digest_of(new)


def stamp(path: Path | str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def unchanged_on_disk(path: Path | str, recorded: tuple[int, int] | None) -> bool:
    """The file is still the one we wrote (nobody edited or removed it since)."""
    return recorded is not None and stamp(path) == recorded


def prune_empty(site: Path, folder: Path) -> None:
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
