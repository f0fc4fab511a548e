"""Watches a project with watchdog and rebuilds after changes: debounced, coalesced, nothing lost."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from briefings.build import manifest
from briefings.build.builder import RebuildResult, SiteBuilder
from briefings.config import CONFIG_NAME, Config

QUIET_SECONDS = 0.03  # wait this long after the last event, so one save is one rebuild
MAX_WAIT_SECONDS = 1.0  # but never longer than this during a long burst


def ignored(path: Path) -> bool:
    """Editors' swap, backup, lock and temporary files, and hidden files."""
    name = path.name
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload"))
        or name == "4913"  # vim's probe for whether it may write in a folder
    )


class Changes(FileSystemEventHandler):
    """Collects changed paths from watchdog's thread for the rebuild loop to take."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.new_folders: set[Path] = set()  # project folders created after we started
        self.pending: set[Path] = set()
        self.last_event = 0.0
        self.arrived = threading.Condition()
        # What a build writes must never trigger a build.
        self.skip = [config.output_dir, config.root / ".briefings", config.root / ".git"]

    def relevant(self, path: Path) -> bool:
        if ignored(path) or any(path == s or s in path.parents for s in self.skip):
            return False
        return path.parent != self.config.root or path.name == CONFIG_NAME

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return
        paths = [Path(str(event.src_path))]
        if getattr(event, "dest_path", ""):
            paths.append(
                Path(str(event.dest_path))
            )  # an atomic save ends in a rename onto the file
        folders = (self.config.content_dir, self.config.templates_dir, self.config.static_dir)
        if event.is_directory and event.event_type in ("created", "moved") and paths[-1] in folders:
            # Created after we started: the loop will watch it (watchdog may not be asked from
            # its own thread), and rebuild, since files may already be inside.
            with self.arrived:
                self.new_folders.add(paths[-1])
            self._add({paths[-1]})
            return
        self._add({p for p in paths if self.relevant(p)})

    def _add(self, wanted: set[Path]) -> None:
        if wanted:
            with self.arrived:
                self.pending |= wanted
                self.last_event = time.monotonic()
                self.arrived.notify_all()

    def take(self, stop: threading.Event) -> set[Path]:
        """Wait for changes, then for a quiet moment; return them (empty when stopping)."""
        with self.arrived:
            while not self.pending and not stop.is_set():
                self.arrived.wait(0.2)
            first = time.monotonic()
            while not stop.is_set() and time.monotonic() - self.last_event < QUIET_SECONDS:
                if time.monotonic() - first > MAX_WAIT_SECONDS:
                    break
                self.arrived.wait(QUIET_SECONDS)
            batch, self.pending = self.pending, set()
            return batch


def watched_folders(config: Config) -> list[tuple[Path, bool]]:
    """(folder, recursive) pairs: content, templates and static, and the root for briefings.toml."""
    folders = [(config.root, False)]
    for folder in (config.content_dir, config.templates_dir, config.static_dir):
        if folder.is_dir():
            folders.append((folder, True))
    return folders


class Watcher:
    """Watchdog's observer over a project. Made before the first build reads the files, it
    notes each watched file's stamp; `run` starts the observer, then compares the stamps: a
    save made while the first build ran (or the build cache loaded) is in the first batch,
    never missed. (The observer's threads start only then: a first build must be free to fork
    workers, which is only safe while this process has one thread: runtime.parallel.)"""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.changes = Changes(config)
        self.observer: BaseObserver | None = None
        # Each input's stamp, as `build` records them to answer "nothing changed".
        self._stamps = manifest.input_stamps(config)

    def start(self) -> None:
        """Start watching (once); what changed since this watcher was made waits in the first
        batch."""
        if self.observer is not None:
            return
        self.observer = Observer()
        for folder, recursive in watched_folders(self.config):
            self.observer.schedule(self.changes, str(folder), recursive=recursive)
        self.observer.start()
        # After the observer started: a save from now on is an event, one before it differs.
        before, now = self._stamps, manifest.input_stamps(self.config)
        changed = (Path(p) for p in before.keys() | now.keys() if before.get(p) != now.get(p))
        self.changes._add({p for p in changed if self.changes.relevant(p)})

    def run(
        self,
        builder: SiteBuilder,
        on_rebuild: Callable[[set[Path], RebuildResult], None],
        stop: threading.Event,
    ) -> None:
        """Rebuild with BUILDER after every batch of changes until STOP is set. Events that
        arrive during a rebuild wait in the next batch: none is lost."""
        self.start()
        assert self.observer is not None
        changes = self.changes
        while not stop.is_set():
            batch = changes.take(stop)
            with changes.arrived:
                folders, changes.new_folders = changes.new_folders, set()
            for folder in folders:
                self.observer.schedule(changes, str(folder), recursive=True)
            if batch and not stop.is_set():
                on_rebuild(batch, builder.rebuild(batch))

    def close(self) -> None:
        if self.observer is not None:
            _stop(self.observer)

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop(observer: BaseObserver, seconds: float = 3.0) -> None:
    """Stop watchdog's threads, waiting at most SECONDS for each step: they are daemon
    threads, and one stuck in a read must not keep Ctrl-C from ending serve or watch."""
    if observer.ident is None:  # Ctrl-C came while `start` scheduled folders: nothing runs
        return
    stopping = threading.Thread(target=observer.stop, daemon=True)
    stopping.start()
    stopping.join(seconds)
    observer.join(timeout=seconds)
