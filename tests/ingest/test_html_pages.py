"""A saved HTML page through ingest: its metadata read from the page, stable slugs, drafts for
what a page lacks, a fingerprint index that needs no rescan, and topics free of CMS junk."""

import contextlib
import json
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import frontmatter
import htmldate.extractors
import lxml.html
import pytest
from htmldate import find_date

from briefings.commands.init import init_project
from briefings.errors import BriefingsError
from briefings.ingest.authors import clean_authors
from briefings.ingest.extract import extract
from briefings.ingest.html import extract_html
from briefings.ingest.known import ANCHORS, Known, sampled_shingles
from briefings.ingest.page import page_facts
from briefings.ingest.read import decode
from briefings.ingest.run import extract_one, place_one
from briefings.ingest.write import Options, front_matter
from briefings.runtime import sqlite as runtime_sqlite

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PARAGRAPHS = "".join(
    f"<p>{text}</p>"
    for text in [
        "The city council voted on Tuesday to close the old Elm Street bridge to cars after "
        "engineers found deep cracks in two of its stone piers during a routine inspection.",
        "Residents who cross the bridge every day said the detour would add half an hour to "
        "their journeys into the city centre, and shop owners on the far bank feared for trade.",
        "The mayor said repairs would begin in the spring and that the bridge could reopen to "
        "traffic within two years, once the piers have been rebuilt and tested again.",
    ]
)


def bylined(html: str) -> str:
    """HTML with a byline under its headline: a sign of an article (see kind.doubtful)."""
    return html.replace("</h1>", "</h1><p>By Jane Roe</p>", 1)


def page(*, head: str = "", h1: str = "Elm Street bridge closes to cars", footer: str = "") -> str:
    return f"""<!doctype html><html><head><title>{h1} | The Riverside Post</title>{head}</head>
<body><header><a href="/">The Riverside Post</a></header><article><h1>{h1}</h1>
{PARAGRAPHS}</article><footer>{footer or "The Riverside Post. All rights reserved."}</footer></body></html>"""


LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Elm Street bridge closes to cars",
    "datePublished": "2025-05-06T09:00:00+00:00",
    "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "John Doe"}],
    "publisher": {"@type": "Organization", "name": "The Riverside Post"},
    "keywords": "Shoppable, Bridges, bridge, Elm Street, 12345",
}
HEAD = (
    '<meta property="og:site_name" content="The Riverside Post">'
    '<meta property="og:image" content="https://riverside.example/bridge.jpg">'
    f'<script type="application/ld+json">{json.dumps(LD)}</script>'
)


def test_metadata_is_read_from_the_page() -> None:
    article = extract_html(page(head=HEAD), "https://riverside.example/2025/05/bridge")
    assert article.title == "Elm Street bridge closes to cars"
    assert article.source == "The Riverside Post" and article.guessed == []
    assert article.authors == ["Jane Roe", "John Doe"]
    assert article.date.startswith("2025-05-06")
    assert article.keywords == ["Bridges", "Elm Street"]
    assert article.summary.startswith("The city council voted on Tuesday")
    assert article.image_src == "https://riverside.example/bridge.jpg"
    assert article.not_article == ""
    assert "All rights reserved" not in article.body


def test_a_headline_broken_over_lines_keeps_a_space_between_them() -> None:
    html = page().replace(
        "<h1>Elm Street bridge closes to cars</h1>",
        "<h1>Elm Street bridge<br>closes to cars</h1>",
    )
    article = extract_html(html, "https://riverside.example/2025/05/bridge")
    assert article.title == "Elm Street bridge closes to cars"


@pytest.mark.parametrize(
    "h1, headline",
    [
        # Left open: the date line after it is a block of its own, inside it.
        (
            '<h1>Elm Street bridge closes to cars<div class="rule"></div>'
            "<h3>Posted on May 6, 2025 by riverside</h3>",
            "Elm Street bridge closes to cars",
        ),
        ("<h1>Elm Street bridge closes to cars<p>The city council voted</p></h1>", None),
        # A headline set in parts (divs, spans) is one headline.
        (
            "<h1><div>Elm Street bridge</div> <div>closes to cars</div></h1>",
            "Elm Street bridge closes to cars",
        ),
        ("<h1><span>Elm Street</span> bridge closes to cars</h1>", None),
    ],
)
def test_an_h1_is_read_as_far_as_a_block_after_its_text(h1: str, headline: str | None) -> None:
    html = page().replace("<h1>Elm Street bridge closes to cars</h1>", h1)
    assert page_facts(lxml.html.fromstring(html)).h1 == [
        headline or "Elm Street bridge closes to cars"
    ]


def test_a_byline_beside_a_date_in_its_own_block_is_not_glued_to_it() -> None:
    byline = '<div class="byline"><div>Jane Roe</div><div>Dec 6, 2025</div></div>'
    html = page().replace("</h1>", "</h1>" + byline, 1)
    bylines = page_facts(lxml.html.fromstring(html)).bylines
    assert bylines == ["Jane Roe Dec 6, 2025"]
    assert clean_authors(bylines) == ["Jane Roe"]


def test_text_that_went_through_the_wrong_charset_before_it_was_saved_is_mended() -> None:
    # The page is decoded right: the damage is in its bytes, done before it was saved.
    def garbled(text: str) -> str:
        return text.encode("utf-8").decode("cp1252")

    headline = "Caf\u00e9 owners\u2019 guide to the bridge closure"
    association = garbled("The caf\u00e9 owners\u2019 association")
    html = page(h1=garbled(headline)).replace(
        "<p>The city council",
        f"<p>{association} said S\u00e3o Paulo had done the same. The city council",
        1,
    )
    # read as Latin-1, it holds control characters that extractors drop: mended before them
    latin = "The detour adds half an hour\u2014simple as that.".encode("utf-8").decode("latin-1")
    html = html.replace("<p>The mayor said", f"<p>{latin} The mayor said", 1)
    byline = garbled("Jos\u00e9 Roe")
    html = html.replace("</h1>", f'</h1><p class="byline">By {byline}</p>', 1)
    raw = decode(html.encode("utf-8"), "bridge.html")
    article = extract(raw, "https://riverside.example/2025/05/bridge")
    assert article.title == headline
    assert "The caf\u00e9 owners\u2019 association said" in article.body
    assert "S\u00e3o Paulo" in article.body  # text that was right stays as it is
    assert article.authors == ["Jos\u00e9 Roe"]
    assert "half an hour\u2014simple as that." in article.body
    assert "\u00e2\u20ac" not in article.summary + article.body


def test_mojibake_written_as_entities_is_mended_and_markup_entities_stay() -> None:
    garbled = "isn&acirc;&euro;&trade;t"  # what "isn’t" read as Windows-1252 and escaped looks like
    description = f'<meta name="description" content="The bridge {garbled} safe, engineers say.">'
    html = page(head=description).replace("The mayor said", f"The mayor, who {garbled} sure, said")
    html = html.replace("city centre,", "city centre &lt;&gt; &amp;&amp;,")
    raw = decode(html.encode("utf-8"), "bridge.html")
    article = extract(raw, "https://riverside.example/2025/05/bridge")
    assert "The mayor, who isn\u2019t sure, said" in article.body
    assert "<> &&," in article.body.replace("\\", "")  # markup entities read as text
    assert "\u00e2" not in article.body + article.summary


