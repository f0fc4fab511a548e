"""The watcher with real file-system events in a temporary project."""

import os
import threading
import time
from pathlib import Path

import pytest

from briefings.build.builder import RebuildResult, SiteBuilder
from briefings.config import load_config
from briefings.preview.watch import Watcher, ignored
from tests.conftest import write

ARTICLE = (
    "content/articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and.md"
)
PAGE = "site/articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/index.html"


class Watching:
    """A watcher thread over PROJECT that records each rebuild."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.said: list[str] = []
        self.builder = SiteBuilder(project, log=self.said.append)
        assert self.builder.rebuild().error is None
        self.results: list[tuple[set[Path], RebuildResult]] = []
        self.stop = threading.Event()
        self.watcher = Watcher(load_config(project))
        self.thread = threading.Thread(
            target=self.watcher.run, args=(self.builder, self._record, self.stop)
        )

    def _record(self, batch: set[Path], result: RebuildResult) -> None:
        self.results.append((batch, result))

    def __enter__(self) -> "Watching":
        self.thread.start()
        time.sleep(0.2)  # let inotify settle
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.watcher.close()

    def until(self, condition, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, (
                f"timed out; rebuilds: {[r.summary() for _, r in self.results]}"
            )
            time.sleep(0.05)

    def page(self, path: str = PAGE) -> str:
        return (self.project / path).read_text()


@pytest.mark.parametrize(
    "name", ["a.md~", ".a.md.swp", ".#a.md", "4913", "#a.md#", "x.tmp", ".DS_Store"]
)
def test_editor_litter_is_ignored(name: str) -> None:
    assert ignored(Path(name))


def test_edit_create_delete_and_rename(example: Path) -> None:
    with Watching(example) as w:
        article = example / ARTICLE
        article.write_text(
            article.read_text().replace("hundreds of drones", "hundreds of WATCHED drones")
        )
        w.until(lambda: "WATCHED" in w.page())

        write(
            example / "content/articles/new.md",
            "---\ntitle: A brand new story\ndate: 2025-04-15\nsource: Wire\n---\nFresh text.\n",
        )
        w.until(lambda: (example / "site/articles/a-brand-new-story/index.html").is_file())

        (example / "content/articles/new.md").rename(example / "content/articles/renamed.md")
        w.until(
            lambda: any(
                Path("content/articles/renamed.md") in {p.relative_to(example) for p in b}
                for b, _ in w.results
            )
        )
        w.until(
            lambda: (
                w.results[-1][1].error is None
                and (example / "site/articles/a-brand-new-story/index.html").is_file()
            )
        )

        (example / "content/articles/renamed.md").unlink()
        w.until(lambda: not (example / "site/articles/a-brand-new-story").exists())
    assert all(r.error is None for _, r in w.results)


def test_atomic_save_and_swap_files(example: Path) -> None:
    with Watching(example) as w:
        write(example / "content/articles/.notes.md.swp", "vim swap")
        write(example / "content/articles/draft.md~", "backup")
        time.sleep(0.5)
        assert w.results == []  # litter alone triggers nothing
        article = example / ARTICLE
        temporary = article.with_name(".tmp-save-1234")
        temporary.write_text(article.read_text().replace("Kirby", "Kirby (atomic)"))
        os.replace(temporary, article)  # how many editors save
        w.until(lambda: "Kirby (atomic)" in w.page())


def test_a_burst_of_writes_gives_few_rebuilds_and_the_last_content(example: Path) -> None:
    article = example / ARTICLE
    text = article.read_text()
    with Watching(example) as w:
        for n in range(1000):
            article.write_text(text.replace("hundreds of drones", f"hundreds of drones (take {n})"))
        w.until(lambda: "(take 999)" in w.page(), timeout=30)
        time.sleep(0.5)
    assert 1 <= len(w.results) <= 25


def test_a_broken_save_keeps_the_last_good_site(example: Path) -> None:
    with Watching(example) as w:
        before = w.page()
        write(example / ARTICLE, "---\ntitle: Broken\ndate: 2025-02-31\nsource: X\n---\n")
        w.until(lambda: bool(w.results))
        assert w.results[-1][1].error is not None and "2025-02-31" in str(w.results[-1][1].error)
        assert w.page() == before
        assert w.builder.outputs  # the snapshot the server serves is still the good one


def test_an_article_broken_before_is_left_out_and_other_saves_still_build(example: Path) -> None:
    broken = write(example / "content/articles/old.md", "---\ntitle: Old\ndate: 2025-02-31\n---\n")
    with Watching(example) as w:
        assert "Warning: 1 article(s) left out" in "\n".join(w.said)
        before = w.page()
        text = (example / ARTICLE).read_text()
        write(example / ARTICLE, text.replace("hundreds of drones", "hundreds of new drones"))
        w.until(lambda: "hundreds of new drones" in w.page() and bool(w.results), timeout=30)
        assert w.results[-1][1].error is None and w.page() != before
        assert not (example / "site/articles/old").exists()
    assert broken.is_file()


def test_changes_during_a_rebuild_are_not_lost(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = example / ARTICLE
    with Watching(example) as w:
        real = w.builder.rebuild

        def slow(changed=()):
            time.sleep(0.4)  # a long rebuild; the next save lands while it runs
            return real(changed)

        monkeypatch.setattr(w.builder, "rebuild", slow)
        article.write_text(article.read_text().replace("Kirby", "Kirby-one"))
        time.sleep(0.2)
        article.write_text(article.read_text().replace("Kirby-one", "Kirby-two"))
        w.until(lambda: "Kirby-two" in w.page())


def test_a_save_made_before_the_first_build_ends_is_rebuilt(example: Path) -> None:
    """serve and watch start watching before the first build reads the files: a save made
    while it runs (or while the build cache loads) waits for the first batch, never missed."""
    config = load_config(example)
    results: list[set[Path]] = []
    stop = threading.Event()
    with Watcher(config) as watcher:
        time.sleep(0.2)  # let inotify settle
        builder = SiteBuilder(example)
        article = example / ARTICLE
        article.write_text(article.read_text().replace("hundreds of drones", "hundreds of LATE"))
        builder.rebuild()  # the first build; the save above may land before or during it
        article.write_text(article.read_text().replace("LATE", "LATER"))  # and after it
        running = threading.Thread(
            target=watcher.run,
            args=(builder, lambda batch, result: results.append(batch), stop),
        )
        running.start()
        try:
            deadline = time.monotonic() + 30  # a loaded machine: seconds to rebuild
            while "LATER" not in (example / PAGE).read_text():
                assert time.monotonic() < deadline, f"never rebuilt; batches: {results}"
                time.sleep(0.05)
        finally:
            stop.set()
            running.join(5)
    assert any(article in batch for batch in results)


def test_a_first_build_made_beside_a_watcher_may_use_every_core(example: Path) -> None:
    """The watcher's threads start when watching begins, after the first build: forking
    workers is only safe while the process has one thread (runtime.parallel.may_fork), and a
    large site's first build would otherwise run on one core. (Counted against the threads
    already here: other tests leave idle ones.)"""
    before = threading.active_count()
    with Watcher(load_config(example)) as watcher:
        assert threading.active_count() == before  # nothing started: a first build may fork
        watcher.start()
        assert threading.active_count() > before


def test_ctrl_c_while_watching_begins_still_ends_cleanly(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C may come while `start` schedules the project's folders (serve showed it as an
    internal error, "cannot join thread before it is started"): closing then stops nothing."""
    import briefings.preview.watch as watch

    def interrupted(config: object) -> list[tuple[Path, bool]]:
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "watched_folders", interrupted)
    watcher = Watcher(load_config(example))
    with pytest.raises(KeyboardInterrupt):
        watcher.start()
    watcher.close()  # must not raise
    assert watcher.observer is not None and not watcher.observer.is_alive()
