"""The site's ledger (SQLite, one row per page): every build brings it up to date, a small
build leaves the large build cache alone, and later builds read both and still equal a fresh
build. A ledger that is not the cache's, or not as written, is ignored."""

import contextlib
import json
import sqlite3
from pathlib import Path

from briefings.build import ledger
from briefings.build.manifest import code_key
from briefings.build.state import CACHE_BUILDS, CACHE_FILE, load_builder
from briefings.commands.build import build_site
from briefings.commands.serve import _record
from briefings.config import load_config
from tests.test_cache import ARTICLE, clean_build, tree

SLUG = Path(ARTICLE).stem
PAGE = f"articles/{SLUG}/index.html"


def add_paragraph(project: Path, text: str = "A closing paragraph, added later.") -> None:
    path = project / ARTICLE
    path.write_text(path.read_text() + f"\n{text}\n")


def stamp(path: Path) -> tuple[int, int]:
    return (path.stat().st_size, path.stat().st_mtime_ns)


def query(project: Path, sql: str, *args: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(project / ledger.LEDGER_FILE)) as db, db:
        return db.execute(sql, args).fetchall()


def test_the_ledger_says_what_each_page_is_and_read(example: Path) -> None:
    built = build_site(load_config(example))
    pages = dict(query(example, "SELECT path, template FROM pages"))
    assert len(pages) == built.pages and all((example / "site" / p).is_file() for p in pages)
    assert pages[PAGE] == "article.html"
    reading = {
        path
        for (path,) in query(example, "SELECT path FROM pages WHERE reads LIKE ?", f'%"{SLUG}"%')
    }
    assert PAGE in reading and "index.html" in reading  # the home page lists it
    ((reads,),) = query(example, "SELECT reads FROM pages WHERE path = ?", PAGE)
    assert ["article", "title"] in [pair for what, _ in json.loads(reads) for pair in what]


def test_a_small_edit_records_its_page_and_leaves_the_cache(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    cache = stamp(example / CACHE_FILE)
    add_paragraph(example)
    result = build_site(load_config(example))
    assert result.rendered == 1
    assert stamp(example / CACHE_FILE) == cache  # not written again
    assert query(example, "SELECT path FROM pages WHERE generation > 1") == [(PAGE,)]
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_an_edit_undone_after_a_small_build_is_undone_in_site(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    original = (example / ARTICLE).read_text()
    add_paragraph(example)
    build_site(load_config(example))
    assert "added later" in (example / "site" / PAGE).read_text()
    (example / ARTICLE).write_text(original)  # as the cache still holds it
    build_site(load_config(example))
    assert "added later" not in (example / "site" / PAGE).read_text()
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_builds_in_a_row_each_equal_a_fresh_build(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    for n in range(3):
        add_paragraph(example, f"Paragraph number {n}, added later.")
        assert build_site(load_config(example)).rendered == 1
        assert tree(example / "site") == clean_build(example, tmp_path)
    path = example / ARTICLE  # an edit that listings show, on top of the ledger's rows
    path.write_text(path.read_text().replace("title: ", "title: Updated - ", 1))
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_after_a_few_small_builds_the_cache_is_saved_whole(example: Path) -> None:
    build_site(load_config(example))
    cache = stamp(example / CACHE_FILE)
    for n in range(CACHE_BUILDS - 1):
        add_paragraph(example, f"Paragraph number {n}, added later.")
        build_site(load_config(example))
        assert stamp(example / CACHE_FILE) == cache
    add_paragraph(example, "The last paragraph.")
    build_site(load_config(example))
    assert stamp(example / CACHE_FILE) != cache


def test_a_ledger_that_is_not_the_caches_is_ignored(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    add_paragraph(example)
    build_site(load_config(example))
    query(example, "UPDATE meta SET value = 'another' WHERE name = 'token'")
    add_paragraph(example, "Another paragraph.")
    said: list[str] = []
    result = build_site(load_config(example), log=said.append)
    assert result.rendered == result.pages  # no page known: all written again
    assert any("ledger" in line for line in said)
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_ledger_with_sql_of_its_own_is_never_run(example: Path, tmp_path: Path) -> None:
    """A trigger or view in a ledger found in the project is not ours: the file is ignored
    (written anew), and its SQL never runs."""
    build_site(load_config(example))
    query(
        example,
        "CREATE TRIGGER wipe AFTER UPDATE ON meta BEGIN DELETE FROM pages; END",
    )
    add_paragraph(example)
    build_site(load_config(example))
    assert query(example, "SELECT name FROM sqlite_master WHERE type = 'trigger'") == []
    assert len(query(example, "SELECT path FROM pages")) > 10
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_ledger_naming_a_file_outside_site_changes_nothing_there(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    outside = example / "notes.html"
    outside.write_text("the editor's own file")
    size, mtime = stamp(outside)
    query(
        example,
        "INSERT INTO pages VALUES ('../notes.html', 'article.html', 'x', ?, ?, ?, '[]', 1)",
        "00" * 32,
        size,
        mtime,
    )
    add_paragraph(example)
    build_site(load_config(example))
    assert outside.read_text() == "the editor's own file"
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_page_s_reads_nested_past_the_stack_are_ignored(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    query(example, "UPDATE pages SET reads = ? WHERE path = ?", "[" * 100_000, PAGE)
    add_paragraph(example)
    build_site(load_config(example))  # the page is planned anew, as one with no reads known
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_what_serve_changed_is_recorded_so_the_next_build_patches_site(
    example: Path, tmp_path: Path
) -> None:
    """After editing while `serve` runs, `briefings build` knows site/ as serve left it: it
    moves in the few files that differ instead of staging a whole new site/."""
    config = load_config(example)
    build_site(config)
    builder = load_builder(config, lambda _: None, serving=True)  # as serve starts
    assert builder.rebuild().error is None
    add_paragraph(example)
    result = builder.rebuild([example / ARTICLE])
    assert result.error is None and result.written
    assert _record(builder, config, (False, False))
    site = (example / "site").stat().st_ino
    add_paragraph(example, "Another paragraph.")
    assert build_site(load_config(example)).rendered == 1
    assert (example / "site").stat().st_ino == site  # patched in place, not staged anew
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_preview_of_drafts_records_nothing(example: Path) -> None:
    config = load_config(example)
    build_site(config)
    before = query(example, "SELECT * FROM pages ORDER BY path")
    builder = load_builder(config, lambda _: None, serving=True, preview=(True, False))
    builder.rebuild()
    add_paragraph(example)
    builder.rebuild([example / ARTICLE])
    assert not _record(builder, config, (True, False))
    assert query(example, "SELECT * FROM pages ORDER BY path") == before


def test_a_ledger_changed_under_a_build_is_written_anew(example: Path, tmp_path: Path) -> None:
    """Another process moved the ledger on (or damaged its count): this build's record of
    site/ is written whole, and the next build still equals a fresh one."""
    build_site(load_config(example))
    add_paragraph(example)
    config = load_config(example)
    builder = load_builder(config, lambda _: None)
    assert builder.rebuild().error is None
    query(example, "UPDATE meta SET value = 'not a number' WHERE name = 'generation'")
    at = ledger.record(builder, config, code_key())
    assert at.generation == 1 and query(example, "SELECT count(*) FROM pages")[0][0] > 10
    add_paragraph(example, "Another paragraph.")
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)