@pytest.mark.parametrize("tag", ["strong", "b", "em"])
def test_a_lead_in_ended_by_a_line_break_is_not_glued_to_the_next_word(tag: str) -> None:
    lead_in = f"<p><{tag}>Bridge closure explained<br /></{tag}>Drivers must take the ring road."
    html = page().replace("<article><h1>", "<article>" + lead_in + "</p><h1>", 1)
    body = extract_html(html, "https://riverside.example/2025/05/bridge").body
    assert "explainedDrivers" not in body.replace("*", "").replace("_", "")
    assert "Drivers must take the ring road." in body


def test_code_elements_side_by_side_stay_apart() -> None:
    codes = "<code>U+00DF</code><code>0x C3 9F</code><code>two bytes</code>"
    html = page().replace("The mayor said", f"Eszett is {codes} and the mayor said")
    body = extract_html(html, "https://riverside.example/2025/05/bridge").body
    assert "Eszett is `U+00DF` `0x C3 9F` `two bytes` and" in body


def test_links_to_a_part_of_the_page_point_to_the_page_and_skip_links_go() -> None:
    """trafilatura resolves href="#part" against the site's root (its home page): the link
    points to the original page again. A link that only skips to a part of the page, first in
    a paragraph, goes; in a sentence it stays."""
    skip = '<p><a href="#list">Jump to the list &#x2935;</a> The city council voted again.</p>'
    said = (
        '<p>Readers can <a href="#piers">jump to the engineers\' report</a> to see the cracks '
        "found in two of the stone piers during the routine inspection of the bridge.</p>"
    )
    html = page().replace("<article><h1>", f"<article>{skip}{said}<h1>", 1)
    body = extract_html(html, "https://riverside.example/2025/05/bridge").body
    assert "Jump to the list" not in body and "The city council voted again." in body
    assert "[jump to the engineers' report](https://riverside.example/2025/05/bridge#piers)" in body
    assert "riverside.example#" not in body


def test_an_image_address_a_cms_glued_to_its_own_is_the_image_s() -> None:
    """Some CMSs prefix their site's address to an image's that was whole already; the page
    then shows a broken image. An address carrying another in its query stays as it is."""
    for stated, found in [
        (
            "https://riverside.examplehttps://images.example/bridge.jpg?w=940",
            "https://images.example/bridge.jpg?w=940",
        ),
        (
            "https://cdn.example/fit?url=https://images.example/bridge.jpg",
            "https://cdn.example/fit?url=https://images.example/bridge.jpg",
        ),
    ]:
        head = f'<meta property="og:image" content="{stated}">'
        url = "https://riverside.example/2025/05/bridge"
        assert extract_html(page(head=head), url).image_src == found


def test_an_outlet_that_names_itself_by_its_address_is_read_not_guessed() -> None:
    untitled = page().replace(" | The Riverside Post</title>", "</title>")
    untitled = untitled.replace('<a href="/">The Riverside Post</a>', "")
    url = "https://www.riversidepost.com/2025/05/bridge"
    head = '<meta property="og:site_name" content="RiversidePost.com"></head>'
    article = extract_html(untitled.replace("</head>", head), url)
    assert (article.source, "source" in article.guessed) == ("RiversidePost.com", False)
    # with no name stated, the address is a guess for the editor to confirm
    article = extract_html(untitled, url)
    assert (article.source, "source" in article.guessed) == ("riversidepost.com", True)


def _figure(src: str, caption: str) -> str:
    return f'<figure><img src="{src}" alt=""><figcaption>{caption}</figcaption></figure>'


@pytest.mark.parametrize(
    "src, caption, shown, credit",
    [
        # the figure showing og:image's picture, at another size and address of a CDN
        (
            "https://cdn.example/img/bridge-1024x576.jpg?w=940",
            'Engineers inspect a pier. <span class="credit">Photo: Ann Lee</span>',
            "Engineers inspect a pier.",
            "Ann Lee",
        ),
        # a credit its words mark, as wire photos have it
        (
            "https://riverside.example/bridge.jpg",
            "Engineers inspect a pier. (AP Photo/Ann Lee)",
            "Engineers inspect a pier.",
            "AP Photo/Ann Lee",
        ),
        # a "caption" that only credits
        (
            "https://riverside.example/bridge.jpg",
            "Riverside Post / Ann Lee",
            "",
            "Riverside Post / Ann Lee",
        ),
        ("https://riverside.example/bridge.jpg", "Illustration: Ann Lee", "", "Ann Lee"),
        # another picture's figure says nothing of the lead picture
        ("https://riverside.example/ferry.jpg", "The old ferry in 1950.", "", ""),
    ],
)
def test_the_lead_picture_keeps_the_caption_and_credit_its_figure_shows(
    src: str, caption: str, shown: str, credit: str
) -> None:
    html = page(head=HEAD).replace("</h1>", f"</h1>{_figure(src, caption)}")
    article = extract_html(html, "https://riverside.example/2025/05/bridge")
    assert article.image_src == "https://riverside.example/bridge.jpg"
    assert (article.image_caption, article.image_credit) == (shown, credit)


def test_a_caption_of_the_lead_picture_goes_into_the_front_matter_only_with_its_picture() -> None:
    figure = _figure("https://riverside.example/bridge.jpg", "Engineers inspect a pier.")
    html = page(head=HEAD).replace("</h1>", f"</h1>{figure}")
    article = extract_html(html, "https://riverside.example/b")
    meta = front_matter(article, Options(), "b.html", datetime(2025, 5, 7, tzinfo=UTC))
    assert meta["image"] == {
        "src": "https://riverside.example/bridge.jpg",
        "caption": "Engineers inspect a pier.",
    }


@pytest.mark.parametrize(
    "mark",
    [
        '<a class="headerlink" href="#{id}" title="Link to this heading">\u00b6</a>',  # Sphinx
        '<a class="headerlink" href="#{id}" title="Permanent link">&para;</a>',  # MkDocs
        '<a class="header-anchor" href="#{id}" aria-hidden="true">#</a>',  # VitePress
    ],
)
def test_heading_permalinks_leave_no_mark_in_the_headline_slug_or_body(mark: str) -> None:
    """Documentation and blog generators put a permalink mark after each heading. It is not
    part of the headline (nor of the slug made from it), nor of the body's headings; a link in
    the text to a part of the page stays."""
    html = page(h1="Elm Street bridge closes to cars" + mark.format(id="top"))
    section = f"<h2>What the engineers found{mark.format(id='found')}</h2>"
    said = '<p>See <a href="#found">what the engineers found</a> in the two stone piers.</p>'
    html = html.replace("</article>", f"{section}{PARAGRAPHS}{said}</article>", 1)
    found = extract_html(html, "https://riverside.example/2025/05/bridge")
    assert found.title == "Elm Street bridge closes to cars"
    assert "## What the engineers found\n" in found.body + "\n"
    assert "\u00b6" not in found.body and "bridge#top" not in found.body
    assert found.body.count("bridge#found)") == 1  # the link in the text
    assert (
        "[what the engineers found](https://riverside.example/2025/05/bridge#found)" in found.body
    )
    written = front_matter(found, Options(), "bridge.html", datetime(2025, 5, 7, tzinfo=UTC))
    assert written["slug"] == "elm-street-bridge-closes-to-cars"


