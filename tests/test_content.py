import random
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefings.content.load import load_content
from briefings.errors import ContentError
from tests.conftest import article_text, write

UTC = ZoneInfo("UTC")


def load(project: Path, tz: ZoneInfo = UTC):
    return load_content(project / "content", tz, project)


def problems_of(project: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(project)
    return [str(p) for p in caught.value.problems]


def test_article_fields_are_loaded(project: Path) -> None:
    write(
        project / "content/articles/a.md",
        """
        ---
        title: Drones over Kyiv
        date: 2025-04-14T15:45:07
        source: MarketLink
        url: https://example.org/story
        authors: [Ann Writer, Bo Reporter]
        tags: [Iran, Russia, Iran]
        dateline: ERBIL, Kurdistan Region
        image: {caption: A factory, credit: AFP}
        note: Why it *matters*.
        ingested_from: 003.txt
        ---
        First paragraph.
    """,
    )
    (article,) = load(project, ZoneInfo("Europe/Berlin")).articles
    assert article.slug == "drones-over-kyiv"
    assert article.date.isoformat() == "2025-04-14T15:45:07+02:00"  # naive: the site's zone
    assert article.authors == ("Ann Writer", "Bo Reporter")
    assert article.tags == ("Iran", "Russia")
    assert article.image is not None and article.image.credit == "AFP"
    assert article.extra == {"ingested_from": "003.txt"}
    assert article.body == "First paragraph."


def test_drafts_are_left_out(project: Path, add_article: Callable[..., Path]) -> None:
    add_article("a.md", title="Published")
    add_article("b.md", title="Not yet", draft="true")
    assert [a.title for a in load(project).articles] == ["Published"]


def test_without_edition_files_each_day_is_an_edition(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("a.md", title="One", date="2025-04-14T09:00")
    add_article("b.md", title="Two", date="2025-04-14T18:00")
    add_article("c.md", title="Three", date="2025-04-15")
    editions = load(project).editions
    assert [e.slug for e in editions] == ["2025-04-15", "2025-04-14"]
    assert editions[1].slugs == ("two", "one")


def test_invalid_yaml_reports_file_and_line(project: Path) -> None:
    write(
        project / "content/articles/bad.md",
        "---\ntitle: ok\ndate: [unclosed\nsource: x\n---\nbody\n",
    )
    (problem,) = problems_of(project)
    assert problem.startswith("content/articles/bad.md:4: invalid YAML")
    assert "quote values" in problem  # what to do


def test_a_colon_in_an_unquoted_value_says_to_quote_it(project: Path) -> None:
    write(
        project / "content/articles/note.md",
        "---\ntitle: ok\ndate: 2025-01-01\nsource: x\nnote: Why: it matters\n---\nbody\n",
    )
    (problem,) = problems_of(project)
    assert problem.startswith("content/articles/note.md:5: invalid YAML: mapping values")
    assert 'put the value in quotes: note: "Why: ..."' in problem


def test_missing_required_field(project: Path) -> None:
    write(project / "content/articles/a.md", "---\ntitle: No source\ndate: 2025-01-01\n---\nbody\n")
    assert problems_of(project) == [
        "content/articles/a.md: source: required field is missing (add 'source: ...' to the front matter)"
    ]


def test_titles_giving_one_slug_make_distinct_slugs_and_say_so(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("one.md", title="Same Title", date="2025-05-01")
    add_article("two.md", title="Same title!", date="2025-05-02")
    add_article("three.md", title="Same title?", date="2025-05-03", slug="same-title")
    content = load_content(project / "content", ZoneInfo("UTC"), project)
    by_path = {a.path: a.slug for a in content.articles}
    # the explicit slug keeps its name; the derived ones move aside, the earlier first
    assert by_path == {
        "content/articles/three.md": "same-title",
        "content/articles/one.md": "same-title-2",
        "content/articles/two.md": "same-title-3",
    }
    assert len(content.notes) == 2 and "published as 'same-title-2'" in content.notes[0]


def test_impossible_date(project: Path, add_article: Callable[..., Path]) -> None:
    add_article("a.md", date="2025-02-31")
    (problem,) = problems_of(project)
    assert problem.startswith("content/articles/a.md:3: date: '2025-02-31' is not a valid date")
    assert "day is out of range for month" in problem


def test_duplicate_slugs_name_both_files(project: Path, add_article: Callable[..., Path]) -> None:
    add_article("one.md", title="Same Title", slug="same-title")
    add_article("two.md", title="Another title", slug="same-title")
    problems = problems_of(project)
    assert len(problems) == 2
    assert (
        "content/articles/one.md: slug: duplicate slug 'same-title', also used by content/articles/two.md"
        in problems[0]
    )
    assert (
        "content/articles/two.md: slug: duplicate slug 'same-title', also used by content/articles/one.md"
        in problems[1]
    )


def test_a_build_keeps_the_first_of_a_duplicate_slug_and_leaves_the_others_out(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("newer.md", title="Newer", slug="same", date="2025-04-15")
    add_article("older.md", title="Older", slug="same", date="2025-04-14")
    add_article("draft.md", title="Draft", slug="same", date="2025-01-01", draft="true")
    content = load_content(project / "content", UTC, project, leave_out=True)
    assert [a.title for a in content.articles] == ["Older"]  # its address stays
    assert sorted(path for path, _ in content.left_out) == [
        "content/articles/draft.md",
        "content/articles/newer.md",
    ]
    assert "duplicate slug 'same': content/articles/older.md has it" in content.left_out[0][1]


def test_non_utf8_file(project: Path) -> None:
    write(project / "content/articles/latin1.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    (problem,) = problems_of(project)
    assert (
        problem
        == "content/articles/latin1.md:2: not valid UTF-8 (byte 0xe9) (save the file as UTF-8)"
    )


def test_empty_file(project: Path) -> None:
    write(project / "content/articles/empty.md", b"  \n")
    assert problems_of(project) == [
        "content/articles/empty.md: file is empty (add front matter or delete it)"
    ]


def test_binary_file(project: Path) -> None:
    write(project / "content/articles/photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert problems_of(project) == [
        "content/articles/photo.md: binary file, not Markdown (move it out of content/)"
    ]


def test_python_yaml_tags_are_rejected_never_executed(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write(
        project / "content/articles/evil.md",
        f"""
        ---
        title: !!python/object/apply:os.system ["touch {marker}"]
        date: 2025-01-01
        source: x
        ---
        body
    """,
    )
    (problem,) = problems_of(project)
    assert problem.startswith("content/articles/evil.md:2: YAML tag")
    assert "!!python/object/apply:os.system" in problem and "is not allowed" in problem
    assert not marker.exists()


def laughs(levels: int, field: str) -> str:
    """Front matter whose FIELD is a "billion laughs": nine aliases of nine aliases of ... of
    nine strings, 9**LEVELS values in a few lines."""
    lines = [
        "title: Laughs",
        "date: 2025-01-01",
        "source: x",
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    lines.append(f"{field}: *a{levels - 1}")
    return "---\n" + "\n".join(lines) + "\n---\nbody\n"


def test_yaml_aliases_that_unfold_into_millions_are_a_problem_with_their_line(
    project: Path,
) -> None:
    write(project / "content/articles/laughs.md", laughs(9, "extra"))  # 387 million strings
    problems = problems_of(project)
    assert problems[0] == (
        "content/articles/laughs.md:9: a4: holds more than 10,000 values once its aliases are"
        " expanded (write the values out, without aliases (*name))"
    )


def test_an_alias_inside_its_own_anchor_or_deep_nesting_is_a_problem(project: Path) -> None:
    write(project / "content/articles/loop.md", article_text(loop="&a [1, *a]"))
    write(project / "content/articles/deep.md", article_text(deep="[" * 25 + "1" + "]" * 25))
    assert problems_of(project) == [
        "content/articles/deep.md:5: deep: nested more than 20 levels deep (front matter takes"
        " plain values and lists)",
        "content/articles/loop.md:5: loop: holds itself (an alias inside its own anchor) (write"
        " the values out, without aliases (*name))",
    ]


def test_a_few_aliases_are_fine(project: Path) -> None:
    write(project / "content/articles/a.md", laughs(2, "extra"))
    (article,) = load(project).articles
    assert article.extra["extra"] == [["lol"] * 9] * 9


def test_no_front_matter(project: Path) -> None:
    write(project / "content/articles/plain.md", "Just some text\n")
    (problem,) = problems_of(project)
    assert problem.startswith("content/articles/plain.md:1: no front matter")


def test_bad_field_types(project: Path) -> None:
    write(
        project / "content/articles/a.md",
        """
        ---
        title: T
        date: 2025-01-01
        source: S
        tags: {a: b}
        url: javascript:alert(1)
        draft: maybe
        ---
    """,
    )
    problems = problems_of(project)
    assert any(":5: tags: must be a list of text" in p for p in problems)
    assert any(":6: url: 'javascript:alert(1)' is not an http(s) URL" in p for p in problems)
    assert any(":7: draft: must be true or false" in p for p in problems)


def test_edition_naming_an_unknown_slug(project: Path, add_article: Callable[..., Path]) -> None:
    add_article("a.md", title="Known story")
    write(
        project / "content/editions/2025-04-14.md",
        """
        ---
        title: Monday
        date: 2025-04-14
        sections:
          - title: Top
            items:
              - known-story
              - no-such-story
        ---
        Intro.
    """,
    )
    (problem,) = problems_of(project)
    assert problem.startswith(
        "content/editions/2025-04-14.md:8: sections: item 'no-such-story' is not the slug of any article"
    )


def test_all_problems_are_reported_together(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("a.md", date="2025-13-01")
    write(project / "content/articles/b.md", b"")
    write(project / "content/articles/c.md", "---\ntitle: x\n---\n")
    problems = problems_of(project)
    assert [p.split(":")[0] for p in problems] == [
        "content/articles/a.md",
        "content/articles/b.md",
        "content/articles/c.md",
        "content/articles/c.md",
    ]


def test_editor_backup_files_are_ignored(project: Path, add_article: Callable[..., Path]) -> None:
    add_article("a.md")
    write(project / "content/articles/a.md~", "garbage")
    write(project / "content/articles/.#a.md", "garbage")
    assert len(load(project).articles) == 1


def outcome(load_it: Callable[[], object]) -> object:
    """What a load gives, comparable: the content, or the problems it reports."""
    try:
        content = load_it()
    except ContentError as exc:
        return sorted(str(p) for p in exc.problems)
    return content.articles, content.editions  # type: ignore[attr-defined]


def test_loads_told_what_changed_equal_fresh_loads(
    project: Path, add_article: Callable[..., Path]
) -> None:
    rng = random.Random(5)
    fields: dict[Path, dict[str, str]] = {}

    def put(path: Path, **changes: str) -> None:
        fields[path] = {**fields.get(path, {}), **changes}
        write(path, article_text(**fields[path]))

    folder = project / "content" / "articles"
    for n in range(16):
        put(folder / f"a{n:02d}.md", title=f"Article {n}", date=f"2025-04-{10 + n % 4}")
    cache: dict = {}
    load_content(project / "content", UTC, project, cache)
    for step in range(80):
        path = rng.choice(sorted(fields))
        action = rng.choice(["body", "date", "slug", "draft", "remove", "add", "edition"])
        touched = {path}
        if action == "body":
            put(path, body=f"Edited at step {step}.")
        elif action == "date":
            put(path, date=f"2025-04-{10 + rng.randrange(6)}")
        elif action == "slug":  # sometimes another article's: a duplicate, until edited away
            put(path, slug=rng.choice([f"custom-{step}", "article-1", "article-2"]))
        elif action == "draft":
            put(path, draft=rng.choice(["true", "false"]))
        elif action == "remove" and len(fields) > 4:
            path.unlink()
            del fields[path]
        elif action == "add":
            touched = {folder / f"new{step}.md"}
            put(folder / f"new{step}.md", title=f"New {step}", date="2025-04-12")
        else:
            edition = project / "content/editions/2025-04-12.md"
            touched = {edition}
            if edition.exists():
                edition.unlink()
            else:
                write(edition, "---\ntitle: E\ndate: 2025-04-12\nitems: [article-3]\n---\n")
        fresh = outcome(lambda: load(project))
        named = {str(p) for p in touched}
        told = outcome(lambda: load_content(project / "content", UTC, project, cache, named))  # noqa: B023
        assert told == fresh, f"step {step}: {action} {path.name}"


def test_an_edition_item_with_a_typo_gets_a_did_you_mean(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("a.md", title="Drone plant on the Volga")
    write(
        project / "content/editions/2025-04-14.md",
        "---\ntitle: Monday\ndate: 2025-04-14\nsections:\n  - title: Top\n    items: [drone-plant-on-the-volgа]\n---\n",
    )  # the last letter is Cyrillic
    (problem,) = problems_of(project)
    assert "did you mean 'drone-plant-on-the-volga'?" in problem


def test_an_edition_item_may_be_the_start_of_one_slug(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("a.md", title="Drone plant on the Volga is built with Iranian help")
    add_article("b.md", title="Drone strikes on Kyiv overnight")
    write(
        project / "content/editions/2025-04-14.md",
        "---\ntitle: Monday\ndate: 2025-04-14\nsections:\n  - title: Top\n"
        "    items: [drone-plant, drone-strikes-on]\n---\n",
    )
    (edition,) = load(project).editions
    assert edition.slugs == (
        "drone-plant-on-the-volga-is-built-with-iranian-help",
        "drone-strikes-on-kyiv-overnight",
    )
    write(
        project / "content/editions/2025-04-14.md",
        "---\ntitle: Monday\ndate: 2025-04-14\nsections:\n  - title: Top\n"
        "    items:\n      - drone\n---\n",
    )
    (problem,) = problems_of(project)
    assert ":7:" in problem and "item 'drone' is the start of 2 slugs" in problem
    assert "write more of the slug" in problem


def test_an_item_listed_twice_in_an_edition_is_a_problem(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("a.md", title="Known story")
    write(
        project / "content/editions/2025-04-14.md",
        "---\ntitle: Monday\ndate: 2025-04-14\nsections:\n  - title: Top\n    items: [known-story]\n"
        "  - title: Also\n    items: [known-story]\n---\n",
    )
    (problem,) = problems_of(project)
    assert "item 'known-story' is listed twice" in problem


def test_an_article_that_fails_to_load_is_not_also_an_unknown_edition_item(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("broken-story.md", title="Broken story", date="2025-02-31")
    write(
        project / "content/editions/2025-04-14.md",
        "---\ntitle: Monday\ndate: 2025-04-14\nsections:\n  - title: Top\n    items: [broken-story]\n---\n",
    )
    (problem,) = problems_of(project)  # the bad date, not a second, misleading problem
    assert "broken-story.md" in problem and "date" in problem


def test_many_files_are_read_on_every_core_with_the_same_articles_and_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefings.content import files
    from briefings.runtime import parallel
    from tests.conftest import counting_pool

    folder = tmp_path / "content"
    for i in range(30):
        write(folder / f"articles/a{i:02}.md", article_text(title=f"Story {i}", body=f"Text {i}."))
    write(folder / "articles/broken.md", "---\ntitle: [unclosed\n---\nBody\n")
    write(folder / "articles/no-date.md", "---\ntitle: No date\nsource: Outlet\n---\nBody\n")

    def load() -> tuple[list, list[str]]:
        cache: dict = {}
        with pytest.raises(ContentError) as failure:
            load_content(folder, ZoneInfo("UTC"), tmp_path, cache)
        # The cache keeps each file's item (with its stamp): what later builds start from.
        loaded = [v[1] for v in cache.values() if isinstance(v, tuple) and hasattr(v[1], "slug")]
        return sorted(loaded, key=lambda a: a.slug), [str(p) for p in failure.value.problems]

    here = load()
    monkeypatch.setattr(parallel, "may_fork", lambda: True)  # other tests leave idle threads
    used: list = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counting_pool(used))
    monkeypatch.setattr(files, "CHUNK", 4)
    monkeypatch.setattr(files, "PARALLEL_FROM", 10)
    there = load()
    assert used  # read in worker processes
    assert there == here and len(here[0]) == 30
    assert any("broken.md" in p for p in here[1]) and any("no-date.md" in p for p in here[1])
    # Each comes back with its Markdown held: not read (and parsed) again to be rendered.
    assert all(a.markdown._data == f"Text {a.title[6:]}.".encode() for a in there[0])
