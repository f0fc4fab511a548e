"""Rebuilds that plan only the pages an edit touches give exactly the site a fresh build gives."""

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from briefings.build import contexts, planning
from briefings.build.builder import SiteBuilder
from briefings.build.relate_stage import render_and_relate
from briefings.config import load_config
from briefings.content.load import load_content
from briefings.relate import Scored
from tests.conftest import FIXTURES, write

TAGS = ["Politics", "Space", "Sport", "Courts", "Tech"]


def lay_out(root: Path) -> list[Path]:
    """A project of real articles (several stories of several outlets), 3 per page."""
    write(root / "briefings.toml", 'title = "T"\nsearch = false\npage_size = 3\n')
    paths = []
    rows = [json.loads(line) for line in (FIXTURES / "clusters-small.jsonl").open()]
    for n, row in enumerate(rows):
        meta = {
            "title": row["title"],
            "date": row["date"][:10],
            "source": row["source"],
            "tags": TAGS[n % 3 : n % 3 + 2],
        }
        front = yaml.safe_dump(meta, allow_unicode=True)
        paths.append(
            write(root / f"content/articles/a{n:02d}.md", f"---\n{front}---\n{row['text']}\n")
        )
    return paths


def fresh_outputs(root: Path, tmp_path: Path) -> dict[str, bytes]:
    copy = tmp_path / "fresh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", ".briefings", ".site.*"))
    builder = SiteBuilder(copy)
    assert builder.rebuild().error is None
    return builder.outputs


def edit_body(path: Path, rng: random.Random, others: list[Path]) -> None:
    head, body = path.read_text().split("---\n", 2)[1:]
    if rng.random() < 0.5:
        body = body.replace(".", ". Officials confirmed it.", 1)
    else:  # now reads like another story: its lists and story links change
        body = others[rng.randrange(len(others))].read_text().split("---\n", 2)[2]
    path.write_text(f"---\n{head}---\n{body}")


def edit_front(path: Path, rng: random.Random, field: str = "") -> None:
    head, body = path.read_text().split("---\n", 2)[1:]
    meta = yaml.safe_load(head)
    field = field or rng.choice(["title", "tags", "date", "summary"])
    meta[field] = {
        "title": meta["title"] + " (updated)",
        "tags": ["Weather"],
        "date": "2018-01-01",
        "summary": "A summary an editor wrote.",
    }[field]
    path.write_text(f"---\n{yaml.safe_dump(meta)}---\n{body}")


