"""Article bodies live in a file beside the build cache, not in memory nor in the pickle: read
back where a page shows them, checked against their digest, and never wrong."""

import gc
import shutil
from pathlib import Path

import pytest

from briefings.build import state
from briefings.build.bodies import BodyStore, Stored
from briefings.build.state import CACHE_DIR, CACHE_FILE, load_builder
from briefings.commands.build import build_site
from briefings.config import load_config
from briefings.errors import CacheDamaged
from tests.test_cache import ARTICLE, clean_build, edit_article, tree


def body_files(project: Path) -> list[Path]:
    return sorted((project / CACHE_DIR).glob("bodies-*.bin"))


def test_a_body_is_read_back_as_written_and_a_changed_one_is_refused(tmp_path: Path) -> None:
    store = BodyStore.create(tmp_path)
    one, two = store.keep("<p>“One”</p>".encode()), store.keep(b"<p>Two</p>")
    assert (one.read().decode(), two.read()) == ("<p>“One”</p>", b"<p>Two</p>")
    assert (one.offset, two.offset) == (0, len("<p>“One”</p>".encode()))
    with store.path.open("r+b") as file:  # one byte of the second body changed on disk
        file.seek(two.offset + 4)
        file.write(b"X")
    assert one.read().decode() == "<p>“One”</p>"
    with pytest.raises(CacheDamaged, match="not what it wrote"):
        two.read()


def test_an_unnamed_store_leaves_no_file_behind(tmp_path: Path) -> None:
    store = BodyStore.create(None)
    kept = store.keep(b"<p>Body</p>")
    assert store.path is None and kept.read() == b"<p>Body</p>"
    assert list(tmp_path.iterdir()) == []


def test_a_build_keeps_bodies_in_the_store_not_in_its_cache(example: Path) -> None:
    build_site(load_config(example))
    [store] = body_files(example)
    builder = load_builder(load_config(example), print)
    texts = list(builder._texts.by_key.values())
    assert texts and all(isinstance(t.held, Stored) for t in texts)
    pickled = (example / CACHE_FILE).read_bytes()
    longest = max(texts, key=lambda t: t.held.length)
    assert longest.body[-300:] not in pickled  # a body's HTML is in the store, not the pickle
    assert sum(t.held.length for t in texts) <= store.stat().st_size
    page = (example / "site" / "articles" / Path(ARTICLE).stem / "index.html").read_text()
    [text] = [t for t in texts if "hundreds of drones" in t.body_html]
    assert text.body_html in page  # the page shows what the store holds


def test_edits_append_and_the_cache_names_the_store_it_needs(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    [store] = body_files(example)
    size = store.stat().st_size
    edit_article(example)
    build_site(load_config(example))
    assert body_files(example) == [store]  # the same file, grown by the edited body
    assert store.stat().st_size > size
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_dead_bodies_are_left_behind_in_a_new_file(
    example: Path, tmp_path: Path, monkeypatch
) -> None:
    build_site(load_config(example))
    [first] = body_files(example)
    live = first.stat().st_size
    with first.open("ab") as store:  # bodies no text uses (a failed build's, say)
        store.write(b"<p>dead</p>" * 100_000)
    monkeypatch.setattr(state, "COMPACT_SLACK", 0)  # more dead than live: copy the live ones
    edit_article(example)
    build_site(load_config(example))
    [second] = body_files(example)
    assert second != first
    assert second.stat().st_size < 2 * live  # the live bodies, and the edited one
    path = example / ARTICLE
    path.write_text(path.read_text() + "\nOne more paragraph.\n")
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


@pytest.mark.parametrize("damage", ["flipped", "cut short", "gone"])
def test_a_damaged_body_store_means_a_build_from_scratch(
    example: Path, tmp_path: Path, damage: str
) -> None:
    build_site(load_config(example))
    [store] = body_files(example)
    data = bytearray(store.read_bytes())
    if damage == "flipped":  # every body read back fails its digest, mid-build
        store.write_bytes(bytes(b ^ 0x20 for b in data))
    elif damage == "cut short":
        store.write_bytes(bytes(data[: len(data) // 2]))
    else:
        store.unlink()
    (example / "templates").mkdir(exist_ok=True)  # a template change: every page rendered
    (example / "templates/404.html").write_text(
        "{% extends 'base.html' %}{% block main %}Lost{% endblock %}\n"
    )
    messages: list[str] = []
    result = build_site(load_config(example), log=messages.append)
    assert any("Build cache ignored" in m for m in messages), messages
    assert result.rendered == result.pages
    assert tree(example / "site") == clean_build(example, tmp_path)
    gc.collect()


def test_a_build_without_the_cache_writes_no_body_file(example: Path) -> None:
    build_site(load_config(example), use_cache=False)
    assert not (example / CACHE_DIR).exists() or body_files(example) == []


def test_stale_body_files_go_when_the_cache_is_saved(example: Path) -> None:
    (example / CACHE_DIR).mkdir(parents=True)
    stale = example / CACHE_DIR / "bodies-0123456789abcdef.bin"
    stale.write_bytes(b"left by a build long gone")
    build_site(load_config(example))
    assert stale not in body_files(example) and len(body_files(example)) == 1
    shutil.rmtree(example / "site")


def test_a_body_the_store_cannot_take_stays_in_memory(
    example: Path, tmp_path: Path, monkeypatch
) -> None:
    def full_disk(self, data: bytes) -> Stored:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(BodyStore, "keep", full_disk)
    build_site(load_config(example))
    builder = load_builder(load_config(example), print)
    assert all(isinstance(t.held, bytes) for t in builder._texts.by_key.values())
    assert tree(example / "site") == clean_build(example, tmp_path)
