import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from briefings.build import output, search
from briefings.build.builder import SiteBuilder
from briefings.commands.build import build_site
from briefings.config import load_config
from briefings.content.load import load_content
from briefings.errors import BriefingsError, ConfigError, ContentError, TemplateError
from briefings.site.links import find_broken_links
from tests.conftest import set_config, write
from tests.sitecheck import crawl, serve_under, snapshot

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ARTICLES = [
    "articles/iran-helping-russia-build-plant-to-manufacture-drones-for-likely-use-in-ukraine/index.html",
    "articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/index.html",
]


def build(root: Path):
    return build_site(load_config(root))


def test_example_builds_every_kind_of_page(example: Path) -> None:
    result = build(example)
    site = example / "site"
    for page in [
        "index.html",
        *ARTICLES,
        "editions/2025-04-14/index.html",
        "editions/index.html",
        "topics/index.html",
        "topics/iran/index.html",
        "topics/white-house/index.html",
        "sources/index.html",
        "sources/marketlink/index.html",
        "sources/rudaw/index.html",
        "archive/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "static/style.css",
    ]:
        assert (site / page).is_file(), page
    written = [
        p
        for p in site.rglob("*")
        if p.is_file() and p.parts[-2] not in ("static",) and "pagefind" not in p.parts
    ]
    assert result.pages == len(written)
    shards = json.loads((site / "pagefind" / search.SHARDS_FILE).read_text())
    assert shards and all((site / "pagefind" / s / "pagefind.js").is_file() for s in shards)
    assert (site / "search/index.html").is_file()
    home = (site / "index.html").read_text()
    assert "A drone factory on the Volga" in home and "MarketLink" in home and "Rudaw" in home


def test_curator_note_is_shown_as_why_it_matters(project: Path, add_article) -> None:
    add_article("a.md", title="Noted", note='"Because **it** matters."')
    build(project)
    page = (project / "site/articles/noted/index.html").read_text()
    assert "Why it matters" in page and "Because <strong>it</strong> matters." in page


def test_article_page_shows_everything_the_editor_gave(example: Path) -> None:
    build(example)
    page = (example / "site" / ARTICLES[1]).read_text()
    assert (
        "<h1>The White House on Friday said the military cooperation between Moscow and Tehran appears to be “deepening”</h1>"
        in page
    )
    assert 'class="dateline">ERBIL, Kurdistan Region<' in page
    # the page had a caption but no picture: ingest keeps no caption without its image
    assert "This image, provided by MAXAR" not in page
    assert page.count("Russia has offered Iran billions of dollars") == 1
    assert 'href="../../topics/white-house/"' in page


def test_every_internal_link_and_asset_resolves(example: Path) -> None:
    build(example)
    assert find_broken_links(example / "site", "http://127.0.0.1:8000/") == []


def test_site_works_served_under_a_sub_path(example: Path) -> None:
    set_config(example, base_url="https://user.github.io/sub/path/")
    build(example)
    site = example / "site"
    assert find_broken_links(site, "https://user.github.io/sub/path/") == []
    assert (
        '<link rel="canonical" href="https://user.github.io/sub/path/articles/'
        in (site / ARTICLES[0]).read_text()
    )
    assert 'href="/sub/path/static/style.css"' in (site / "404.html").read_text()
    with serve_under(site, "/sub/path/") as start:
        seen, broken = crawl(start)
    assert broken == []
    assert any(url.endswith("/sub/path/static/style.css") for url in seen)
    assert sum("/sub/path/articles/" in url for url in seen) == 2