def test_a_page_whose_story_comes_out_as_one_run_of_text_keeps_its_paragraphs() -> None:
    """The fixture has the markup of a real page (a publisher's template, its words replaced)
    whose text trafilatura 2.3's default mode gives as one run (header, author's bio and
    story together): its recall mode keeps the page's paragraphs, and those are taken."""
    html = (FIXTURES / "pages" / "flattened-by-default.html").read_text()
    paragraphs = extract_html(html, "https://riverside.example/2025/05/bridge").paragraphs
    assert len(paragraphs) >= 5
    assert max(map(len, paragraphs)) < 1000


def test_a_copy_that_names_its_original_on_another_site_keeps_that_address() -> None:
    to_wire = '<link rel="canonical" href="https://wire.example.com/bridge-closes">'
    copy = extract_html(page(head=HEAD + to_wire), "https://riverside.example/2025/05/bridge")
    assert copy.canonical == "https://wire.example.com/bridge-closes"
    to_itself = '<link rel="canonical" href="https://www.riverside.example/2025/05/bridge">'
    own = extract_html(page(head=HEAD + to_itself), "https://riverside.example/2025/05/bridge")
    assert own.canonical == ""


OWN = "https://riverside.example/2025/05/bridge"
OG = '<meta property="og:url" content="https://riverside.example/2025/05/bridge">'


@pytest.mark.parametrize(
    "head, address",
    [
        (f'<link rel="canonical" href="{OWN}">', OWN),
        (OG, OWN),  # no canonical link: its og:url says where it was published
        # a canonical link to the site's home page is a template's default, not this page's
        ('<link rel="canonical" href="https://riverside.example/">' + OG, OWN),
        ('<link rel="canonical" href="https://riverside.example/">', "https://riverside.example/"),
        # written as a person would type it: a valid address (letters of any script stand)
        (
            '<link rel="canonical" href="https://riverside.example/topic/Elm Street">',
            "https://riverside.example/topic/Elm%20Street",
        ),
        (
            '<meta property="og:url" content="https://riverside.example/café">',
            "https://riverside.example/café",
        ),
    ],
)
def test_a_saved_page_without_its_address_given_says_where_it_was_published(
    head: str, address: str
) -> None:
    article = extract_html(page(head=HEAD + head))
    assert article.url == address
    assert not article.canonical  # its own address, not an original elsewhere


def test_a_date_found_only_in_the_text_is_marked_as_guessed() -> None:
    copyright_year = extract_html(page(footer="© 2023 The Riverside Post"))
    assert copyright_year.date.startswith("2023") and "date" in copyright_year.guessed
    in_the_story = extract_html(page().replace("The mayor said", "On 12 March 2024 the mayor said"))
    assert in_the_story.date == "2024-03-12" and "date" in in_the_story.guessed
    stated = extract_html(page(head=HEAD, footer="© 2023 The Riverside Post"))
    assert stated.date.startswith("2025-05-06") and "date" not in stated.guessed


@pytest.mark.parametrize(
    "stated, shown, day",
    [
        # Digits that read both ways: the day the page writes out in words.
        ("03-09-2026", "Published March 9, 2026", "2026-03-09"),
        ("03-09-2026", "Published 3rd September 2026", "2026-09-03"),
        ("03/09/2026", "Published 9 Mar. 2026", "2026-03-09"),
        # Nothing in words, or both readings: the digits as read, day first.
        ("03-09-2026", "Published today", "2026-09-03"),
        ("03-09-2026", "March 9, 2026 and 3 September 2026", "2026-09-03"),
        # Digits that read one way only stay as they are, whatever the text says.
        ("2026-09-03", "Published March 9, 2026", "2026-09-03"),
        ("25-09-2026", "Published September 9, 2026", "2026-09-25"),
    ],
)
def test_a_date_in_digits_that_reads_both_ways_is_read_as_the_page_writes_it(
    stated: str, shown: str, day: str
) -> None:
    # Said at the story's end: a date line under the headline is read first (see below).
    head = f'<meta name="article:published_time" content="{stated}">'
    html = page(head=head).replace("</article>", f"<p>{shown}</p></article>")
    assert extract_html(html).date[:10] == day


@pytest.mark.parametrize(
    "line, day",
    [
        # The date line a reader sees under the headline, over the markup's 6 May.
        ("By <a href='/jane'>Jane Roe</a><span>Jun 2, 2025</span> · 4 min read", "2025-06-02"),
        ("Jane Roe | 2nd June 2025", "2025-06-02"),
        ("Published 2025-06-02 · Updated June 9, 2025", "2025-06-02"),
        # A line that shows only an update: the markup's publication date.
        ("By Jane Roe. Last updated: June 9, 2025", "2025-05-06"),
        # No date line: the markup's.
        ("By Jane Roe", "2025-05-06"),
        # A day apart is the markup's moment on the site's clock (its zone), not another date.
        ("Jane Roe | May 5, 2025", "2025-05-06"),
        ("Jane Roe | May 7, 2025", "2025-05-06"),
        # In digits: the month first where both read as one, as American pages write it.
        ("Jane Roe | 6/2/2025", "2025-06-02"),
        ("Jane Roe · 06.02.2025", "2025-06-02"),
        ("Jane Roe | 19/06/2025", "2025-06-19"),
        ("Jane Roe | Updated: 6/2/2025", "2025-05-06"),
    ],
)
def test_the_date_line_under_the_headline_is_the_date(line: str, day: str) -> None:
    html = page(head=HEAD).replace("</h1>", f"</h1><p class=byline>{line}</p>")
    article = extract_html(html, "https://riverside.example/b")
    assert article.date[:10] == day and "date" not in article.guessed


def test_a_date_line_in_digits_reads_day_first_where_the_page_writes_its_dates_so() -> None:
    html = page(head=HEAD).replace("</h1>", "</h1><p class=byline>Jane Roe | 02/06/2025</p>")
    written = html.replace("</article>", "<p>Also on 2 June 2025: the ferry.</p></article>")
    assert extract_html(written, "https://riverside.example/b").date[:10] == "2025-06-02"
    assert extract_html(html, "https://riverside.example/b").date[:10] == "2025-02-06"


def test_a_date_in_the_story_is_not_a_date_line() -> None:
    # The third paragraph is past the headline's date line: the markup's date stands.
    told = page(head=HEAD).replace("The mayor said", "On 12 March 2024 the mayor said")
    assert extract_html(told, "https://riverside.example/b").date.startswith("2025-05-06")


def test_a_date_line_on_a_page_whose_markup_states_no_date_is_for_the_editor_to_confirm() -> None:
    # Listings and forum threads show dates under their heading too: the day shown is taken
    # over one found in the story, and the page stays a draft until the editor confirms it.
    html = page().replace("</h1>", "</h1><p>June 2, 2025</p>")
    html = html.replace("The mayor said", "On 12 March 2024 the mayor said")
    article = extract_html(html, "https://riverside.example/b")
    assert article.date == "2025-06-02" and "date" in article.guessed


