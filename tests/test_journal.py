"""A small build records what it changed in the cache's journal instead of saving the whole
cache; later builds read both and still equal a fresh build."""

import json
import os
from pathlib import Path

from briefings.build import journal, keys
from briefings.build.manifest import code_key
from briefings.build.state import CACHE_FILE
from briefings.commands.build import build_site
from briefings.config import load_config
from tests.test_cache import ARTICLE, clean_build, tree

PAGE = f"site/articles/{Path(ARTICLE).stem}/index.html"


def add_paragraph(project: Path, text: str = "A closing paragraph, added later.") -> None:
    path = project / ARTICLE
    path.write_text(path.read_text() + f"\n{text}\n")


def stamp(path: Path) -> tuple[int, int]:
    return (path.stat().st_size, path.stat().st_mtime_ns)


def journal_file(project: Path) -> Path:
    return journal.path_of(load_config(project), CACHE_FILE)


def test_a_small_edit_leaves_the_cache_and_records_what_it_changed(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    cache = stamp(example / CACHE_FILE)
    add_paragraph(example)
    result = build_site(load_config(example))
    assert result.rendered == 1
    assert stamp(example / CACHE_FILE) == cache  # not written again
    data = journal_file(example).read_bytes()
    recorded = json.loads(data[len(keys.MAGIC) + keys.TAG_SIZE :])  # readable JSON, signed
    assert list(recorded["pages"]) == [PAGE.removeprefix("site/")]
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_an_edit_undone_after_a_journaled_build_is_undone_in_site(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    original = (example / ARTICLE).read_text()
    add_paragraph(example)
    build_site(load_config(example))
    assert "added later" in (example / PAGE).read_text()
    (example / ARTICLE).write_text(original)  # as the cache still holds it
    build_site(load_config(example))
    assert "added later" not in (example / PAGE).read_text()
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_builds_in_a_row_from_a_journal_each_equal_a_fresh_build(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    for n in range(3):
        add_paragraph(example, f"Paragraph number {n}, added later.")
        assert build_site(load_config(example)).rendered == 1
        assert tree(example / "site") == clean_build(example, tmp_path)
    path = example / ARTICLE  # an edit that listings show, on top of the journal
    path.write_text(path.read_text().replace("title: ", "title: Updated - ", 1))
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_after_a_few_journaled_builds_the_cache_is_saved_whole(example: Path) -> None:
    build_site(load_config(example))
    cache = stamp(example / CACHE_FILE)
    for n in range(journal.JOURNAL_BUILDS - 1):
        add_paragraph(example, f"Paragraph number {n}, added later.")
        build_site(load_config(example))
        assert stamp(example / CACHE_FILE) == cache
    add_paragraph(example, "The last paragraph.")
    build_site(load_config(example))
    assert stamp(example / CACHE_FILE) != cache
    assert not journal_file(example).exists()


def read_journal(project: Path) -> dict:
    return json.loads(journal_file(project).read_bytes()[len(keys.MAGIC) + keys.TAG_SIZE :])


def sign_journal(project: Path, record: dict, key: bytes) -> None:
    with journal_file(project).open("w+b") as handle, keys.Signing(handle, key) as signed:
        signed.write(json.dumps(record).encode())


def test_a_journal_signed_with_another_key_is_ignored(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    add_paragraph(example)
    build_site(load_config(example))
    config = load_config(example)

    def applied() -> tuple[set[str], dict]:
        state: dict = {"outputs": {}, "_stamps": {}, "_fingerprints": {}, "_reads": {}}
        return journal.apply(state, config, CACHE_FILE, code_key()), state

    pages, state = applied()
    assert pages == {PAGE.removeprefix("site/")} and state["_fingerprints"]
    sign_journal(example, read_journal(example), os.urandom(32))
    assert applied() == (set(), {"outputs": {}, "_stamps": {}, "_fingerprints": {}, "_reads": {}})
    add_paragraph(example, "Another paragraph.")
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_journal_left_beside_another_cache_is_ignored(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    add_paragraph(example)
    build_site(load_config(example))
    left = journal_file(example).read_bytes()
    build_site(load_config(example), fresh=True)  # a new cache; its journal gone
    journal_file(example).write_bytes(left)  # the old one, back
    (example / ARTICLE).write_text((example / ARTICLE).read_text().replace("added later", "cut"))
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_signed_journal_naming_a_file_outside_site_changes_nothing_there(
    example: Path, tmp_path: Path
) -> None:
    """Were the key to leak, a journal still could not make a build touch a file outside
    site/: a path that steps out makes the whole journal ignored."""
    build_site(load_config(example))
    add_paragraph(example)
    build_site(load_config(example))
    outside = example / "notes.html"
    outside.write_text("the editor's own file")
    record = read_journal(example)
    record["pages"]["../notes.html"] = ["00" * 32, list(stamp(outside)), "x", []]
    sign_journal(example, record, keys.cache_key())
    add_paragraph(example, "Another paragraph.")
    build_site(load_config(example))
    assert outside.read_text() == "the editor's own file"
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_what_serve_changed_is_journaled_so_the_next_build_patches_site(
    example: Path, tmp_path: Path
) -> None:
    """After editing while `serve` runs, `briefings build` knows site/ as serve left it: it
    moves in the few files that differ instead of staging a whole new site/."""
    from briefings.build.state import load_builder
    from briefings.commands.serve import _journal

    config = load_config(example)
    build_site(config)
    builder = load_builder(config, lambda _: None, serving=True)  # as serve starts
    assert builder.rebuild().error is None
    add_paragraph(example)
    result = builder.rebuild([example / ARTICLE])
    assert result.error is None and result.written
    assert _journal(builder, config, (False, False), again=False)
    site = (example / "site").stat().st_ino
    add_paragraph(example, "Another paragraph.")
    assert build_site(load_config(example)).rendered == 1
    assert (example / "site").stat().st_ino == site  # patched in place, not staged anew
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_preview_of_drafts_writes_no_journal(example: Path) -> None:
    from briefings.build.state import load_builder
    from briefings.commands.serve import _journal

    config = load_config(example)
    build_site(config)
    builder = load_builder(config, lambda _: None, serving=True, preview=(True, False))
    builder.rebuild()
    add_paragraph(example)
    builder.rebuild([example / ARTICLE])
    assert not _journal(builder, config, (True, False), again=False)
    assert not journal_file(example).exists()