def test_feed_is_atom_with_required_elements(example: Path) -> None:
    build(example)
    feed = ET.parse(example / "site" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://127.0.0.1:8000/articles/")
        assert entry.find(f"{ATOM}updated").text[:10] == "2025-04-14"
        assert entry.find(f"{ATOM}summary").text  # the outlets' text: a summary by default
        assert entry.find(f"{ATOM}content") is None
    config = example / "briefings.toml"
    config.write_text(config.read_text() + '\n[feeds]\ncontent = "full"\n')
    build(example)
    feed = ET.parse(example / "site" / "feed.xml").getroot()
    for entry in feed.findall(f"{ATOM}entry"):
        assert "<p>" in entry.find(f"{ATOM}content").text  # escaped HTML, parsed back


def test_sitemap_lists_every_page(example: Path) -> None:
    build(example)
    site = example / "site"
    listed = {loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    pages = {
        "http://127.0.0.1:8000/" + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in site.rglob("*.html")
        if p.name != "404.html" and "search" not in p.parts and "pagefind" not in p.parts
    }
    # articles/ shows the archive again, and names it the canonical page: only that is listed.
    pages.remove("http://127.0.0.1:8000/articles/")
    assert listed == pages
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (site / "robots.txt").read_text()


def test_failed_build_leaves_previous_site_byte_identical(example: Path) -> None:
    build(example)
    before = snapshot(example / "site")
    write(
        example / "content/editions/2025-04-15.md",
        "---\ntitle: Broken\ndate: 2025-02-31\nsections: []\n---\n",
    )
    with pytest.raises(ContentError, match=r"2025-04-15\.md:3: date"):
        build(example)
    assert snapshot(example / "site") == before
    assert sorted(p.name for p in example.iterdir()) == [
        ".briefings",
        "briefings.toml",
        "content",
        "site",
    ]


def test_an_edition_lists_the_others_when_one_of_its_articles_is_left_out(
    example: Path,
) -> None:
    rudaw = example / "content/articles" / Path(ARTICLES[1]).parent.name
    path = rudaw.with_suffix(".md")
    path.write_text(path.read_text().replace("date:", "date: 2025-02-31\nwhen:", 1))
    said: list[str] = []
    build_site(load_config(example), log=said.append)
    assert any(f"{path.name}:" in line and "2025-02-31" in line for line in said)
    edition = (example / "site/editions/2025-04-14/index.html").read_text()
    assert "Iran helping Russia build plant" in edition
    assert "The White House on Friday said" not in edition
    assert not (example / "site" / ARTICLES[1]).exists()


def test_an_edition_item_naming_a_left_out_article_by_its_slug_line_is_passed_over(
    example: Path,
) -> None:
    """The edition names the article by the slug its front matter gives, not by its file's
    name: that file's problem is said, and the edition built without it."""
    slug = Path(ARTICLES[1]).parent.name
    old = example / "content/articles" / f"{slug}.md"
    renamed = old.with_name("rudaw-copy.md")
    text = old.read_text().replace("date:", f"slug: '{slug}'\ndate: 2025-02-31\nwhen:", 1)
    renamed.write_text(text)
    old.unlink()
    said: list[str] = []
    build_site(load_config(example), log=said.append)
    assert any("rudaw-copy.md:" in line and "2025-02-31" in line for line in said)
    edition = (example / "site/editions/2025-04-14/index.html").read_text()
    assert "Iran helping Russia build plant" in edition
    assert "The White House on Friday said" not in edition
    # `check` fails on the file's problem, and does not add the item as a second one.
    config = load_config(example)
    with pytest.raises(ContentError) as caught:
        load_content(config.content_dir, config.tz, config.root)
    assert [p.path for p in caught.value.problems] == ["content/articles/rudaw-copy.md"]


def test_a_file_where_the_site_goes_is_never_replaced(example: Path) -> None:
    write(example / "site", "the editor's notes, saved as 'site' by mistake\n")
    with pytest.raises(BriefingsError, match="the output folder is a file"):
        build(example)
    assert (example / "site").read_text() == "the editor's notes, saved as 'site' by mistake\n"


def test_a_static_file_over_a_page_is_said(example: Path) -> None:
    write(example / "static/index.html", "<p>Our own landing page</p>\n")
    write(example / "static/CNAME", "news.example.org\n")  # no page of ours: nothing said
    said: list[str] = []
    build_site(load_config(example), log=said.append)
    assert (example / "site/index.html").read_text() == "<p>Our own landing page</p>\n"
    notes = [line for line in said if "static file" in line]
    assert notes == [
        "Note: a static file replaces the page the build makes at index.html (static/index.html)"
    ]


def test_template_error_names_file_and_line_and_keeps_site(example: Path) -> None:
    build(example)
    before = snapshot(example / "site")
    write(
        example / "templates/article.html",
        '{% extends "base.html" %}\n{% block main %}\n{{ entry.nope.deeper }}\n{% endblock %}\n',
    )
    with pytest.raises(TemplateError) as caught:
        build(example)
    assert "templates/article.html:3: UndefinedError" in str(caught.value)
    write(example / "templates/article.html", "{% if %}\n")
    with pytest.raises(TemplateError, match=r"templates/article.html:1: Expected an expression"):
        build(example)
    assert snapshot(example / "site") == before


def test_interrupted_build_leaves_site_and_no_debris(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(example)
    before = snapshot(example / "site")
    written = []

    def interrupt_after_three(path: Path, data: bytes) -> None:
        written.append(path)
        if len(written) > 3:
            raise KeyboardInterrupt
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr("briefings.build.output.write_file", interrupt_after_three)
    with pytest.raises(KeyboardInterrupt):
        build_site(load_config(example), use_cache=False)  # a clean build writes every file
    assert snapshot(example / "site") == before
    assert sorted(p.name for p in example.iterdir()) == [
        ".briefings",
        "briefings.toml",
        "content",
        "site",
    ]


def test_project_templates_override_the_theme_file_by_file(example: Path) -> None:
    write(example / "templates/404.html", "custom not found for {{ site.title }}\n")
    write(example / "templates/static/extra.css", "p{}\n")
    build(example)
    assert (example / "site/404.html").read_text() == "custom not found for The Drone Desk\n"
    assert (example / "site/static/extra.css").is_file() and (
        example / "site/static/style.css"
    ).is_file()
    assert "<h1>Iran helping Russia" in (example / "site" / ARTICLES[0]).read_text()


@pytest.mark.parametrize("where", ["body", "note"])
def test_hostile_article_never_reaches_a_page_raw(
    project: Path, add_article: Callable[..., Path], where: str
) -> None:
    attack = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    if where == "body":
        add_article("evil.md", title="Evil <b>title</b>", body=attack)
    else:
        add_article("evil.md", title="Evil", note=json.dumps(attack))
    build(project)
    for page in (project / "site").rglob("*.html"):
        html = page.read_text().lower()
        # The search page carries our own one script (over Pagefind); no other page has any.
        assert html.count("<script") == (1 if page.parent.name == "search" else 0), page
        assert "onerror" not in html and "javascript:" not in html, page
    feed = (project / "site/feed.xml").read_text().lower()
    assert "&lt;script" not in feed and "onerror" not in feed and "javascript:" not in feed


def test_empty_project_builds_a_welcoming_site(project: Path) -> None:
    result = build(project)
    assert "No articles yet" in (project / "site/index.html").read_text()
    assert result.pages >= 8


def test_long_listings_are_paginated(project: Path, add_article) -> None:
    path = project / "briefings.toml"
    path.write_text(path.read_text() + "page_size = 20\n")
    for n in range(45):
        add_article(
            f"a{n:02d}.md",
            title=f"Story number {n}",
            date=f"2025-04-{1 + n % 28:02d}",
            tags="[Iran]",
            body=" ".join(f"word{n}x{k}" for k in range(8)),  # no copies of each other
        )
    build(project)
    site = project / "site"
    pages = [
        site / "topics/iran/index.html",
        *(site / f"topics/iran/page/{n}/index.html" for n in (2, 3)),
    ]
    shown = [p.read_text().count('class="entry-title"') for p in pages]
    assert shown == [20, 20, 5]
    assert not (site / "topics/iran/page/4").exists()
    second = pages[1].read_text()
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../3/"' in second
    assert "Page 2 of 3" in second and "(page 2)" in second
    assert "Page 1 of" in pages[0].read_text() and 'rel="prev"' not in pages[0].read_text()
    month = site / "archive/2025-04/index.html"
    assert month.is_file() and (site / "archive/2025-04/page/3/index.html").is_file()
    assert 'href="2025-04/"' in (site / "archive/index.html").read_text()
    assert find_broken_links(site, "https://example.org/") == []


def test_articles_folder_lists_the_archive_and_names_the_archive_canonical(
    example: Path,
) -> None:
    build(example)
    site = example / "site"
    trimmed = (site / "articles/index.html").read_text()
    # A reader who trims an article's address finds the months, linked from where they are.
    assert 'href="../archive/2025-04/"' in trimmed
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', trimmed)
    assert canonical and canonical[1].endswith("/archive/")
    assert "/articles/</loc>" not in (site / "sitemap.xml").read_text()


def test_page_size_must_be_positive(project: Path) -> None:
    path = project / "briefings.toml"
    path.write_text(path.read_text() + "page_size = 0\n")
    with pytest.raises(ConfigError, match="page_size must be at least 1") as caught:
        load_config(project)
    assert caught.value.problems[0].line == 3


def test_long_indexes_of_editions_and_stories_are_paginated(project: Path, add_article) -> None:
    path = project / "briefings.toml"
    path.write_text(path.read_text() + "index_page_size = 4\n")
    events = [
        "Flooding closed the Severn crossing after torrential overnight rain",
        "Astronomers at Paranal catalogued a comet approaching Jupiter",
        "Dockworkers in Rotterdam walked out over automation plans",
        "A wildfire near Canberra forced farmers to evacuate livestock",
        "Chess grandmasters drew the opening game of the Madras final",
        "Beekeepers in Provence reported abundant lavender honey yields",
        "Volcanologists raised the alert level on Iceland's Katla",
        "A Lisbon tram derailment injured commuters near Alfama",
        "Archaeologists unearthed Roman mosaics beneath a Cologne car park",
        "Glaciologists measured record melting on the Rhone glacier",
    ]
    for day, event in enumerate(events, 1):  # ten days: ten editions, ten stories of two outlets
        for outlet in ("Daily One", "Daily Two"):
            add_article(
                f"{day:02d}-{outlet[-3:].lower()}.md",
                title=f"{event}, {outlet} reports",
                date=f"2025-04-{day:02d}",
                source=outlet,
                body=f"{event}. " * 4,
            )
    build(project)
    site = project / "site"
    editions = [
        site / "editions/index.html",
        site / "editions/page/2/index.html",
        site / "editions/page/3/index.html",
    ]
    assert [p.read_text().count('class="count"') for p in editions] == [4, 4, 2]
    assert not (site / "editions/page/4").exists()
    assert "2025-04-10" in editions[0].read_text() and "2025-04-01" in editions[2].read_text()
    stories = site / "stories/index.html"
    assert (
        stories.read_text().count('class="count"') == 4 and "Rhone glacier" in stories.read_text()
    )
    second = (site / "stories/page/2/index.html").read_text()
    assert "Stories (page 2)" in second and 'rel="prev" href="../../"' in second
    assert find_broken_links(site, "https://example.org/") == []


def test_index_page_size_must_be_positive(project: Path) -> None:
    path = project / "briefings.toml"
    path.write_text(path.read_text() + "index_page_size = 0\n")
    with pytest.raises(ConfigError, match="index_page_size must be at least 1"):
        load_config(project)


def test_while_serving_changed_pages_are_replaced_whole(example: Path) -> None:
    """A rebuild while serving renames each changed page over the old one (the server reads
    the old or the new, never half of one); unchanged pages are left alone."""
    builder = SiteBuilder(example)  # as briefings serve makes it
    assert builder.rebuild().error is None
    site = example / "site"
    inodes = {p: (site / p).stat().st_ino for p in builder.outputs}
    article = sorted((example / "content/articles").glob("*.md"))[0]
    article.write_text(article.read_text().rstrip("\n") + "\n\nA line added.\n")
    result = builder.rebuild([article])
    assert result.error is None and result.written
    for path, inode in inodes.items():
        now = (site / path).stat().st_ino
        assert (now != inode) == (path in result.written), path
    assert (site / result.written[0]).read_bytes() == builder.outputs[result.written[0]]
    assert not list(site.rglob(".*")) and not list(example.glob(".site.new-*"))
    join_search_runs()  # the edit re-indexes search beside serving


def test_a_process_killed_while_replacing_pages_leaves_nothing_in_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site / "a" / "index.html", "old")
    killed_at_rename = (
        "import os, signal; from pathlib import Path; from briefings.build import output; "
        "os.replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL); "
        f"output.replace_files(Path({str(site)!r}), {{'a/index.html': b'new'}})"
    )
    run = subprocess.run([sys.executable, "-c", killed_at_rename], check=False)
    assert run.returncode == -signal.SIGKILL
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == ["a", "a/index.html"]
    assert (site / "a" / "index.html").read_text() == "old"
    assert len(list(tmp_path.glob(".site.new-*"))) == 1  # beside site/: never published
    output.remove_leftovers(site)  # as the next build does
    assert not list(tmp_path.glob(".site.new-*"))


def test_saves_during_a_search_index_run_are_indexed_together_after_it(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While serving, a save indexes search beside it; saves made while a run is under way wait
    for one more run, not one each (on a large site a run takes long)."""
    builder = SiteBuilder(example)  # as briefings serve makes it
    assert builder.rebuild().error is None
    article = sorted((example / "content/articles").glob("*.md"))[0]
    text = article.read_text()
    article.write_text(text.rstrip("\n") + "\n\nA first line added.\n")
    (page,) = [example / "site" / p for p in builder.rebuild([article]).written if "articles/" in p]
    join_search_runs()
    under_way, release = threading.Event(), threading.Event()
    runs: list[str] = []  # the edited article's page as each run found it
    real = search.index_site

    def index_site(site: Path, *args: object) -> None:
        runs.append(page.read_text())
        if len(runs) == 1:
            under_way.set()
            release.wait(30)
        real(site, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "index_site", index_site)
    for n in range(4):
        article.write_text(text.rstrip("\n") + f"\n\nA line added in save {n}.\n")
        assert builder.rebuild([article]).error is None
        if n == 0:
            assert under_way.wait(30)
    release.set()
    join_search_runs()
    assert len(runs) == 2
    assert "save 0" in runs[0] and "save 3" in runs[1]
    assert (example / "site/pagefind" / search.SHARDS_FILE).is_file()


def join_search_runs() -> None:
    for thread in threading.enumerate():
        if thread.name == "search-index":
            thread.join(60)


def test_the_site_a_full_build_replaces_is_removed_after_the_build_returns(example: Path) -> None:
    build(example)
    write(
        example / "content/articles/late.md",
        "---\ntitle: Late news\ndate: 2025-04-14\nsource: Wire\n---\nText.\n",
    )
    build_site(load_config(example), use_cache=False)  # a whole new site, swapped in
    assert (example / "site/articles/late-news/index.html").is_file()  # in place on return
    deadline = time.monotonic() + 30  # removed by a process of its own: seconds for a large site
    while list(example.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(example.glob(".site.*"))


def test_folders_left_beside_site_by_a_killed_build_are_removed_by_the_next(
    example: Path,
) -> None:
    dead = subprocess.Popen(["true"])  # a process that has ended: no build of its is running
    dead.wait()
    left = [example / f".site.{kind}-{dead.pid}-a1b2" for kind in ("building", "old", "new")]
    running = example / f".site.building-{os.getpid()}-e5f6"  # a build of a live process
    for folder in [*left, running]:
        write(folder / "index.html", "half a site")
    build_site(load_config(example))
    deadline = time.monotonic() + 30  # a retired site is removed by a process of its own
    while any(folder.exists() for folder in left) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(folder.exists() for folder in left)
    assert (running / "index.html").read_text() == "half a site"
    assert sorted(p.name for p in example.glob(".site.*")) == [running.name]


def tree(site: Path) -> dict[str, bytes]:
    return {path: data for path, (data, _mtime) in snapshot(site).items()}


def clean_site(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """PROJECT built from scratch in a folder of its own."""
    import shutil

    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("site", ".briefings", ".site.*"))
    build_site(load_config(fresh), use_cache=False)
    return tree(fresh / "site")


# A build killed after it moved the first of its new pages into site/ (see output.patch).
KILLED_AT_SECOND_MOVE = (
    "import os, signal, sys; from briefings.build import output\n"
    "real, moves = os.replace, []\n"
    "def replace(a, b):\n"
    "    if '.building-' in str(a):\n"
    "        moves.append(a)\n"
    "        if len(moves) == 2: os.kill(os.getpid(), signal.SIGKILL)\n"
    "    real(a, b)\n"
    "output.os.replace = replace\n"
    "from briefings.cli import main; sys.argv = ['briefings', 'build', '-C', sys.argv[1]]; main()"
)


def test_a_build_killed_while_moving_pages_in_is_finished_by_the_next_command(
    example: Path, tmp_path: Path
) -> None:
    """An edit build moves its few new pages into site/ one by one: killed after the first,
    site/ held old and new pages side by side. The next command (here: the start of a build,
    before anything is served or published) finishes the moves first."""
    config_file = example / "briefings.toml"  # no search: an edit build patches site/ in place
    # Full text in feeds: the edit then changes several pages (the article's and the feeds).
    config_file.write_text(
        "search = false\n" + config_file.read_text() + '[feeds]\ncontent = "full"\n'
    )
    build_site(load_config(example))
    article = sorted((example / "content/articles").glob("*.md"))[0]
    article.write_text(article.read_text() + "\nA line added before the killed build.\n")
    run = subprocess.run([sys.executable, "-c", KILLED_AT_SECOND_MOVE, str(example)], check=False)
    assert run.returncode == -signal.SIGKILL
    expected = clean_site(example, tmp_path)
    assert tree(example / "site") != expected  # old and new side by side
    output.remove_leftovers(example / "site")  # what every build and serve do first
    assert tree(example / "site") == expected
    assert not list(example.glob(".site.building-*"))


def test_a_build_after_a_killed_one_looks_again_at_pages_its_moves_changed(
    example: Path, tmp_path: Path
) -> None:
    """`briefings build` checks site/ (the manifest) before it finishes a killed build's moves,
    and takes what that check found for the pages it does not render. Those moves change
    site/: with the edit undone since, the pages the killed build moved in are found not as
    recorded and written again, not left as the undone edit made them."""
    config_file = example / "briefings.toml"
    config_file.write_text(
        "search = false\n" + config_file.read_text() + '[feeds]\ncontent = "full"\n'
    )
    build_site(load_config(example))
    article = sorted((example / "content/articles").glob("*.md"))[0]
    original = article.read_text()
    article.write_text(original + "\nA line added before the killed build.\n")
    run = subprocess.run([sys.executable, "-c", KILLED_AT_SECOND_MOVE, str(example)], check=False)
    assert run.returncode == -signal.SIGKILL
    article.write_text(original)  # the edit undone
    again = subprocess.run(
        [sys.executable, "-m", "briefings", "build", "-C", str(example)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert tree(example / "site") == clean_site(example, tmp_path)


def test_an_edit_build_that_adds_pages_moves_them_into_site(example: Path, tmp_path: Path) -> None:
    """An article from a new outlet brings new pages (its own, its outlet's): they are moved
    into site/ like changed ones, not a whole new site/ staged (16k links at 10k articles)."""
    config_file = example / "briefings.toml"  # no search: an edit build patches site/ in place
    config_file.write_text("search = false\n" + config_file.read_text())
    build_site(load_config(example))
    site = example / "site"
    folder = site.stat().st_ino
    before = set(tree(site))
    write(
        example / "content/articles/harbour-cranes.md",
        "---\ntitle: Harbour cranes return\ndate: 2025-04-14\nsource: Quayside Gazette\n---\n"
        "The harbour's cranes are back at work after a month of repairs.\n",
    )
    build_site(load_config(example))
    assert {"articles/harbour-cranes-return/index.html", "sources/quayside-gazette/index.html"} <= (
        set(tree(site)) - before
    )
    assert site.stat().st_ino == folder  # patched in place: not a new site/ swapped in
    assert tree(site) == clean_site(example, tmp_path)


def test_a_journal_that_leads_out_of_the_site_is_not_followed(
    example: Path, tmp_path: Path
) -> None:
    build_site(load_config(example))
    dead = example / ".site.building-999999-x"  # as a killed build would leave it; no such pid
    write(dead / "outside.txt", "moved?")
    write(
        dead / output.JOURNAL,
        json.dumps({"written": ["../outside.txt"], "removed": ["../briefings.toml"]}),
    )
    output.remove_leftovers(example / "site")
    assert (example / "briefings.toml").exists() and not (example / "outside.txt").exists()
    assert not dead.exists()


def test_records_nested_past_the_stack_are_ignored(example: Path, tmp_path: Path) -> None:
    """JSON nested deeper than Python's stack raises RecursionError, not ValueError: a manifest
    or a killed build's journal found so in the project is not ours, and changes nothing."""
    build_site(load_config(example))
    before = snapshot(example / "site")
    manifest = example / ".briefings/cache/manifest.json"
    manifest.write_text("[" * 100_000)
    dead = example / ".site.building-999999-x"
    write(dead / output.JOURNAL, "[" * 100_000)
    output.remove_leftovers(example / "site")
    assert not dead.exists()
    build_site(load_config(example))  # no "nothing changed" from that manifest: built again
    assert snapshot(example / "site") == before


def test_search_is_indexed_in_shards_and_an_edit_indexes_only_its_own(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind holds what it reads in memory: a large site is indexed in shards of at most
    SHARD_PAGES articles, merged by the search page; a one-shot build after an edit indexes the
    shard of the page it changed and links the others from the last index."""
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # a handful of articles, in several shards
    topics = "Harbour cranes|Violin makers|Glacier melt|Chess openings|Tram fares|Bee keepers"
    for n, topic in enumerate(topics.split("|")):  # nothing alike: none lists another
        write(
            example / f"content/articles/brief-{n}.md",
            f"---\ntitle: {topic}\ndate: 2025-04-1{n}\nsource: Wire\n---\n{topic}.\n",
        )
    build(example)
    site = example / "site"
    shards = json.loads((site / "pagefind" / search.SHARDS_FILE).read_text())
    count = -(-len(list(site.glob("articles/*/index.html"))) // 2)
    assert 1 < len(shards) <= count and all(s.startswith(f"{count}-") for s in shards)
    inode = {s: (site / "pagefind" / s / "pagefind-entry.json").stat().st_ino for s in shards}
    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.glob("articles/*/*.html")}
    article = example / "content/articles/brief-3.md"
    article.write_text(article.read_text().rstrip("\n") + "\n\nA line added.\n")
    build_site(load_config(example))
    edited = {p for p, data in pages.items() if (site / p).read_bytes() != data}
    changed = {n for n, members in search.shards_of(pages).items() if edited & set(members)}
    assert changed and changed != set(shards)
    for shard in shards:
        now = (site / "pagefind" / shard / "pagefind-entry.json").stat().st_ino
        assert (now != inode[shard]) == (shard in changed), shard


def test_an_index_kept_from_the_last_build_never_takes_what_a_link_in_it_points_to(
    example: Path, tmp_path: Path
) -> None:
    build(example)
    secret = write(tmp_path / "secret.txt", "a private file")
    (shard,) = json.loads((example / "site/pagefind" / search.SHARDS_FILE).read_text())
    (example / "site/pagefind" / shard / "leak.txt").symlink_to(secret)
    search.index_site(example / "site", example / "site/pagefind", changed=())  # shards kept
    assert (example / "site/pagefind" / shard / "pagefind-entry.json").is_file()
    assert not (example / "site/pagefind" / shard / "leak.txt").exists()


def test_a_page_removed_while_search_indexes_is_passed_over(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # serve indexes beside rebuilding: a rebuild may remove a page the run has listed
    build(example)
    site = example / "site"
    gone = sorted(site.glob("articles/*/index.html"))[0]
    real = search._index_shard

    def listed_then_removed(files: list[Path], *args: object) -> None:
        gone.unlink()
        real(files, *args)

    monkeypatch.setattr(search, "_index_shard", listed_then_removed)
    search.index_site(site, site / "pagefind", changed=None)
    monkeypatch.undo()
    (shard,) = json.loads((site / "pagefind" / search.SHARDS_FILE).read_text())
    indexed = (site / "pagefind" / shard / "pagefind-entry.json").read_text()
    left = len(list(site.glob("articles/*/index.html")))  # every page but the one removed
    assert left > 0 and f'"page_count":{left}' in indexed.replace(" ", "")


def test_the_search_index_of_pages_gone_goes_with_them(example: Path) -> None:
    """Indexed again beside serving, the index is made anew and swapped in whole: the files of
    a deleted article's index entry are not left behind, served, in site/pagefind/."""
    builder = SiteBuilder(example)  # as briefings serve makes it
    assert builder.rebuild().error is None
    join_search_runs()
    before = {p.name for p in (example / "site/pagefind").glob("*/fragment/*")}
    article = sorted((example / "content/articles").glob("*.md"))[0]
    edition = example / "content/editions/2025-04-14.md"
    edition.unlink()  # it lists the article
    article.unlink()
    assert builder.rebuild({article, edition}).error is None
    join_search_runs()
    after = {p.name for p in (example / "site/pagefind").glob("*/fragment/*")}
    assert len(after) == len(before) - 1 and after < before
    assert not list(example.glob(".site.*"))  # nothing left beside the site


def test_two_titles_giving_one_slug_build_both_pages_and_say_so(
    project: Path, add_article: Callable[..., Path]
) -> None:
    add_article("one.md", title="Storm hits coast", date="2025-05-01")
    add_article("two.md", title="Storm hits coast!", date="2025-05-02")
    said: list[str] = []
    build_site(load_config(project), log=said.append)
    assert (project / "site/articles/storm-hits-coast/index.html").is_file()
    assert (project / "site/articles/storm-hits-coast-2/index.html").is_file()
    assert any("two.md" in line and "'storm-hits-coast-2'" in line for line in said)
    # an edit elsewhere keeps the second article's address and says nothing again
    add_article("three.md", title="Calm returns", date="2025-05-03")
    said.clear()
    builder = SiteBuilder(project, log=said.append)
    builder.rebuild()
    add_article("three.md", title="Calm returns at last", date="2025-05-03")
    builder.rebuild([project / "content/articles/three.md"])
    assert (project / "site/articles/storm-hits-coast-2/index.html").is_file()
    assert sum("storm-hits-coast-2" in line for line in said) == 1


def test_an_article_too_slow_to_render_is_shown_as_text_and_named_and_the_rest_builds(
    project: Path, add_article: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefings.markup import markdown as markup

    monkeypatch.setattr(markup, "RENDER_SECONDS", 0.3)
    add_article("calm.md", title="Calm returns", body="The *sea* is calm.")
    add_article("hostile.md", title="Scraped page", body="Intro.\n\n" + "<a " * 12000)
    said: list[str] = []
    build_site(load_config(project), log=said.append)
    warned = [line for line in said if "hostile.md" in line]
    assert len(warned) == 1 and warned[0].startswith("Warning:") and "plain text" in warned[0]
    hostile = (project / "site/articles/scraped-page/index.html").read_text()
    assert "&lt;a &lt;a" in hostile
    assert "<em>sea</em>" in (project / "site/articles/calm-returns/index.html").read_text()
