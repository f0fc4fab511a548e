"""Relations as readers and scripts see them: pages, editions and the JSON commands."""

import json
import re
import subprocess
import sys
from pathlib import Path

from briefings.commands.build import build_site
from briefings.config import load_config
from tests.conftest import write

MARKETLINK = "iran-helping-russia-build-plant-to-manufacture-drones-for-likely-use-in-ukraine"
RUDAW = "the-white-house-on-friday-said-the-military-cooperation-between-moscow-and"


def same_story_links(page: str) -> list[str]:
    section = page.split('<section class="same-story">', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="entry-title"><a href="([^"]+)"', section)


def test_seeds_are_one_story_and_link_each_other(example: Path) -> None:
    build_site(load_config(example))
    site = example / "site"
    assert same_story_links((site / "articles" / MARKETLINK / "index.html").read_text()) == [
        f"../{RUDAW}/"
    ]
    assert same_story_links((site / "articles" / RUDAW / "index.html").read_text()) == [
        f"../{MARKETLINK}/"
    ]
    (story_page,) = (site / "stories").glob("*/index.html")
    story = story_page.read_text()
    assert "Covered by Rudaw, MarketLink" in story  # in time order: Rudaw's date has no time
    assert story.index(RUDAW) < story.index(MARKETLINK)


def test_an_edition_shows_a_story_once_with_also_covered_by(example: Path) -> None:
    build_site(load_config(example))
    edition = (example / "site/editions/2025-04-14/index.html").read_text()
    assert edition.count('class="entry-title"') == 1
    assert re.search(r'Also covered by <a href="[^"]+">Rudaw</a>', edition)


def test_unrelated_article_gets_no_same_story(example: Path) -> None:
    write(
        example / "content/articles/cup.md",
        "---\ntitle: Arsenal win the FA Cup\ndate: 2025-04-14\nsource: Sport Daily\n---\nArsenal beat Chelsea 2-1 at Wembley with a late header.\n",
    )
    build_site(load_config(example))
    page = (example / "site/articles/arsenal-win-the-fa-cup/index.html").read_text()
    assert "Same story" not in page


def test_entity_topics_beside_tags(example: Path) -> None:
    build_site(load_config(example))
    # named in both articles: not yet a topic (three articles must share a name, by default)
    assert not (example / "site/topics/moscow/index.html").exists()
    assert (example / "site/topics/iran/index.html").is_file()  # a tag
    write(
        example / "content/articles/talks.md",
        "---\ntitle: Talks in Moscow end without a deal\ndate: 2025-04-15\nsource: Wire\n---\n"
        "Negotiators left Moscow on Tuesday without an agreement on grain exports. Officials in "
        "Moscow said talks would resume next month, and Moscow's envoy called the round useful.\n",
    )
    build_site(load_config(example))
    assert (example / "site/topics/moscow/index.html").is_file()


def briefings(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", *args], capture_output=True, text=True, timeout=120
    )


def test_stories_json(example: Path) -> None:
    result = briefings("stories", "--json", "-C", str(example))
    assert result.returncode == 0, result.stderr
    (story,) = json.loads(result.stdout)
    assert set(story) == {"id", "slug", "title", "articles"}
    assert sorted(story["articles"]) == sorted([MARKETLINK, RUDAW])


def test_related_json_with_content_folder(example: Path, tmp_path: Path) -> None:
    result = briefings(
        "related", MARKETLINK, "--json", "-C", str(tmp_path), "--content", str(example / "content")
    )
    assert result.returncode == 0, result.stderr
    lists = json.loads(result.stdout)
    assert list(lists) == [MARKETLINK]
    (same,) = lists[MARKETLINK]["same_story"]
    assert same["slug"] == RUDAW and 0 < same["score"] <= 1
    missing = briefings("related", "no-such-slug", "-C", str(example))
    assert missing.returncode == 1 and "no article with slug 'no-such-slug'" in missing.stderr


def test_related_can_be_switched_off(example: Path) -> None:
    write(
        example / "briefings.toml",
        (example / "briefings.toml").read_text() + "[related]\nenabled = false\n",
    )
    build_site(load_config(example))
    assert list((example / "site/stories").glob("*/index.html")) == []
    assert "Same story" not in (example / "site/articles" / MARKETLINK / "index.html").read_text()