def test_the_text_search_for_a_date_never_hands_a_string_to_dateparser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # dateparser builds every language's month names first (seconds in each process, for one
    # guessed date of 793 on wcxb-dev): the search runs without it, and leaves
    # htmldate as it found it. If htmldate renames the hook, this fails and says so.
    asked: list[str] = []
    monkeypatch.setattr(htmldate.extractors, "_external_date", asked.append)
    hook = htmldate.extractors._external_date
    html = page(footer="Posted Thu, 09/25/2025 - 11:38")
    find_date(html, extensive_search=True)
    assert asked, "htmldate alone hands this string to dateparser"
    asked.clear()
    extract_html(html)
    assert asked == [] and htmldate.extractors._external_date is hook
    find_date(html, extensive_search=True)  # and nothing it cached in between says otherwise
    assert asked, "a later caller in the same process still asks dateparser"
    english = extract_html(page().replace("The mayor said", "On 12 March 2024 the mayor said"))
    assert english.date == "2024-03-12" and "date" in english.guessed  # read all the same


def test_json_ld_that_is_hostile_is_ignored() -> None:
    deep = "[" * 5000 + "]" * 5000
    huge = '{"@type": "NewsArticle", "headline": "' + "x" * 300_000 + '"}'
    head = f'<script type="application/ld+json">{deep}</script><script type="application/ld+json">{huge}</script>'
    article = extract_html(page(head=head), "https://riverside.example/2025/05/bridge")
    assert article.title == "Elm Street bridge closes to cars"


