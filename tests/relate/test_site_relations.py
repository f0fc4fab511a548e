"""Relations as readers and scripts see them: pages, editions and the JSON commands."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefings.commands.build import build_site
from briefings.config import load_config
from briefings.content.load import load_content
from briefings.errors import ContentError
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


def front(path: Path, *lines: str) -> None:
    """Add LINES to the front matter of the file at PATH."""
    text = path.read_text()
    path.write_text("---\n" + "".join(f"{line}\n" for line in lines) + text.split("---\n", 1)[1])


def edition_of(example: Path, *head: str, items: tuple[str, ...], section: str = "") -> None:
    write(
        example / "content/editions/2025-04-14.md",
        "---\ntitle: Drones\ndate: 2025-04-14\n"
        + "".join(f"{line}\n" for line in head)
        + "sections:\n  - title: Drones\n"
        + (f"    {section}\n" if section else "")
        + "    items:\n"
        + "".join(f"      - {item}\n" for item in items)
        + "---\nThe day's drones.\n",
    )


def test_an_edition_shows_every_item_the_editor_listed(example: Path) -> None:
    build_site(load_config(example))  # the example lists both reports of one story
    edition = (example / "site/editions/2025-04-14/index.html").read_text()
    assert edition.count('class="entry-title"') == 2
    assert "Also covered by" not in edition  # nothing the editor did not list
    editions = (example / "site/editions/index.html").read_text()
    assert "2 articles" in editions  # the count is what the page shows


def test_coverage_the_editor_did_not_list_folds_under_the_item(example: Path) -> None:
    edition_of(example, items=(MARKETLINK,))
    build_site(load_config(example))
    edition = (example / "site/editions/2025-04-14/index.html").read_text()
    assert edition.count('class="entry-title"') == 1
    assert re.search(r'Also covered by <a href="[^"]+">Rudaw</a>', edition)


def test_a_day_s_edition_derived_from_dates_shows_a_story_once(example: Path) -> None:
    """With no edition files, each day is an edition nobody chose: the day's reports of one
    story are one item, the others named under it; a report of another day is not."""
    shutil.rmtree(example / "content/editions")
    write(
        example / "content/articles/later.md",
        "---\ntitle: Iran and Russia open the Alabuga drone plant\ndate: 2025-06-20\n"
        "source: Sport Daily\nslug: later\nstory: " + MARKETLINK + "\n---\nThe plant in Alabuga,"
        " Tatarstan, that Iran helped Russia build now makes drones, officials in Kyiv said.\n",
    )
    build_site(load_config(example))
    site = example / "site"
    day = (site / "editions/2025-04-14/index.html").read_text()
    assert day.count('class="entry-title"') == 1  # the story once...
    assert re.search(
        r"Also covered by <a href=[^>]+>(Rudaw|MarketLink)</a> ·", day
    )  # ...the other under it
    assert "Sport Daily" not in day  # June's report is no coverage of that day
    editions = (site / "editions/index.html").read_text()
    assert "1 article" in editions.split("2025-04-14", 1)[1].split("</li>", 1)[0]
    june = (site / "articles/later/index.html").read_text()
    assert "Briefing for Monday, 14 April 2025" not in june  # it is in June's edition only


def test_fold_false_on_an_edition_or_a_section_shows_items_alone(example: Path) -> None:
    for head, section in ((("fold: false",), ""), ((), "fold: false")):
        edition_of(example, *head, items=(MARKETLINK,), section=section)
        build_site(load_config(example))
        edition = (example / "site/editions/2025-04-14/index.html").read_text()
        assert edition.count('class="entry-title"') == 1
        assert "Also covered by" not in edition


def test_story_false_keeps_an_article_out_of_any_story(example: Path) -> None:
    front(example / f"content/articles/{RUDAW}.md", "story: false")
    build_site(load_config(example))
    site = example / "site"
    assert list((site / "stories").glob("*/index.html")) == []
    assert "Same story" not in (site / "articles" / MARKETLINK / "index.html").read_text()
    assert "Same story" not in (site / "articles" / RUDAW / "index.html").read_text()


def test_story_slug_puts_an_article_in_that_story(example: Path) -> None:
    write(
        example / "content/articles/cup.md",
        "---\ntitle: Arsenal win the FA Cup\ndate: 2025-04-15\nsource: Sport Daily\n"
        f"story: {MARKETLINK}\n---\nArsenal beat Chelsea 2-1 at Wembley with a late header.\n",
    )
    build_site(load_config(example))
    (story_page,) = (example / "site/stories").glob("*/index.html")
    assert "3 articles" in story_page.read_text()
    cup = (example / "site/articles/arsenal-win-the-fa-cup/index.html").read_text()
    assert set(same_story_links(cup)) == {f"../{MARKETLINK}/", f"../{RUDAW}/"}
    # The story's own slug (its address) names it too.
    story_slug = story_page.parent.name
    text = (example / "content/articles/cup.md").read_text()
    (example / "content/articles/cup.md").write_text(text.replace(MARKETLINK, story_slug))
    build_site(load_config(example))
    assert "3 articles" in (example / "site/stories" / story_slug / "index.html").read_text()


def test_a_story_naming_nothing_is_said_and_changes_nothing(example: Path) -> None:
    front(example / f"content/articles/{RUDAW}.md", "story: no-such-story")
    said: list[str] = []
    build_site(load_config(example), log=said.append)
    assert any("'story: no-such-story' names no published article or story" in s for s in said)
    assert len(list((example / "site/stories").glob("*/index.html"))) == 1


def test_a_story_that_is_no_slug_is_an_error_with_its_line(example: Path) -> None:
    front(example / f"content/articles/{RUDAW}.md", "story: [a, b]")
    with pytest.raises(ContentError) as failed:
        load_content(example / "content", ZoneInfo("UTC"), example)
    (problem,) = failed.value.problems
    assert problem.field == "story" and problem.line == 2
    assert "must be true, false or a slug" in str(problem)
    # A build leaves that article out, says so with the line, and builds the rest.
    said: list[str] = []
    build_site(load_config(example), log=said.append)
    assert f"  content/articles/{RUDAW}.md:2: story: must be true, false or a slug" in "\n".join(
        said
    )
    assert not (example / "site/articles" / RUDAW).exists()
    assert len(list((example / "site/articles").glob("*/index.html"))) == 1


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


def test_an_outlet_of_the_site_is_no_entity_topic(example: Path) -> None:
    for n, city in enumerate(["Lagos", "Nairobi", "Accra"]):
        write(
            example / f"content/articles/wire-{n}.md",
            f"---\ntitle: Port strike spreads to {city}\ndate: 2025-04-1{n + 5}\nsource: Daily"
            f" {city}\n---\n{city} (Reuters) - Dock workers in {city} walked out on Tuesday, "
            "officials said, as the strike over pay spread along the coast. Reuters could not "
            "reach the port authority for comment.\n",
        )
    build_site(load_config(example))
    assert (example / "site/topics/reuters/index.html").is_file()  # a name three share
    # Once Reuters is one of the site's outlets, its name is its source page, no subject.
    text = (example / "content/articles/wire-0.md").read_text()
    (example / "content/articles/wire-0.md").write_text(text.replace("Daily Lagos", "Reuters"))
    build_site(load_config(example))
    assert not (example / "site/topics/reuters/index.html").exists()
    assert (example / "site/sources/reuters/index.html").is_file()


def briefings(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", *args], capture_output=True, text=True, timeout=120
    )


def test_stories_json(example: Path) -> None:
    result = briefings("stories", "--json", "-C", str(example))
    assert result.returncode == 0, result.stderr
    (story,) = json.loads(result.stdout)
    assert set(story) == {"id", "slug", "title", "articles", "why"}
    assert sorted(story["articles"]) == sorted([MARKETLINK, RUDAW])
    assert {"Iran", "Russia"} <= set(story["why"])  # what both reports are about


def test_related_json_with_content_folder(example: Path, tmp_path: Path) -> None:
    result = briefings(
        "related", MARKETLINK, "--json", "-C", str(tmp_path), "--content", str(example / "content")
    )
    assert result.returncode == 0, result.stderr
    lists = json.loads(result.stdout)
    assert list(lists) == [MARKETLINK]
    (same,) = lists[MARKETLINK]["same_story"]
    assert same["slug"] == RUDAW and 0 < same["score"] <= 1
    assert "Iran" in same["why"] and len(same["why"]) <= 3
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


def test_a_syndicated_copy_points_at_its_original_and_lists_show_the_original_once(
    example: Path,
) -> None:
    original = (example / f"content/articles/{MARKETLINK}.md").read_text()
    copy = original.replace("source: MarketLink", "source: Wire Reprints").replace(
        "title: ", "title: Reprinted - ", 1
    )
    write(
        example / "content/articles/reprint.md",
        copy.replace(f"slug: {MARKETLINK}", "slug: reprint"),
    )
    build_site(load_config(example))
    site = example / "site"
    reprint = (site / "articles/reprint/index.html").read_text()
    base = load_config(example).settings.base_url
    assert f'<link rel="canonical" href="{base}articles/{MARKETLINK}/">' in reprint
    page = (site / "articles" / MARKETLINK / "index.html").read_text()
    assert re.search(r'Also carried by <a href="[^"]*reprint/">Wire Reprints</a>', page)
    assert same_story_links(page) == [f"../{RUDAW}/"]  # the copy is named, not listed
    topic = (site / "topics/iran/index.html").read_text()
    assert topic.count(f'href="../../articles/{MARKETLINK}/"') >= 1
    assert 'href="../../articles/reprint/"' in topic  # named under the original...
    assert topic.count('class="entry-title"') == 2  # ...not listed: the original and Rudaw's
    source = (site / "sources/wire-reprints/index.html").read_text()
    assert source.count('class="entry-title"') == 1  # an outlet's own page lists its copy


def test_a_page_that_names_its_original_elsewhere_points_there(example: Path) -> None:
    front(example / f"content/articles/{RUDAW}.md", "canonical: https://wire.example.com/story/1")
    build_site(load_config(example))
    page = (example / "site/articles" / RUDAW / "index.html").read_text()
    assert '<link rel="canonical" href="https://wire.example.com/story/1">' in page


def story_title(site: Path) -> str:
    (story_page,) = (site / "stories").glob("*/index.html")
    return re.findall(r"<h1[^>]*>(.*?)</h1>", story_page.read_text(), re.S)[0]


def test_a_story_is_not_named_by_a_title_ingest_guessed(example: Path) -> None:
    build_site(load_config(example))
    assert "Iran helping Russia build plant" in story_title(example / "site")
    # Had MarketLink's page come as a text dump with no headline, ingest would have taken its
    # first sentence, and said so: the story takes the other report's title.
    front(example / f"content/articles/{MARKETLINK}.md", "guessed: [title]")
    build_site(load_config(example))
    assert "The White House on Friday said" in story_title(example / "site")
    # The article keeps its own title on its page.
    page = (example / "site" / "articles" / MARKETLINK / "index.html").read_text()
    assert "Iran helping Russia build plant" in page
