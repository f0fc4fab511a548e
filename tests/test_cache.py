"""The persistent build cache: a cached build gives exactly the site a clean build gives."""

import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefings.build import manifest, search
from briefings.build.state import CACHE_FILE, load_builder
from briefings.build.texts import text_key
from briefings.cli import cli
from briefings.commands.build import build_site
from briefings.config import load_config, with_base_url
from briefings.errors import BriefingsError
from tests.conftest import set_config, write
from tests.sitecheck import snapshot

ARTICLE = (
    "content/articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and.md"
)


def tree(site: Path) -> dict[str, bytes]:
    return {path: data for path, (data, _mtime) in snapshot(site).items()}


def clean_build(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """The same project built from scratch, in a folder of its own."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    # (not a retired site a build is still removing in the background)
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("site", ".briefings", ".site.*"))
    build_site(load_config(fresh), use_cache=False)
    return tree(fresh / "site")


def edit_article(project: Path) -> None:
    path = project / ARTICLE
    path.write_text(path.read_text().replace("hundreds of drones", "hundreds of cached drones"))


def edit_template(project: Path) -> None:
    write(
        project / "templates/404.html",
        "{% extends 'base.html' %}{% block main %}<h1>Lost?</h1>{% endblock %}\n",
    )


def edit_config(project: Path) -> None:
    set_config(project, title="The Renamed Desk")


def delete_article(project: Path) -> None:
    (project / ARTICLE).unlink()
    edition = project / "content/editions/2025-04-14.md"
    edition.write_text(
        edition.read_text().replace(
            "      - the-white-house-on-friday-said-the-military-cooperation-between-moscow-and\n",
            "",
        )
    )


@pytest.mark.parametrize("change", [edit_article, edit_template, edit_config, delete_article])
def test_cached_build_equals_clean_build(example: Path, tmp_path: Path, change) -> None:
    build_site(load_config(example))
    assert (example / CACHE_FILE).is_file()
    change(example)
    result = build_site(load_config(example))
    assert result.rendered < result.pages or change is edit_config or change is edit_template
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_no_change_renders_nothing_and_keeps_every_mtime(example: Path) -> None:
    build_site(load_config(example))
    before = snapshot(example / "site")
    result = build_site(load_config(example))
    assert result.rendered == 0
    assert snapshot(example / "site") == before


def test_unaffected_pages_keep_their_mtime(example: Path) -> None:
    build_site(load_config(example))
    before = snapshot(example / "site")
    edit_article(example)
    build_site(load_config(example))
    after = snapshot(example / "site")
    assert after["sources/marketlink/index.html"] == before["sources/marketlink/index.html"]
    assert after["static/style.css"] == before["static/style.css"]
    rudaw = "articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/index.html"
    assert after[rudaw][0] != before[rudaw][0]


def test_a_build_after_an_edit_renders_only_the_pages_that_read_what_changed(
    example: Path, tmp_path: Path
) -> None:
    """Each build, one-shot too, keeps what every page read of which article: a paragraph added
    at the end of an article changes its page, not the listings that show its title and excerpt."""
    build_site(load_config(example))
    before = snapshot(example / "site")
    path = example / ARTICLE
    path.write_text(path.read_text() + "\nA closing paragraph, added later.\n")
    result = build_site(load_config(example))
    after = snapshot(example / "site")
    changed = sorted(p for p in after if after[p] != before.get(p) and "pagefind/" not in p)
    slug = Path(ARTICLE).stem
    assert changed == [f"articles/{slug}/index.html"]
    assert result.rendered == 1  # not the topic, source and edition pages listing it
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_an_edit_to_what_listings_show_renders_the_listings_again(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    path = example / ARTICLE
    path.write_text(path.read_text().replace("title: ", "title: Updated - ", 1))
    result = build_site(load_config(example))
    assert result.rendered > 5
    assert tree(example / "site") == clean_build(example, tmp_path)


@pytest.mark.parametrize(
    "damage", [b"", b"not a pickle at all", b"\x80\x05\x95garbage", "first half", "last part cut"]
)
def test_a_corrupt_cache_is_ignored(example: Path, tmp_path: Path, damage: bytes | str) -> None:
    build_site(load_config(example))
    cache = example / CACHE_FILE
    whole = cache.read_bytes()
    cut = {"first half": len(whole) // 2, "last part cut": len(whole) - 10}
    cache.write_bytes(whole[: cut[damage]] if isinstance(damage, str) else damage)
    edit_article(example)
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert any("Build cache ignored" in m for m in messages)
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_reading_the_cache_leaves_the_cycle_collector_on(example: Path) -> None:
    """The collector is paused while the cache is read (and on again whatever happens there);
    a one-shot build then sets what it read aside from collection, serve does not."""
    build_site(load_config(example))
    cache = example / CACHE_FILE
    whole = cache.read_bytes()
    gc.unfreeze()
    try:
        load_builder(load_config(example), print, serving=True)
        assert gc.isenabled() and gc.get_freeze_count() == 0
        # One-shot: set aside as read, before the collector is on (its first walk took 0.25 s).
        load_builder(load_config(example), print)
        assert gc.isenabled() and gc.get_freeze_count() > 0
        gc.unfreeze()
        edit_article(example)
        build_site(load_config(example))
        assert gc.isenabled() and gc.get_freeze_count() > 0
        gc.unfreeze()
        cache.write_bytes(whole[: len(whole) // 2])  # the read fails halfway
        messages: list[str] = []
        load_builder(load_config(example), messages.append)
        assert any("Build cache ignored" in m for m in messages)
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_what_several_parts_of_the_cache_hold_is_read_back_as_one_object(example: Path) -> None:
    """Articles, their texts and the relations are written once, whatever holds them: read back,
    the builder tells unchanged articles by identity, as the one that saved the cache did."""
    build_site(load_config(example))
    builder = load_builder(load_config(example), print)
    relating, plan = builder._relating, builder._plan
    assert relating.relations is plan.relations
    for article in plan.content.articles:
        held, text, _ = relating._docs[article.slug]
        assert held is article
        assert text is builder._texts.by_key[text_key(article)]
    story = plan.relations.stories[0]
    assert plan.relations.story_of[story.articles[0]] is story


def test_a_file_changed_in_site_by_hand_is_written_again(example: Path, tmp_path: Path) -> None:
    build_site(load_config(example))
    page = example / "site/sources/rudaw/index.html"
    page.write_text("tampered")
    build_site(load_config(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_build_with_nothing_changed_does_not_even_load_the_cache(
    example: Path, monkeypatch
) -> None:
    first = build_site(load_config(example))
    monkeypatch.setattr(
        "briefings.commands.build.load_builder", lambda *a: pytest.fail("cache loaded")
    )
    result = build_site(load_config(example))
    assert (result.pages, result.rendered) == (first.pages, 0)


def test_the_no_change_answer_is_no_for_a_new_base_url_or_a_touched_file(example: Path) -> None:
    build_site(load_config(example))
    moved = build_site(with_base_url(load_config(example), "https://example.org/desk/"))
    assert moved.rendered > 0
    build_site(load_config(example))
    page = example / "site/sources/rudaw/index.html"
    page.unlink()
    assert build_site(load_config(example)).rendered == 1
    assert page.is_file()


def test_the_no_change_answer_looks_at_every_file_a_build_put_in_site(example: Path) -> None:
    """Pages, static files and the search index are checked one by one (site/ is not listed:
    a file no build put there is not looked at)."""
    first = build_site(load_config(example))
    (example / "site" / "notes.txt").write_text("the editor's own file")
    assert manifest.check(load_config(example)).unchanged
    for name in ("static/style.css", "pagefind/shards.json", "index.html"):
        path = example / "site" / name
        assert path.is_file(), name
        kept = path.read_bytes()
        path.write_bytes(kept + b" ")
        assert not manifest.check(load_config(example)).unchanged, name
        path.write_bytes(kept)
        build_site(load_config(example))
        assert manifest.check(load_config(example)).unchanged, name
    assert first.pages > 0


def test_build_command_says_when_nothing_changed_and_no_cache_builds_anew(example: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "-C", str(example)]).exit_code == 0
    again = runner.invoke(cli, ["build", "-C", str(example)])
    assert again.exit_code == 0 and "Nothing changed" in again.output
    anew = runner.invoke(cli, ["build", "-C", str(example), "--no-cache"])
    assert anew.exit_code == 0 and "rendered)" in anew.output  # every page rendered
    assert "Nothing changed" in runner.invoke(cli, ["build", "-C", str(example)]).output


def add_correction(project: Path) -> None:
    """An edit below the excerpt: the article's page and the feeds with its text change."""
    path = project / ARTICLE
    path.write_text(path.read_text().rstrip("\n") + "\n\nA late correction.\n")


def without_search(project: Path) -> None:
    config = project / "briefings.toml"
    config.write_text("search = false\n" + config.read_text())


@pytest.mark.parametrize("search", [False, True])
def test_an_edit_moves_the_changed_files_into_site_in_place(
    example: Path, tmp_path: Path, search: bool
) -> None:
    """After an edit, site/ is not staged anew (hard links to every file, seconds on a large
    site): the folder stays, only the changed files are replaced (with search on, the index
    shards of the pages changed: before the pages move), and it is a clean build's."""
    if not search:
        without_search(example)
    build_site(load_config(example))
    site = example / "site"
    before, folder = snapshot(site), site.stat().st_ino
    add_correction(example)
    build_site(load_config(example))
    after = snapshot(site)
    assert site.stat().st_ino == folder
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed and len(changed) * 2 < len(after)
    assert any(p.startswith("pagefind/") for p in changed) == search
    assert tree(site) == clean_build(example, tmp_path)
    assert not [p.name for p in example.iterdir() if p.name.startswith(".site")]


def test_an_edit_whose_search_index_fails_leaves_site_as_it_was(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(load_config(example))
    before = snapshot(example / "site")
    add_correction(example)

    def broken(*args: object) -> None:
        raise BriefingsError("search indexing failed: pagefind crashed")

    monkeypatch.setattr(search, "_index_shard", broken)
    with pytest.raises(BriefingsError, match="search indexing failed"):
        build_site(load_config(example))
    assert snapshot(example / "site") == before  # neither the pages nor the index moved
    assert not [p.name for p in example.iterdir() if p.name.startswith(".site")]


def test_a_large_change_stages_a_whole_new_site(example: Path, tmp_path: Path) -> None:
    """A new title changes every page: the new site/ is written beside the old and swapped in
    whole."""
    without_search(example)
    build_site(load_config(example))
    folder = (example / "site").stat().st_ino
    edit_config(example)
    build_site(load_config(example))
    assert (example / "site").stat().st_ino != folder
    assert tree(example / "site") == clean_build(example, tmp_path)


class _Payload:
    """A pickle that, when read, writes a file: what a hostile cache would carry."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (Path.write_text, (self.target, "code ran"))


def test_a_cache_from_elsewhere_runs_no_code(example: Path, tmp_path: Path) -> None:
    import pickle

    build_site(load_config(example))
    proof = tmp_path / "proof"
    # As found in a checked-out repository or an unpacked archive: a pickle where the cache is.
    (example / CACHE_FILE).write_bytes(pickle.dumps(_Payload(proof)))
    edit_article(example)
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert not proof.exists()
    assert any("Build cache ignored" in m and "signed" in m for m in messages)
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_cache_signed_with_another_key_is_not_read(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFINGS_KEY_DIR", str(tmp_path / "someone-else"))
    build_site(load_config(example))  # signed with someone else's key
    monkeypatch.setenv("BRIEFINGS_KEY_DIR", str(tmp_path / "mine"))
    edit_article(example)
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert any("signature does not hold" in m for m in messages)
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_even_a_signed_cache_can_only_make_data(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the key ever to leak, a cache signed with it still could not run code: what it
    names is checked against the data types a cache holds before it is looked up."""
    import pickle

    from briefings.build import state

    build_site(load_config(example))
    proof = tmp_path / "proof"
    real = state._dump_parts

    def with_payload(handle, parts, shared_groups, *types) -> None:  # signed, payload inside
        if len(parts) == shared_groups:  # the related index's file: see the next test
            return real(handle, parts, shared_groups, *types)
        real(handle, [*parts[:-1], _Payload(proof)], shared_groups, *types)

    monkeypatch.setattr(state, "_dump_parts", with_payload)
    edit_article(example)
    build_site(load_config(example))
    monkeypatch.setattr(state, "_dump_parts", real)
    assert b"write_text" in (example / CACHE_FILE).read_bytes()
    edit_article(example)
    (example / ARTICLE).write_text((example / ARTICLE).read_text() + "\nMore.\n")
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert not proof.exists()
    assert any("Build cache ignored" in m and "pathlib.Path.write_text" in m for m in messages), (
        messages
    )
    assert tree(example / "site") == clean_build(example, tmp_path)
    pickle.loads(pickle.dumps(_Payload(tmp_path / "direct")))  # read by plain pickle...
    assert (tmp_path / "direct").read_text() == "code ran"  # ...the same payload runs


def test_a_signed_related_index_can_only_make_data_either(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The related index is kept in a file of its own, read when an edit needs it: the same
    checks hold there, and a build that cannot read it relates every article again."""
    from briefings.build import state

    build_site(load_config(example))
    proof = tmp_path / "proof"
    real = state._dump_parts

    def with_payload(handle, parts, shared_groups, *types) -> None:
        if len(parts) == shared_groups:  # the index's file: its vectors, then the index
            return real(handle, [parts[0], [_Payload(proof)]], shared_groups, *types)
        real(handle, parts, shared_groups, *types)

    monkeypatch.setattr(state, "_dump_parts", with_payload)
    edit_article(example)
    build_site(load_config(example), fresh=True)  # a new cache, with a new index file
    monkeypatch.setattr(state, "_dump_parts", real)
    (stored,) = (example / state.CACHE_DIR).glob(state.INDEX_GLOB)
    assert b"write_text" in stored.read_bytes()
    (example / ARTICLE).write_text(
        (example / ARTICLE).read_text().replace("hundreds of cached drones", "many drones")
    )  # the lead: the index is needed
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert not proof.exists()
    assert any("Related index in the build cache ignored" in m for m in messages), messages
    assert tree(example / "site") == clean_build(example, tmp_path)


@pytest.mark.parametrize("at", [0.3, 0.6, 0.9])
def test_one_changed_byte_in_the_cache_is_caught(example: Path, tmp_path: Path, at: float) -> None:
    build_site(load_config(example))
    cache = example / CACHE_FILE
    data = bytearray(cache.read_bytes())
    data[int(len(data) * at)] ^= 0x01  # a single bit, same length: silent corruption before
    cache.write_bytes(bytes(data))
    edit_article(example)
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert any("Build cache ignored" in m for m in messages)
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_a_cache_that_cannot_be_saved_is_a_warning_not_a_failed_build(example: Path) -> None:
    build_site(load_config(example))
    cache_folder = (example / CACHE_FILE).parent
    shutil.rmtree(cache_folder)
    cache_folder.write_text("not a folder")  # saving the cache fails, even as root
    edit_article(example)
    result = CliRunner().invoke(cli, ["build", "-C", str(example)])
    assert result.exit_code == 0, result.output
    assert "cache not saved" in result.output
    assert (
        "hundreds of cached drones"
        in (
            example
            / "site/articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/index.html"
        ).read_text()
    )


def test_links_come_back_from_the_cache_as_they_were() -> None:
    import pickle

    from briefings.site.views import Link

    for why in [(), ("Iran",), ("Iran", "drone plant"), ("",), ("a\x1fb",)]:
        link = Link(entry=None, why=why, later=True)  # type: ignore[arg-type]
        assert pickle.loads(pickle.dumps(link)) == link


def _build_in_new_process(project: Path) -> set[str]:
    """Build PROJECT with `briefings build` in a process of its own; the modules it loaded."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path\n"
        "from briefings.commands.build import build_site\n"
        "from briefings.config import load_config\n"
        f"build_site(load_config(Path({str(project)!r})))\n"
        "print(' '.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return set(done.stdout.split())


def test_an_edit_in_a_new_process_needs_no_word_frequencies_for_words_the_site_had(
    example: Path, tmp_path: Path
) -> None:
    """What wordfreq said of each word is kept with the related index: an edit that brings
    no new word does not load it (0.25-0.35 s a build); a new word does, and both builds
    equal a fresh build."""
    build_site(load_config(example))
    path = example / ARTICLE
    lead = "The White House said the military cooperation between Moscow and Tehran."
    path.write_text(path.read_text().replace("\n\n", f"\n\n{lead}\n\n", 1))
    assert "wordfreq" not in _build_in_new_process(example)
    assert tree(example / "site") == clean_build(example, tmp_path)
    path.write_text(path.read_text().replace(lead, "Zorblaxian quintessentials overwhelm."))
    assert "wordfreq" in _build_in_new_process(example)
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_an_edit_in_a_new_process_never_imports_scipy(example: Path, tmp_path: Path) -> None:
    """A line added at the end of an article (its lead unchanged) relates nothing: the related
    index read back from the cache keeps its vectors as arrays, and scipy (a tenth of such a
    build's time to import) is not loaded. An edit of the lead relates again, its few products
    gathered with numpy: scipy is not loaded either. Both builds equal a fresh one."""
    path = example / ARTICLE
    more = "".join(f"\n\nParagraph {n} of the report goes on about the plant." for n in range(80))
    path.write_text(path.read_text().rstrip("\n") + more + "\n")  # longer than its lead
    build_site(load_config(example))
    path.write_text(path.read_text().rstrip("\n") + "\n\nA line added at the end.\n")
    assert not any(m.startswith("scipy") for m in _build_in_new_process(example))
    assert tree(example / "site") == clean_build(example, tmp_path)
    lead = "Iran and Russia opened a drone plant in Alabuga, officials said on Monday."
    path.write_text(path.read_text().replace("\n\n", f"\n\n{lead}\n\n", 1))
    assert not any(m.startswith("scipy") for m in _build_in_new_process(example))
    assert tree(example / "site") == clean_build(example, tmp_path)


def test_an_edit_below_the_lead_never_reads_the_related_index(
    example: Path, tmp_path: Path
) -> None:
    from briefings.build import state

    words = " ".join(f"word{i}" for i in range(600))  # past the lead that relating reads
    long = example / "content/articles/long.md"
    write(long, f"---\ntitle: A long one\ndate: 2025-04-14\nsource: Wire\n---\n{words}\n")
    build_site(load_config(example))
    (stored,) = (example / state.CACHE_DIR).glob(state.INDEX_GLOB)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01  # read, it fails its signature and says so
    stored.write_bytes(bytes(data))
    long.write_text(long.read_text() + "\nA line added at the end.\n")
    messages: list[str] = []
    build_site(load_config(example), log=messages.append)
    assert not any("Related index" in m for m in messages), messages
    assert (
        "A line added at the end." in (example / "site/articles/a-long-one/index.html").read_text()
    )
    assert tree(example / "site") == clean_build(example, tmp_path)
    edit_article(example)  # in the lead: now the index is needed, and found damaged
    build_site(load_config(example), log=messages.append)
    assert any("Related index in the build cache ignored" in m for m in messages), messages
    assert tree(example / "site") == clean_build(example, tmp_path)


IMPORTS_NUMPY = (
    "import sys; from briefings.cli import cli\n"
    "cli.main(['build', '-C', sys.argv[1]], standalone_mode=False)\n"
    "print('numpy' in sys.modules)\n"
)


def test_a_build_that_relates_nothing_never_loads_numpy(example: Path) -> None:
    """~70 ms of every edit below a lead and of every build with nothing to do (numpy is for
    relating: the cache's relations and the pages are plain Python)."""
    words = " ".join(f"word{i}" for i in range(600))
    long = example / "content/articles/long.md"
    write(long, f"---\ntitle: A long one\ndate: 2025-04-14\nsource: Wire\n---\n{words}\n")
    build_site(load_config(example))

    def numpy_loaded() -> bool:
        run = subprocess.run(
            [sys.executable, "-c", IMPORTS_NUMPY, str(example)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return run.stdout.splitlines()[-1] == "True"

    long.write_text(long.read_text() + "\nA line added at the end.\n")
    assert not numpy_loaded()  # an edit below the lead
    assert not numpy_loaded()  # nothing changed
    edit_article(example)
    assert numpy_loaded()  # an edit in a lead relates again


def test_a_related_index_gone_before_the_save_costs_the_cache_never_the_build(
    example: Path, tmp_path: Path
) -> None:
    """Another build's save removes the index files it does not name: a build that never read
    its own (an edit below a lead) then cannot keep it. The site is built all the same, the
    cache is not saved (said), and the next build starts from scratch, right."""
    from briefings.build import state

    build_site(load_config(example))
    config = load_config(example)
    builder = state.load_builder(config, print)
    for stored in (example / state.CACHE_DIR).glob(state.INDEX_GLOB):
        stored.unlink()
    assert builder.rebuild().error is None
    with pytest.raises(OSError, match="related index"):
        state.save_builder(builder, config)
    messages: list[str] = []
    edit_article(example)
    build_site(load_config(example), log=messages.append)
    assert any("Build cache ignored" in m for m in messages), messages
    assert tree(example / "site") == clean_build(example, tmp_path)