def briefings(command: str, project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefings", command, "-C", str(project), *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project, and saved pages beside it: bridge.html (no metadata) and
    stated.html (JSON-LD, og tags)."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "briefings.toml").write_text("")
    bare = bylined(page()).replace(" | The Riverside Post</title>", "</title>")  # names no site
    (tmp_path / "bridge.html").write_text(bare)
    (tmp_path / "stated.html").write_text(page(head=HEAD))
    return root


def test_a_page_with_no_date_or_outlet_becomes_a_draft_listed_with_its_needs(
    project: Path,
) -> None:
    result = briefings("ingest", project, str(project.parent / "bridge.html"))
    assert result.returncode == 0, result.stderr
    assert "draft" in result.stdout and "needs date, source" in result.stdout
    post = frontmatter.load(project / "content/articles/elm-street-bridge-closes-to-cars.md")
    assert post["draft"] is True and post["needs"] == ["date", "source"]
    listed = briefings("list", project, "--drafts")
    assert listed.returncode == 0, listed.stderr
    draft, needs, where = listed.stdout.splitlines()[1:4]  # under the header, one draft
    assert draft.startswith("elm-street-bridge-closes-to-cars")
    assert needs.strip() == "needs date, source"
    assert where.strip() == "in content/articles/elm-street-bridge-closes-to-cars.md"
    assert "STORY" not in listed.stdout  # a draft is in no story
    built = briefings("build", project)
    assert built.returncode == 0, built.stderr
    assert "1 draft(s), not published" in built.stdout and "(needs date, source)" in built.stdout


@pytest.mark.parametrize(
    ("title", "guess"),
    [
        ("Elm Street bridge closes to cars - The Riverside Post", "The Riverside Post"),
        ("엘제이-류화영 진흙탕 싸움 - Entermedia", "Entermedia"),
        ("Elm Street bridge closes to cars - what happens next", ""),  # a phrase, no name
    ],
)
def test_a_page_naming_no_site_but_in_its_title_gets_that_name_to_confirm(
    title: str, guess: str
) -> None:
    html = bylined(page()).replace(
        "<title>Elm Street bridge closes to cars | The Riverside Post", f"<title>{title}"
    )
    html = html.replace('<a href="/">The Riverside Post</a>', '<a href="/">Home</a>')
    article = extract_html(html)  # no address: no domain to name the outlet either
    written = front_matter(article, Options(), "bridge.html", datetime(2025, 5, 7, tzinfo=UTC))
    if guess:
        assert article.source == guess and "source" in article.guessed
        assert written["needs"][-1] == "source: read from the end of the page's title, check it"
        assert guess not in article.title
    else:
        assert not article.source and "source" in written["needs"]
    # With its address, the title's name is taken only when it shares the domain, and then
    # for sure; else the domain, guessed (no doubt to confirm either way).
    addressed = extract_html(html, "https://riverside.example/a")
    shares = guess == "The Riverside Post"
    assert addressed.source == (guess if shares else "riverside.example")
    assert ("source" in addressed.guessed) != shares and not addressed.source_doubt


@pytest.mark.parametrize(
    ("head", "doubted"),
    [
        ('<meta property="article:modified_time" content="2026-03-10T09:00:00+00:00">', True),
        ('<meta property="og:updated_time" content="2026-03-10T09:00:00+00:00">', True),
        (  # it says when it was published too: the date found is that one, and stands
            '<meta property="article:published_time" content="2023-07-07T09:00:00+00:00">'
            '<meta property="article:modified_time" content="2026-03-10T09:00:00+00:00">',
            False,
        ),
    ],
)
def test_a_date_that_is_only_the_last_update_is_for_the_editor_to_confirm(
    head: str, doubted: bool
) -> None:
    found = extract_html(page(head=head), "https://riverside.example/b")
    assert ("date" in found.guessed) is doubted
    assert bool(found.date_doubt) is doubted
    assert found.date[:10] == ("2026-03-10" if doubted else "2023-07-07")
    meta = front_matter(found, Options(), "b.html", datetime(2026, 3, 11, tzinfo=UTC))
    said = "date: the page states only when it was last updated, check it"
    assert (said in meta.get("needs", [])) is doubted and bool(meta.get("draft")) is doubted


def test_a_date_found_only_in_the_text_makes_a_draft_until_the_editor_confirms_it(
    project: Path,
) -> None:
    """A copyright year is no publication date: published, it would file the article under
    1 January. The page is kept, with the date it found, as a draft asking for a check."""
    saved = project.parent / "dated-by-footer.html"
    named = '<meta property="og:site_name" content="The Riverside Post">'
    saved.write_text(page(head=named, footer="© 2023 The Riverside Post"))
    result = briefings("ingest", project, str(saved), "--url", "https://riverside.example/b")
    assert result.returncode == 0, result.stderr
    assert "needs date: guessed from the page's text, check it" in result.stdout
    path = project / "content/articles/elm-street-bridge-closes-to-cars.md"
    post = frontmatter.load(path)
    assert post["draft"] is True and str(post["date"]).startswith("2023")
    assert "date" in post["guessed"]
    assert "1 draft(s), not published" in briefings("build", project).stdout
    given = briefings("ingest", project, str(saved), "--url", "https://riverside.example/b",
                      "--date", "2025-05-06", "--force")  # fmt: skip
    assert given.returncode == 0, given.stderr
    post = frontmatter.load(path)
    assert "draft" not in post and "guessed" not in post and str(post["date"]) == "2025-05-06"


def test_a_page_that_shows_no_sign_of_an_article_is_a_draft_to_review() -> None:
    """No byline, no date under the headline, no markup or address that says article: a
    service page, a listing, a docs page far more often than an article. Written as a draft
    for the editor to confirm; any one sign makes it an article."""
    unsigned = page().replace(" | The Riverside Post</title>", "</title>")
    address = "https://riverside.example/elm-street"
    assert extract_html(unsigned, address).doubt == (
        "it shows no byline and no date under its headline"
    )
    assert extract_html(bylined(unsigned), address).doubt == ""
    dated = unsigned.replace("</h1>", "</h1><p>May 6, 2025</p>")
    assert extract_html(dated, address).doubt == ""
    assert extract_html(unsigned, "https://riverside.example/news/elm-street").doubt == ""
    typed = unsigned.replace("</head>", HEAD + "</head>")  # JSON-LD NewsArticle
    assert extract_html(typed, address).doubt == ""


def test_a_page_whose_address_says_shop_or_docs_is_a_draft_to_review_not_an_article(
    project: Path,
) -> None:
    """Nothing in the page says article and its address is a docs page: written, so nothing is
    lost, but as a draft that says why; --force writes it as an article."""
    more = "".join(
        f"<p>Section {n}: the council's engineers will publish the inspection report, the detour "
        f"map and the schedule of repairs for the piers, and residents may comment on all of "
        f"them at the town hall until the end of June.</p>"
        for n in range(1, 4)
    )
    html = bylined(page(head=HEAD)).replace("NewsArticle", "WebPage")
    html = html.replace("</article>", more + "</article>")
    assert extract_html(html, "https://ex.org/news/bridge").doubt == ""  # an article's address
    # a site for docs, forums or a shop, by its host's first label
    for host in ("developer", "learn", "wiki"):
        assert extract_html(html, f"https://{host}.ex.org/bridge").doubt.startswith("its address")
    assert extract_html(html, "https://learn.ex.org/blog/bridge").doubt == ""  # a blog post there
    assert extract_html(html, "https://learning.ex.org/bridge").doubt == ""
    saved = project.parent / "docs.html"
    saved.write_text(html)
    result = briefings("ingest", project, str(saved), "--url", "https://ex.org/docs/bridge")
    assert result.returncode == 0, result.stderr
    assert "needs review: may not be an article" in result.stdout
    path = project / "content/articles/elm-street-bridge-closes-to-cars.md"
    post = frontmatter.load(path)
    assert post["draft"] is True and post["needs"][0].startswith("review")
    assert "1 draft(s), not published" in briefings("build", project).stdout
    forced = briefings("ingest", project, str(saved), "--url", "https://ex.org/docs/b", "--force")
    assert forced.returncode == 0 and "review" not in forced.stdout
    assert "draft" not in frontmatter.load(path)


def test_the_slug_is_written_so_a_new_headline_keeps_the_address(project: Path) -> None:
    stated = project.parent / "stated.html"
    assert (
        briefings("ingest", project, str(stated), "--url", "https://riverside.example/a").returncode
        == 0
    )
    post = frontmatter.load(project / "content/articles/elm-street-bridge-closes-to-cars.md")
    assert post["slug"] == "elm-street-bridge-closes-to-cars"
    # a second page whose headline gives the same slug gets its own
    other = project.parent / "other.html"
    other.write_text(
        stated.read_text().replace("stone piers", "brick piers").replace("Residents", "People")
    )
    result = briefings("ingest", project, str(other), "--source", "Another Outlet")
    assert result.returncode == 0, result.stderr
    second = frontmatter.load(project / "content/articles/elm-street-bridge-closes-to-cars-2.md")
    assert second["slug"] == "elm-street-bridge-closes-to-cars-2"


def test_a_page_ingested_again_with_other_words_is_the_same_article(project: Path) -> None:
    """A newer briefings may extract a page ingested before in other words (a headline without
    a stray mark, a paragraph more): its address says it is the same page. It is reported as
    ingested already, and --force replaces that article where it is, under its slug."""
    url = "https://riverside.example/2025/05/bridge"
    first = project.parent / "first.html"
    first.write_text(page(head=HEAD, h1="Elm Street bridge closes<a href='#t'>\u00b6</a>"))
    assert briefings("ingest", project, str(first), "--url", url).returncode == 0
    (written,) = (project / "content/articles").glob("*.md")
    slug = frontmatter.load(written)["slug"]
    later = project.parent / "later.html"
    later.write_text(page(head=HEAD).replace("stone piers", "old stone piers"))
    again = briefings("ingest", project, str(later), "--url", url)
    assert again.returncode == 0 and "1 unchanged" in again.stdout, again.stdout
    assert list((project / "content/articles").glob("*.md")) == [written]
    forced = briefings("ingest", project, str(later), "--url", url, "--force")
    assert forced.returncode == 0 and "1 replaced" in forced.stdout, forced.stdout
    assert list((project / "content/articles").glob("*.md")) == [written]
    post = frontmatter.load(written)
    assert post["slug"] == slug and "old stone piers" in post.content
    # The same address from another outlet is not the same article; nor is a site's home page
    # (stated by some templates for every page) an article's address.
    other = briefings("ingest", project, str(later), "--url", url, "--source", "Another Outlet")
    assert other.returncode == 0 and len(list((project / "content/articles").glob("*.md"))) == 2
    home = "https://riverside.example/"
    for n, words in enumerate(["brick piers", "iron railings"]):
        third = project.parent / f"third-{n}.html"
        third.write_text(page(head=HEAD).replace("stone piers", words))
        assert briefings("ingest", project, str(third), "--url", home).returncode == 0
    assert len(list((project / "content/articles").glob("*.md"))) == 4


def test_the_index_of_known_articles_is_kept_and_a_bad_one_is_ignored(project: Path) -> None:
    stated = str(project.parent / "stated.html")
    assert briefings("ingest", project, stated).returncode == 0
    store = project / ".briefings/ingest/index.sqlite"
    with contextlib.closing(sqlite3.connect(store)) as db:
        rows = db.execute("SELECT name, slug FROM articles").fetchall()
    assert rows == [("elm-street-bridge-closes-to-cars.md", "elm-street-bridge-closes-to-cars")]
    again = briefings("ingest", project, stated)
    assert again.returncode == 0 and "1 unchanged" in again.stdout
    # A store with SQL of its own (a trigger that would write a file's worth of rows as we
    # write ours) is not ours: thrown away unread, and made again from the files.
    with contextlib.closing(sqlite3.connect(store)) as db, db:
        db.execute("CREATE TABLE planted (x TEXT)")
        db.execute(
            "CREATE TRIGGER t AFTER INSERT ON articles BEGIN INSERT INTO planted VALUES ('ran'); END"
        )
        db.execute("DELETE FROM articles")
    third = briefings("ingest", project, stated)
    assert third.returncode == 0 and "1 unchanged" in third.stdout  # rebuilt from the files
    with contextlib.closing(sqlite3.connect(store)) as db:
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "planted" not in tables
    # Rows of the wrong types are not trusted either.
    with contextlib.closing(sqlite3.connect(store)) as db, db:
        db.execute("UPDATE articles SET size = 'big', sample = 'not bytes'")
    known = Known(project / "content/articles", store)
    entry = known.entry_at(project / "content/articles/elm-street-bridge-closes-to-cars.md")
    assert entry is not None and entry.slug == "elm-street-bridge-closes-to-cars"
    known.save()


def test_an_index_in_use_by_another_command_is_waited_for_never_thrown_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\nsource: Wire\n---\nThe bridge reopened today.\n")
    store = tmp_path / "index.sqlite"
    Known(folder, store).save()
    monkeypatch.setattr(runtime_sqlite, "BUSY_SECONDS", 0.2)
    with contextlib.closing(sqlite3.connect(store)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another ingest, writing
        with pytest.raises(BriefingsError, match="in use by another briefings command"):
            Known(folder, store)
        other.rollback()
    assert store.exists()
    known = Known(folder, store)
    assert known.entry_at(folder / "a.md") is not None  # kept, not made again
    (folder / "b.md").write_text("---\ntitle: B\nsource: Wire\n---\nThe ferry stopped.\n")
    known.add(folder / "b.md", {"slug": "b", "source": "Wire", "fingerprint": "f"}, [4, 8])
    with contextlib.closing(sqlite3.connect(store)) as other:  # written at once, not at save()
        assert other.execute("SELECT slug FROM articles WHERE name = 'b.md'").fetchone() == ("b",)
    known.save()


def test_a_file_that_appears_under_the_chosen_name_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between choosing a free name and writing, another ingest or the editor may write a file
    of that name: it is kept, and the page takes the next free name."""
    folder = tmp_path / "articles"
    page_file = tmp_path / "stated.html"
    page_file.write_text(page(head=HEAD))
    found = extract_one(page_file, Options("", "", "", (), False), {})
    assert found.article is not None
    known = Known(folder, tmp_path / "index.sqlite")
    slug = known.free_slug(
        front_matter(found.article, Options("", "", "", (), False), "x", datetime.now(UTC))["slug"]
    )
    theirs = "---\ntitle: Theirs\n---\nWritten a moment ago.\n"
    real_free_slug = Known.free_slug

    def raced(self: Known, wanted: str) -> str:  # the name looked free; then a file came
        chosen = real_free_slug(self, wanted)
        if not folder.exists():  # (the first time only)
            folder.mkdir()
            (folder / f"{chosen}.md").write_text(theirs)
        return chosen

    monkeypatch.setattr(Known, "free_slug", raced)
    outcome = place_one(found, known, Options("", "", "", (), False), False, lambda line: None)
    assert (folder / f"{slug}.md").read_text() == theirs
    assert outcome.path == folder / f"{slug}-2.md" and outcome.status in ("written", "draft")
    assert frontmatter.load(outcome.path)["slug"] == f"{slug}-2"
    known.save()


def test_a_copy_is_found_among_many_articles_by_the_values_it_shares(tmp_path: Path) -> None:
    """The index answers each page's questions by query: a copy is found among thousands of
    articles by the values it shares, and a run writes only the rows that changed."""
    folder = tmp_path / "articles"
    folder.mkdir()
    store = tmp_path / "index.sqlite"
    words = [f"w{n}" for n in range(5000)]
    for n in range(300):
        body = " ".join(random.Random(n).sample(words, 200))
        (folder / f"a{n}.md").write_text(
            f"---\ntitle: A {n}\nsource: Outlet {n % 3}\n---\n{body}\n"
        )
    said: list[str] = []
    Known(folder, store, said.append).save()
    assert said == [f"Indexing 300 articles in {folder} (once; kept after)"]
    copied = (folder / "a42.md").read_text().split("---\n", 2)[2]
    known = Known(folder, store, said.append)
    assert len(said) == 1  # kept: nothing to read again
    sample = sampled_shingles(copied + " one more line at the end")
    assert known.copy_of(sample, "Another Outlet") == "a-42"
    assert known.copy_of(sample, "Outlet 0") == ""  # its own outlet's: not a syndicated copy
    assert known.free_slug("a-42") == "a-42-2"
    known.save()
    with contextlib.closing(sqlite3.connect(store)) as db:
        (count,) = db.execute("SELECT count(*) FROM articles").fetchone()
        (anchors,) = db.execute("SELECT count(*) FROM anchors").fetchone()
    assert count == 300 and anchors <= 300 * ANCHORS


def test_page_keywords_make_topics_only_through_the_topics_table(project: Path) -> None:
    (project / "briefings.toml").write_text(
        '[topics]\nInfrastructure = ["Bridges", "Roads"]\n[related]\nentity_topics = false\n'
    )
    assert briefings("ingest", project, str(project.parent / "stated.html")).returncode == 0
    built = briefings("build", project)
    assert built.returncode == 0, built.stderr
    topics = sorted(p.name for p in (project / "site/topics").iterdir() if p.is_dir())
    assert topics == ["infrastructure"]
    # shown on the article as a topic the editor chose, not as a name found in the text
    page_html = (project / "site/articles/elm-street-bridge-closes-to-cars/index.html").read_text()
    assert (
        '<ul class="tags">\n<li><a href="../../topics/infrastructure/">Infrastructure</a>'
        in page_html
    )


def test_a_folder_is_extracted_on_every_core_and_reported_in_order(project: Path) -> None:
    inbox = project.parent / "inbox"
    inbox.mkdir()
    towns = ["Ashford", "Bexley", "Crawley", "Dover", "Epsom", "Frome", "Goole"]
    for n, town in enumerate(towns):
        html = page(head=HEAD, h1=f"{town} bridge closes to cars").replace("Elm Street", town)
        (inbox / f"{n}.html").write_text(html.replace("stone piers", f"{town} piers"))
    (inbox / "7.html").write_text("<html><body><p>Home</p><p>News</p></body></html>")
    result = briefings("ingest", project, str(inbox))
    assert result.returncode == 0, result.stderr
    lines = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert lines == [str(inbox / f"{n}.html") for n in range(8)]
    assert "1 refused, 7 written" in result.stdout
    slugs = sorted(p.stem for p in (project / "content/articles").glob("*.md"))
    assert slugs == sorted(f"{t.lower()}-bridge-closes-to-cars" for t in towns)


def with_byline(byline: str, head: str = "") -> str:
    return page(head=head).replace("</h1>", "</h1>" + byline, 1)


@pytest.mark.parametrize(
    ("byline", "head", "authors"),
    [
        ('<p>By <a href="/author/jane-roe/">Jane Roe</a></p>', "", ["Jane Roe"]),
        (
            '<div><p>Written by</p><p class="x">Jane Roe and John Doe</p></div>',
            "",
            ["Jane Roe", "John Doe"],
        ),
        ("<div><span>By</span> Çelik Nimani</div>", "", ["Çelik Nimani"]),
        ("<p>By A. J. van Dyke</p>", "", ["A. J. van Dyke"]),
        ("<p>Written by Jane Roe</p>", "", ["Jane Roe"]),
        ("<p>By: Jane Roe</p>", "", ["Jane Roe"]),
        # a "By" line that goes on with when it was written (comments between, as React leaves)
        ("<p>by: <!-- -->Jane Roe<!-- -->, <!-- -->Dec 17, 2025</p>", "", ["Jane Roe"]),
        ("<span>By Jane Roe · 5 min read</span>", "", ["Jane Roe"]),
        ("<div>By Jane Roe Updated October 17, 2025</div>", "", ["Jane Roe"]),
        ("<span>Posted by Jane Roe and A. J. van Dyke</span>", "", ["Jane Roe", "A. J. van Dyke"]),
        # an author box holding bios: its phrases are no names, the names it holds are
        (
            '<div class="author-name">Written by <a href="/author/jane-roe/">Jane Roe</a>, ten'
            " years covering bridges, roads and rail, and <a href='/author/john-doe/'>John"
            " Doe</a>, senior editor and gardener with a degree in English, who has tested"
            " every ferry in the county.</div>",
            "",
            ["Jane Roe", "John Doe"],
        ),
        (
            "",
            '<meta name="twitter:label1" content="Written by">'
            '<meta name="twitter:data1" content="Jane Roe">',
            ["Jane Roe"],
        ),
        # the outlet in the author field gives way to a person named on the page...
        (
            '<p>By <a href="/authors/jane-roe">Jane Roe</a></p>',
            '<meta property="og:site_name" content="The Riverside Post">'
            '<meta name="author" content="The Riverside Post">',
            ["Jane Roe"],
        ),
        # ...and stands when the page names nobody else
        (
            "",
            '<meta property="og:site_name" content="The Riverside Post">'
            '<meta name="author" content="The Riverside Post">',
            ["The Riverside Post"],
        ),
    ],
)
def test_bylines_are_found_where_pages_put_them(byline: str, head: str, authors: list[str]) -> None:
    assert extract_html(with_byline(byline, head)).authors == authors


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        ('<meta name="parsely-author" content="Jane Roe">', ["Jane Roe"]),
        ('<meta name="sailthru.author" content="Jane Roe">', ["Jane Roe"]),
        (  # Google Scholar's tags: one per author
            '<meta name="citation_author" content="Jane Roe">'
            '<meta name="citation_author" content="John Doe">',
            ["Jane Roe", "John Doe"],
        ),
        (  # ...written surname first, as a catalogue writes names (arXiv)
            '<meta name="citation_author" content="Roe, Jane">'
            '<meta name="citation_author" content="van Dyke, John T.">',
            ["Jane Roe", "John T. van Dyke"],
        ),
    ],
)
def test_author_fields_other_tools_write_into_meta_are_read(head: str, authors: list[str]) -> None:
    assert extract_html(with_byline("", head)).authors == authors


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        # the line of facts right under the headline, when it holds a date
        ("<p>Jane Roe | Senior Writer | July 2, 2025</p>", ["Jane Roe"]),
        (
            "<p>Dec 26, 2025 &bull; <img src='a.png'> Jane Roe in <a href='/t/'>Travel</a></p>",
            ["Jane Roe"],
        ),
        # an element a theme names for its author
        (
            '<div class="dateAndAuthor"><span>Dec 17, 2025</span><span>Julian K. Arni</span></div>',
            ["Julian K. Arni"],
        ),
        ('<span class="blog-meta-author"> Tim Enwall </span>', ["Tim Enwall"]),
    ],
)
def test_a_byline_without_a_label_is_found_beside_the_headline_or_in_an_author_element(
    byline: str, authors: list[str]
) -> None:
    assert extract_html(with_byline(byline)).authors == authors


@pytest.mark.parametrize(
    "under",
    [
        "<p>Updated: 6/2/2025 Contact: Jane Roe</p>",  # a contact is no author
        "<p>What the mayor can teach us about bridges, roads and rail in 2025</p>",  # a dek
        "<p>Jane Roe</p>",  # a line of names without a date may be anything
    ],
)
def test_a_line_under_the_headline_without_a_byline_s_shape_names_nobody(under: str) -> None:
    assert extract_html(with_byline(under)).authors == []


def test_a_stated_handle_beats_a_name_in_an_author_element() -> None:
    # such elements also list other posts' and comments' authors
    page = with_byline(
        '<div class="dateAndAuthor"><span>Dec 17, 2025</span><span>John Doe</span></div>',
        '<meta name="author" content="kffnirmitap">',
    )
    assert extract_html(page).authors == ["kffnirmitap"]


@pytest.mark.parametrize(
    ("shown", "authors"),
    [
        # the byline a reader sees under the headline beats the CMS's account in <meta>
        ("<p>By: Paul Fenaroli</p>", ["Paul Fenaroli"]),
        ("<p>Written by Paul Fenaroli, Associate Attorney</p>", ["Paul Fenaroli"]),
        # a credit for the picture, a review or a fact check is no byline
        ("<p>Photo by Paul Fenaroli</p>", ["Luke Daigle"]),
        ("<p>Reviewed by Paul Fenaroli</p>", ["Luke Daigle"]),
    ],
)
def test_the_byline_shown_under_the_headline_beats_the_author_field(
    shown: str, authors: list[str]
) -> None:
    page = with_byline(shown, '<meta name="author" content="Luke Daigle">')
    assert extract_html(page).authors == authors


@pytest.mark.parametrize(
    "furniture",
    [
        '<nav><a href="/staff/">Faculty</a> <a href="/people/board">Board of Trustees</a></nav>',
        "<div><span>Sort by</span> <span>Newest</span></div><div><span>By</span><span>State</span></div>",
        '<p><a href="https://bsky.app/profile/jane.example">Bluesky</a></p>',
        "<div><p>Author</p><p>USE CASE</p></div>",
        "<p>By the way, on 5 May the bridge closed.</p>",
        "<p>By clicking Subscribe, you agree to our terms of 2025.</p>",
    ],
)
def test_menus_and_labels_that_name_nobody_give_no_author(furniture: str) -> None:
    assert extract_html(with_byline(furniture)).authors == []


def test_ingest_says_when_init_s_sample_article_still_leads_the_site(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    init_project(root, log=lambda _: None)
    (tmp_path / "stated.html").write_text(page(head=HEAD))
    result = briefings("ingest", root, str(tmp_path / "stated.html"))
    assert result.returncode == 0, result.stderr
    assert "welcome.md is the sample article from `init`, still published" in result.stdout
    sample = root / "content/articles/welcome.md"
    sample.write_text(sample.read_text().replace("Welcome to your briefing", "About this desk"))
    (root / "content/articles/elm-street-bridge-closes-to-cars.md").unlink()
    again = briefings("ingest", root, str(tmp_path / "stated.html"))
    assert again.returncode == 0 and "1 written" in again.stdout
    assert "sample article" not in again.stdout  # the editor's own now


def test_ingest_says_so_of_init_s_sample_article_when_it_writes_only_drafts(
    tmp_path: Path,
) -> None:
    root = tmp_path / "desk"
    init_project(root, log=lambda _: None)
    dump = tmp_path / "story.txt"  # no date, no outlet: a draft that needs both
    dump.write_text(
        "The city council voted on Tuesday to close the Elm Street bridge to cars for a year of"
        " repairs, after inspectors found cracks in two of its steel beams.\n\n"
        "Buses will run on the Oak Avenue bridge instead, adding about ten minutes to the trip"
        " downtown, and a ferry will carry cyclists across the river every half hour.\n\n"
        "Engineers said the cracks posed no danger to people on foot, who may still cross, but"
        " that the weight of traffic could widen them before the repairs begin in the spring.\n"
    )
    result = briefings("ingest", root, str(dump))
    assert result.returncode == 0 and "1 draft" in result.stdout, result.stdout
    assert "welcome.md is the sample article from `init`, still published" in result.stdout


def test_a_logo_in_an_h1_is_the_outlet_not_the_headline() -> None:
    html = f"""<!doctype html><html><head><title>Elm Street bridge closes to cars after cracks
are found • Riverside Notes</title></head><body><header><h1>Riverside Notes</h1></header>
<article>{PARAGRAPHS}</article></body></html>"""
    found = extract_html(html, "https://notes.example.org/2025/05/bridge")
    assert found.title == "Elm Street bridge closes to cars after cracks are found"
    assert found.source == "Riverside Notes"
    assert "source" not in found.guessed


@pytest.mark.parametrize(
    "printed",
    [
        "<p>By <strong>Jane Roe</strong> — 10 min read</p>",
        "<h4>Jane Roe</h4>",
        "<p>Posted by <a href='/author/jane-roe/'>Jane Roe</a></p>",
    ],
)
def test_the_byline_printed_above_the_story_is_not_in_its_body(printed: str) -> None:
    """The authors are in the front matter and the article page shows them once."""
    result = extract_html(with_byline(printed, '<meta name="author" content="Jane Roe">'))
    assert result.authors == ["Jane Roe"]
    assert not any("Jane Roe" in p for p in result.paragraphs)
    assert result.paragraphs[0].startswith("The city council voted")


@pytest.mark.parametrize(
    "printed",
    [
        "<p><em>Updated: 10/31/2024</em></p>",
        "<p>Last updated on September 16th, 2023 at 09:27 am</p>",
        "<p>Posted On</p>",  # its date in an element of its own, elsewhere
        "<p><em>Originally published in March 2022. Last updated on December 20, 2024.</em></p>",
        "<p>Originally posted February 2017</p>",
    ],
)
def test_when_the_page_says_it_was_published_or_updated_is_not_in_the_body(printed: str) -> None:
    result = extract_html(with_byline(printed))
    assert result.paragraphs[0].startswith("The city council voted")


@pytest.mark.parametrize(
    "said",
    [
        "<p>Date: January 6-9, 2026</p>",  # an event's own days
        "<p>Updated policies make the crossing easier for families.</p>",
        "<p>Originally published in 2019, the report was updated twice since.</p>",
    ],
)
def test_a_date_or_update_that_is_part_of_the_story_stays(said: str) -> None:
    result = extract_html(with_byline(said))
    assert result.paragraphs[0] == said.removeprefix("<p>").removesuffix("</p>")


@pytest.mark.parametrize(
    "printed",
    [
        "<p><em>Updated September 26, 2011</em></p>",
        "<p>- Posted July 10, 2004</p>",
        "<p>October 10, 2021</p>",
        "<p>Last updated on June 2, 2025</p>",
    ],
)
def test_when_the_page_says_it_was_posted_is_not_at_the_end_of_the_body(printed: str) -> None:
    result = extract_html(page().replace("</article>", printed + "</article>", 1))
    assert result.paragraphs[-1].startswith("The mayor said repairs would begin")


def test_every_update_a_page_prints_at_its_end_goes() -> None:
    printed = "<p><em>Updated November 23, 2013</em></p><p><em>Updated September 26, 2011</em></p>"
    result = extract_html(
        page().replace("</article>", printed + "<p>- Posted July 10, 2004</p></article>", 1)
    )
    assert result.paragraphs[-1].startswith("The mayor said repairs would begin")


def test_a_date_that_ends_a_sentence_of_the_story_stays_at_its_end() -> None:
    said = "<p>The bridge is to reopen on October 10, 2027.</p>"
    result = extract_html(page().replace("</article>", said + "</article>", 1))
    assert result.paragraphs[-1] == "The bridge is to reopen on October 10, 2027."


def test_a_paragraph_that_names_the_author_among_other_words_stays() -> None:
    said = "<p>Jane Roe spoke to residents on both banks of the river.</p>"
    result = extract_html(with_byline(said, '<meta name="author" content="Jane Roe">'))
    assert any(p.startswith("Jane Roe spoke") for p in result.paragraphs)


def test_a_publication_s_name_in_an_h1_above_the_story_is_its_source() -> None:
    # As Substack lays a post out: an empty <title>, the publication's name in an h1 of the
    # header, the post's headline in another; the publisher named only in JSON-LD.
    ld = {**LD, "publisher": {"@type": "Organization", "name": "Bridges Weekly"}}
    html = f"""<!doctype html><html><head><title></title>
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>
<header><h1><a href="/">Bridges Weekly</a></h1></header>
<article><h1>Elm Street bridge closes to cars</h1>{PARAGRAPHS}</article></body></html>"""
    article = extract_html(html, "https://newsletter.bridges-weekly.example/p/elm-street")
    assert article.source == "Bridges Weekly" and "source" not in article.guessed
    assert article.title == "Elm Street bridge closes to cars"
    # An h1 that is the headline the page states stays the headline, never the source.
    alone = html.replace("Bridges Weekly", "Elm Street bridge closes to cars")
    article = extract_html(alone, "https://newsletter.bridges-weekly.example/p/elm-street")
    assert article.source != "Elm Street bridge closes to cars"


def test_a_page_that_names_its_writer_only_in_a_sentence_gives_the_name() -> None:
    url = "https://riverside.example/2025/05/bridge"
    described = (
        '<meta property="og:site_name" content="The Riverside Post">'
        '<meta name="description" content="This post was written by Ann Lee, MD, engineer,'
        ' The Riverside Post. The bridge will close.">'
    )
    assert extract_html(page(head=described), url).authors == ["Ann Lee, MD"]
    bio = page(footer="x").replace(
        "</article>",
        "<p>Julia Gralberg is a freelance travel writer who has lived by the river for years."
        "</p></article>",
    )
    told = extract_html(bio, url)
    assert told.authors == ["Julia Gralberg"]
    assert "Julia Gralberg" not in told.body  # the front matter names her: the note goes
    # A byline the page states wins over both.
    assert extract_html(page(head=HEAD + described), url).authors == ["Jane Roe", "John Doe"]


def test_an_author_box_gives_the_name_on_its_first_line_not_its_bio() -> None:
    box = (
        '<div class="blog_author-wrapper"><div class="blog_author-image"><img alt=""></div>'
        '<div class="blog_author-text"><div class="small">Lauren Vetter</div><div><p>Lauren'
        " Vetter is a growth-focused marketing professional who works with clinics and"
        " practices across the country on their search results.</p></div></div></div>"
    )
    html = page(footer="x").replace("</article>", f"</article>{box}")
    assert extract_html(html, "https://riverside.example/2025/05/bridge").authors == [
        "Lauren Vetter"
    ]
