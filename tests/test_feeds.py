import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from briefings.commands.build import build_site
from briefings.config import load_config
from tests.conftest import set_config, write

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(example: Path) -> Path:
    set_config(example, base_url="https://user.github.io/repo/")
    build_site(load_config(example))
    return example / "site"


FEEDS = ["", "topics/iran/", "sources/rudaw/", "sources/marketlink/"]


@pytest.mark.parametrize("where", FEEDS)
def test_atom_feeds_validate(site: Path, where: str) -> None:
    feed = ET.parse(site / where / "feed.xml").getroot()
    assert feed.find(f"{ATOM}id").text == f"https://user.github.io/repo/{where}feed.xml"
    assert (
        feed.find(f"{ATOM}link[@rel='self']").get("href")
        == f"https://user.github.io/repo/{where}feed.xml"
    )
    datetime.fromisoformat(feed.find(f"{ATOM}updated").text)
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated", "published", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        datetime.fromisoformat(entry.find(f"{ATOM}published").text)
        assert entry.find(f"{ATOM}id").text.startswith("https://user.github.io/repo/articles/")


@pytest.mark.parametrize("where", FEEDS)
def test_json_feeds_validate(site: Path, where: str) -> None:
    feed = json.loads((site / where / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"https://user.github.io/repo/{where}feed.json"
    assert feed["home_page_url"] == f"https://user.github.io/repo/{where}"
    assert isinstance(feed["title"], str) and feed["items"]
    for item in feed["items"]:
        assert item["id"].startswith("https://user.github.io/repo/articles/")
        assert item.get("content_html") or item.get("content_text")
        datetime.fromisoformat(item["date_published"])
        assert isinstance(item["tags"], list)


def test_feed_ids_are_stable_across_builds(example: Path) -> None:
    build_site(load_config(example))
    first = (example / "site/feed.xml").read_bytes(), (example / "site/feed.json").read_bytes()
    build_site(load_config(example))
    assert (
        (example / "site/feed.xml").read_bytes(),
        (example / "site/feed.json").read_bytes(),
    ) == first


def test_summary_only_feeds(example: Path) -> None:
    write(
        example / "briefings.toml",
        (example / "briefings.toml").read_text() + '[feeds]\ncontent = "summary"\n',
    )
    build_site(load_config(example))
    assert "<content" not in (example / "site/feed.xml").read_text()
    items = json.loads((example / "site/feed.json").read_text())["items"]
    assert all("content_html" not in i and i["content_text"] for i in items)


def test_topic_pages_link_their_feeds_and_pages_carry_sharing_metadata(site: Path) -> None:
    topic = (site / "topics/iran/index.html").read_text()
    assert 'type="application/atom+xml" title="Iran (Atom)" href="feed.xml"' in topic
    assert 'type="application/feed+json" title="Iran (JSON Feed)" href="feed.json"' in topic
    article = next((site / "articles").glob("the-white-house*/index.html")).read_text()
    assert '<meta property="og:type" content="article">' in article
    assert (
        '<meta property="og:url" content="https://user.github.io/repo/articles/the-white-house'
        in article
    )
    assert '<meta property="article:published_time" content="2025-04-14T00:00:00+00:00">' in article
    assert '<meta property="og:site_name" content="The Drone Desk">' in article
    assert '<meta name="twitter:card" content="summary">' in article


def test_image_gives_an_absolute_og_image(project: Path) -> None:
    write(
        project / "content/articles/a.md",
        "---\ntitle: Pic\ndate: 2025-01-01\nsource: S\nimage: {src: /img/a.jpg, alt: A pic}\n---\nx\n",
    )
    build_site(load_config(project))
    page = (project / "site/articles/pic/index.html").read_text()
    assert '<meta property="og:image" content="https://example.org/img/a.jpg">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_sitemap_has_lastmod_and_robots_points_at_it(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text()
    assert (
        "<loc>https://user.github.io/repo/articles/" in sitemap and "<lastmod>2025-04-14" in sitemap
    )
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in (site / "robots.txt").read_text()


def test_the_editions_feed_carries_each_edition_as_the_editor_wrote_it(site: Path) -> None:
    feed = ET.parse(site / "editions/feed.xml").getroot()
    assert feed.find(f"{ATOM}id").text == "https://user.github.io/repo/editions/feed.xml"
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "A drone factory on the Volga"
    assert entry.find(f"{ATOM}id").text == "https://user.github.io/repo/editions/2025-04-14/"
    html = entry.find(f"{ATOM}content").text  # escaped HTML, parsed back
    assert "Washington declassified" in html and "Two outlets on the same" in html
    assert html.count("<li>") == 2 and 'href="https://user.github.io/repo/articles/' in html
    home = (site / "index.html").read_text()
    assert 'href="editions/feed.xml"' in home  # announced on every page