def test_edits_rebuild_exactly_what_a_fresh_build_gives(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    assert builder.rebuild().error is None
    rng = random.Random(5)
    partial = 0
    for step in range(16):
        path = paths[rng.randrange(len(paths))]
        if step % 8 == 7:  # a new article, then one gone: the structure changes
            head, body = path.read_text().split("---\n", 2)[1:]
            meta = yaml.safe_load(head) | {"title": f"Another look, take {step}"}
            path = write(
                root / f"content/articles/new{step}.md", f"---\n{yaml.safe_dump(meta)}---\n{body}"
            )
            paths.append(path)
        elif step % 8 == 5:
            paths.remove(path)
            path.unlink()
        elif step % 4 == 3:
            edit_front(path, rng)
        else:
            edit_body(path, rng, paths)
        result = builder.rebuild([path])
        assert result.error is None
        partial += not builder._plan.anew
        # What the plan says each article shows on, however it was planned, is what is there.
        assert builder._plan.showing == planning._showing(builder._plan.pages), f"step {step}"
        assert builder.outputs == fresh_outputs(root, tmp_path), f"step {step}"
    assert partial >= 5  # most text edits took the short path


@pytest.mark.parametrize("field", ["title", "tags", "date"])
def test_an_edit_that_moves_an_article_plans_the_site_anew(tmp_path: Path, field: str) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    assert builder.rebuild().error is None
    edit_front(paths[4], random.Random(), field)
    assert builder.rebuild([paths[4]]).error is None
    assert builder._plan.anew
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_what_a_rebuild_that_failed_to_render_related_reaches_the_next(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    assert builder.rebuild().error is None
    broken = '{% extends "base.html" %}\n{% block main %}{{ entry.nope.deeper }}{% endblock %}\n'
    template = write(root / "templates/article.html", broken)
    head, body = paths[0].read_text().split("---\n", 2)[1:]
    other = paths[1].read_text().split("---\n", 2)[2].split(". ")[0]
    paths[0].write_text(f"---\n{head}---\n{other}. {body}")  # other articles' lists change
    assert builder.rebuild([paths[0], template]).error is not None  # after relating
    template.unlink()
    assert builder.rebuild([template]).error is None
    assert not builder._plan.anew  # the short path, from the last good plan
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_a_text_edit_renders_only_pages_that_show_the_article(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    builder.rebuild()
    pages = len(builder.outputs)
    head, body = paths[7].read_text().split("---\n", 2)[1:]
    paths[7].write_text(f"---\n{head}---\n{body.replace('.', '. A late correction.', 1)}")
    result = builder.rebuild([paths[7]])
    assert not builder._plan.anew  # the short path
    assert 0 < result.rendered < pages / 4
    showing = [p for p, data in builder.outputs.items() if b"A late correction." in data]
    assert any(p.startswith("articles/") for p in showing)


def test_an_article_whose_related_list_changed_is_planned_again(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    lay_out(root)
    config = load_config(root)
    content = load_content(config.content_dir, config.tz, root)
    texts, relations = render_and_relate(config, content)
    last = planning.plan(config, content, texts, relations, None)
    a, b = content.articles[0].slug, content.articles[-1].slug
    assert a not in {s.slug for s in relations.related[b]}
    related = dict(relations.related) | {b: (Scored(a, 0.5), *relations.related[b])}
    now = planning.plan(config, content, texts, replace(relations, related=related), last)
    assert not now.anew  # the short path: same structure
    (page,) = [i for i in now.changed if now.pages[i].path == f"articles/{b}/"]
    assert now.pages[page].context["related"][0].entry.article.slug == a
    assert page in now.showing[a]  # and a later edit of A plans B's page again


def test_an_edit_below_the_excerpt_renders_only_pages_that_read_it(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    builder.rebuild()
    (slug,) = [s for s, e in builder._plan.entries.items() if e.article.path.endswith("a07.md")]
    listing = [p for p, data in builder.outputs.items() if f"/{slug}/".encode() in data]
    paths[7].write_text(paths[7].read_text().rstrip("\n") + "\n\nA line added at the end.\n")
    result = builder.rebuild([paths[7]])
    assert not builder._plan.anew  # the short path
    assert result.rendered < len(listing)  # listings read only the excerpt, which is the same
    assert result.rendered == len(result.written)  # every page rendered again had changed
    assert f"articles/{slug}/index.html" in result.written
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_a_template_that_shows_more_is_rendered_again_for_more(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    macros = (Path(__file__).parents[1] / "templates" / "_macros.html").read_text()
    listing_body = macros.replace("{{ entry.text.excerpt }}", "{{ entry.text.body_html }}")
    assert listing_body != macros
    write(root / "templates" / "_macros.html", listing_body)
    builder = SiteBuilder(root)
    builder.rebuild()
    paths[7].write_text(paths[7].read_text().rstrip("\n") + "\n\nA line added at the end.\n")
    result = builder.rebuild([paths[7]])
    assert any(p.startswith("topics/") and p.endswith(".html") for p in result.written)
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_a_rebuild_told_what_changed_reads_only_that(tmp_path: Path, monkeypatch) -> None:
    from briefings.content import files as content

    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    builder.rebuild()
    stats = []
    real_stat = content.os.stat
    monkeypatch.setattr(content.os, "stat", lambda p, *a, **k: stats.append(p) or real_stat(p))
    monkeypatch.setattr(content, "_markdown_files", lambda folder: 1 / 0)  # no walk either
    paths[3].write_text(paths[3].read_text().rstrip("\n") + "\n\nA late paragraph.\n")
    head, body = paths[4].read_text().split("---\n", 2)[1:]
    meta = yaml.safe_load(head) | {"title": "A new article"}
    added = write(root / "content/articles/zz.md", f"---\n{yaml.safe_dump(meta)}---\n{body}")
    paths[5].unlink()
    result = builder.rebuild([paths[3], added, paths[5]])
    assert result.error is None
    looked_at = {str(p) for p in stats if str(p).endswith(".md")}
    assert looked_at == {str(paths[3]), str(added), str(paths[5])}  # the others: not even stat
    monkeypatch.undo()
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_after_a_failed_rebuild_everything_is_looked_at(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    paths = lay_out(root)
    builder = SiteBuilder(root)
    builder.rebuild()
    good = paths[2].read_text()
    paths[2].write_text("---\ntitle: [unclosed\n---\nBody.\n")
    assert builder.rebuild([paths[2]]).error is not None
    paths[2].write_text(good)
    paths[6].write_text(paths[6].read_text().rstrip("\n") + "\n\nAn edit nobody reported.\n")
    assert builder.rebuild([paths[2]]).error is None
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_pages_rendered_in_worker_processes_are_those_rendered_here(
    tmp_path: Path, monkeypatch
) -> None:
    from briefings.render import renderer as render
    from briefings.runtime import parallel
    from tests.conftest import counting_pool

    root = tmp_path / "proj"
    lay_out(root)
    here = SiteBuilder(root)
    here.rebuild()
    monkeypatch.setattr(parallel, "may_fork", lambda: True)  # other tests leave idle threads
    used: list = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counting_pool(used))
    monkeypatch.setattr(render, "RENDER_CHUNK", 10)
    monkeypatch.setattr(render, "RENDER_PARALLEL_FROM", 20)
    there = SiteBuilder(root)
    assert there.rebuild().error is None
    assert used  # the pages were rendered in worker processes
    assert there.outputs == here.outputs
    assert there._reads == here._reads  # what each page read came back too
    # and the signatures the workers made, kept for the next rebuild as a serial build keeps them
    assert sorted(there._signatures.values()) == sorted(here._signatures.values())
    assert here._signatures
    write(
        root / "templates/topic.html",
        "{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}",
    )
    failed = SiteBuilder(root).rebuild().error
    assert failed is not None and "templates/topic.html:1" in str(failed)


def test_a_one_shot_build_writes_pages_from_the_workers_that_render_them(
    tmp_path: Path, monkeypatch
) -> None:
    from briefings.build import output
    from briefings.render import renderer as render
    from briefings.runtime import parallel
    from tests.conftest import counting_pool
    from tests.sitecheck import snapshot

    root = tmp_path / "proj"
    lay_out(root)
    here = SiteBuilder(root)  # in memory, one process
    here.rebuild()
    files = {path: data for path, (data, _) in snapshot(root / "site").items()}
    shutil.rmtree(root / "site")
    monkeypatch.setattr(parallel, "may_fork", lambda: True)  # other tests leave idle threads
    used: list = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counting_pool(used))
    monkeypatch.setattr(render, "RENDER_CHUNK", 10)
    monkeypatch.setattr(render, "RENDER_PARALLEL_FROM", 20)
    there = SiteBuilder(root, config=load_config(root))  # one-shot, as `briefings build`
    assert there.rebuild().error is None
    assert used
    assert {path: data for path, (data, _) in snapshot(root / "site").items()} == files
    assert all(type(data) is output.Stored for data in there.outputs.values())  # not held
    assert {p: output.digest_of(d) for p, d in here.outputs.items()} == {
        p: d.digest for p, d in there.outputs.items()
    }
    assert here._reads and there._reads == here._reads  # sent back by the workers, kept

    before = snapshot(root / "site")
    write(
        root / "templates/topic.html",
        "{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}",
    )
    failed = SiteBuilder(root, config=load_config(root)).rebuild().error
    assert failed is not None and "templates/topic.html:1" in str(failed)
    assert snapshot(root / "site") == before  # the pages written so far went with the staging
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def test_new_related_settings_relate_everything_anew(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    lay_out(root)
    builder = SiteBuilder(root)
    assert builder.rebuild().error is None
    config = root / "briefings.toml"
    config.write_text(config.read_text() + "\n[related]\nrelated_count = 2\n")
    assert builder.rebuild([config]).error is None
    assert builder.outputs == fresh_outputs(root, tmp_path)


def test_an_article_page_holds_its_own_links_not_the_articles_of_its_editions(
    tmp_path: Path,
) -> None:
    """An article page names its editions; holding their articles would make every edit of an
    edition-mate swap into, and be checked on, the page (hundreds per article at 10k)."""
    root = tmp_path / "project"
    lay_out(root)
    builder = SiteBuilder(root)
    assert builder.rebuild().error is None
    plan = builder._plan
    assert plan is not None and plan.relations is not None
    articles = [p for p in plan.pages if p.template == "article.html"]
    assert articles and any(p.context["editions"] for p in articles)
    for page in articles:
        slug = page.context["entry"].article.slug
        story = plan.relations.story_of[slug].articles
        linked = [s.slug for s in (*plan.relations.same_story[slug], *plan.relations.related[slug])]
        held = set(contexts.slugs_in(page.context, {}))
        assert held <= {slug, *story, *linked}


def test_a_guessed_title_dropped_from_front_matter_renames_its_story_as_fresh(
    tmp_path: Path,
) -> None:
    root = tmp_path / "proj"
    lay_out(root)
    builder = SiteBuilder(root)
    assert builder.rebuild().error is None
    story = next(s for s in builder._plan.relations.stories if s.is_multi)
    (path,) = (a.path for a in builder._plan.content.articles if a.slug == story.central)
    first = root / path
    for guessed in ("guessed: [title]\n", ""):
        head, body = first.read_text().split("---\n", 2)[1:]
        head = "".join(line + "\n" for line in head.splitlines() if not line.startswith("guessed"))
        first.write_text(f"---\n{head}{guessed}---\n{body}")
        assert builder.rebuild([first]).error is None
        renamed = builder._plan.relations.story_of[story.central]
        assert (renamed.title == story.title) == (guessed == "")
        assert builder.outputs == fresh_outputs(root, tmp_path)
