"""The example site in a real browser: readable on a phone, light and dark."""

import json
from pathlib import Path

import pytest

from briefings.build import search
from briefings.commands.build import build_site
from briefings.config import load_config
from tests.conftest import set_config
from tests.sitecheck import serve_under

ARTICLE = "articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/"


@pytest.fixture
def served(example: Path):
    build_site(load_config(example))
    with serve_under(example / "site", "/") as url:
        yield url


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", ["", ARTICLE, "editions/2025-04-14/", "archive/"])
def test_pages_fit_the_screen(chromium, served: str, width: int, path: str) -> None:
    page = chromium.new_page(viewport={"width": width, "height": 800})
    page.goto(served + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heading = page.locator("h1").first
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    page.close()


def test_dark_mode_changes_colours_and_stays_legible(chromium, served: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = chromium.new_page(color_scheme=scheme)
        page.goto(served + ARTICLE)
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        page.close()
    assert colours["light"] != colours["dark"]
    background, text = colours["dark"]
    assert background != text


def test_page_reads_without_javascript(chromium, served: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + ARTICLE)
    assert "Tehran has said that it supplied Russia" in page.inner_text("main")
    assert page.locator("script").count() == 0
    context.close()


def test_search_box_finds_articles_under_a_sub_path(
    chromium, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One article a shard: the two found are in two indexes, merged by the search page.
    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    set_config(example, base_url="https://user.github.io/repo/")
    build_site(load_config(example))
    assert len(json.loads((example / "site/pagefind/shards.json").read_text())) == 2
    with serve_under(example / "site", "/repo/") as root:
        page = chromium.new_page()
        page.goto(root + ARTICLE)
        page.fill("#q", "Alabuga")
        page.press("#q", "Enter")
        page.wait_for_url("**/repo/search/?q=Alabuga")
        results = page.locator("#search-results .entry-title a")
        results.first.wait_for(timeout=10_000)
        titles = sorted(results.all_inner_texts())
        assert len(titles) == 2 and any(t.startswith("Iran helping Russia") for t in titles)
        # Each result says who published it and when.
        kickers = sorted(page.locator("#search-results .kicker").all_inner_texts())
        assert kickers == ["MarketLink · 14 April 2025", "Rudaw · 14 April 2025"]
        assert page.locator("#search-status").inner_text() == "2 articles for “Alabuga”"
        # Typing a new query in the search page's own box searches again.
        page.fill("#search-input", "Caspian Amirabad Makhachkala")
        page.wait_for_function(
            "document.querySelectorAll('#search-results .entry-title a').length === 1"
        )
        results.first.click()
        page.wait_for_url("**/repo/articles/iran-helping-russia-*/")
        assert page.locator("h1").inner_text().startswith("Iran helping Russia")
        page.close()


def test_search_finds_nothing_for_words_no_article_holds(chromium, served: str) -> None:
    page = chromium.new_page()
    for query in ("asdf", "qzxwv drones"):  # Pagefind alone matches "asdf" to "as"
        page.goto(served + "search/?q=" + query)
        page.wait_for_function("document.getElementById('search-status').textContent !== ''")
        assert page.locator("#search-status").inner_text().startswith("Nothing found for")
        assert page.locator("#search-results li").count() == 0
    page.close()


def test_search_results_show_a_hostile_article_as_text(chromium, example: Path) -> None:
    (example / "content/articles/evil.md").write_text(
        "---\ntitle: Evil <img src=x onerror=window.pwned=1> zebrafish\ndate: 2025-04-14\n"
        "source: Bad <b>Outlet</b>\n---\n"
        "The zebrafish text: `<img src=x onerror=window.pwned=2>` and "
        "&lt;img src=y onerror=window.pwned=3&gt; <script>window.pwned=4</script>.\n"
    )
    build_site(load_config(example))
    with serve_under(example / "site", "/") as root:
        page = chromium.new_page()
        page.goto(root + "search/?q=zebrafish")
        page.locator("#search-results .entry-title a").first.wait_for(timeout=10_000)
        assert (
            page.locator("#search-results .entry-title a")
            .inner_text()
            .startswith("Evil <img src=x")
        )
        assert page.locator("#search-results img").count() == 0
        assert page.evaluate("window.pwned") is None
        page.close()


def test_story_and_article_pages_say_why_articles_are_linked(chromium, served: str) -> None:
    page = chromium.new_page(viewport={"width": 375, "height": 800})
    page.goto(served + ARTICLE)
    why = page.locator(".same-story .why .shares")
    assert why.is_visible() and why.inner_text().startswith("Shares: ")
    assert "Iran" in why.inner_text()
    page.click(".story-link a")
    grouped = page.locator(".page-head .why")
    assert grouped.is_visible() and grouped.inner_text().startswith("Grouped because")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


# A 1x1 PNG: the lead image an outlet still serves.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4d60000000049454e44ae426082"
)


def test_a_lead_image_that_fails_to_load_leaves_no_empty_figure(
    chromium, example: Path, tmp_path: Path
) -> None:
    images = tmp_path / "outlet"
    images.mkdir()
    (images / "lead.png").write_bytes(PIXEL)
    with serve_under(images, "/") as outlet:
        for slug, name in (("kept", "lead.png"), ("refused", "gone.png")):
            (example / "content/articles" / f"{slug}.md").write_text(
                f"---\ntitle: Lead image {slug}\nslug: {slug}\ndate: 2025-04-14\n"
                f"source: Outlet\nimage:\n  src: {outlet}{name}\n  caption: The plant\n---\n"
                "The body of the article.\n"
            )
        build_site(load_config(example))
        with serve_under(example / "site", "/") as served:
            page = chromium.new_page()
            shown = {}
            for slug in ("kept", "refused"):
                page.goto(served + f"articles/{slug}/")
                # Until the image has loaded or failed (no timing: the browser says when).
                page.wait_for_function(
                    "document.querySelector('figure.lead-image').hidden"
                    " || document.querySelector('figure.lead-image img').naturalWidth > 0"
                )
                figure = page.locator("figure.lead-image")
                shown[slug] = (figure.is_visible(), page.locator("figcaption").is_visible())
            page.close()
    # The image that loads is shown with its caption; the one refused takes its caption along.
    assert shown == {"kept": (True, True), "refused": (False, False)}
