"""Saved HTML pages: trafilatura extracts the article's text, our own rules choose its headline,
authors, outlet, summary and keywords from what the page says about itself, and decide whether
it is an article at all."""

from __future__ import annotations

import copy
import re
from urllib.parse import quote, urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from briefings.ingest.authors import author_names, clean_authors, shown_first
from briefings.ingest.clean import AUTHOR_BIO, polish, without_bio, without_header_lines
from briefings.ingest.dates import only_updated, page_date, shown_date
from briefings.ingest.fields import (
    choose_title,
    host_of,
    named_like_a_site,
    outlet,
    site_banner,
    stated_banner,
    tidy_headline,
    title_site,
)
from briefings.ingest.image import lead_caption
from briefings.ingest.keywords import clean_keywords
from briefings.ingest.kind import doubtful, not_an_article
from briefings.ingest.model import Extracted
from briefings.ingest.page import page_facts
from briefings.ingest.summary import choose_summary
from briefings.urls import is_web_url

PRECISE_SHARE = 0.6  # chosen on the tune part of aeb-dev and wcxb-dev together
FLAT_LENGTH = 3000  # characters in one paragraph: no story's paragraph runs this long
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_SKIP_LINK = re.compile(r"\W*(?:skip|jump)\s+to\b", re.IGNORECASE)
# A heading's permalink: a link to a part of the page itself whose whole text is a mark (Sphinx
# and MkDocs write "¶" after each heading, VitePress and others "#", some "§" or "🔗"). Left in,
# the mark is glued to the headline ("Logging HOWTO¶", slug "logging-howtop") and to every
# heading of the body as a link.
_HEADING_ANCHOR = re.compile(
    r"<a\s[^<>]*?href\s*=\s*[\"']#[^\"'<>]*[\"'][^<>]*>\s*"
    r"(?:¶|§|#|🔗|⚓|&para;|&sect;|&#182;|&#167;|&#x[bB]6;|&#x[aA]7;|&#35;)\s*</a\s*>",
    re.IGNORECASE,
)


# An address a CMS prefixed with its own site's, though it was whole already:
# "https://site.example" + "https://images.example/a.jpg", a second scheme before any path.
_GLUED_URL = re.compile(r"^https?://[^/]*?(https?://.+)$", re.IGNORECASE)


def _unglued(url: str) -> str:
    """URL without a site's address glued before it ("https://site.examplehttps://cdn..." is
    the image at "https://cdn..."; a broken image on the article's page, else). An address
    that carries another in its path or query ("https://cdn.example/fit?u=https://...") is
    left as it is."""
    glued = _GLUED_URL.match(url.strip())
    return glued.group(1) if glued else url


def _original(canonical: str, url: str) -> str:
    """CANONICAL when it names a page on another site than URL's: a syndicated copy's pointer
    to the original (a site's canonical link to itself says nothing)."""
    if not (is_web_url(canonical) and is_web_url(url)):
        return ""
    here, there = host_of(url).removeprefix("www."), host_of(canonical).removeprefix("www.")
    return canonical if here and there and here != there else ""


def _own_address(canonical: str, stated: str) -> str:
    """Where a saved page says it was published: its canonical link; or, where it has none or
    that link is its site's home page (a template's default, not this page's), the address its
    og:url STATED gives."""
    canonical = canonical if is_web_url(canonical) else ""
    stated = stated if is_web_url(stated) else ""
    if not canonical or (_home(canonical) and stated and not _home(stated)):
        return _escaped(stated or canonical)
    return _escaped(canonical)


# What may not stand in an address as written (letters of any script may: "/wiki/한국").
_NOT_IN_ADDRESS = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')


def _escaped(address: str) -> str:
    """ADDRESS with what may not stand in one percent-encoded: a page may state its address
    as a person would type it ("https://kval.com/topic/Car Rental")."""
    return _NOT_IN_ADDRESS.sub(lambda m: quote(m[0], safe=""), address)


def _home(url: str) -> bool:
    return urlsplit(url).path.strip("/") == ""


# A line break as the last thing inside bold or italic ("<strong>Lead-in<br></strong>Text"):
# trafilatura drops it with the formatting's end, gluing the next word on ("Lead-inText"). Put
# after the closing tag, it stays a break between them.
_BREAK_CLOSING_INLINE = re.compile(r"(<br\s*/?>)(\s*</(?:strong|b|em|i|u|span)\s*>)", re.IGNORECASE)


def extract_html(html: str, url: str = "", sources: dict[str, str] | None = None) -> Extracted:
    """The article in a saved HTML page, as Markdown paragraphs with safe links kept. URL: where
    the page was fetched from (else the address it states: _own_address), which helps find its
    outlet."""
    result = Extracted(extractor=f"trafilatura {trafilatura.__version__}")
    html = _BREAK_CLOSING_INLINE.sub(r"\2\1", _HEADING_ANCHOR.sub("", html))
    # Parsed once for every reading: trafilatura works on a copy of a tree it is given.
    tree = load_html(html)
    if tree is None:
        return result
    facts = page_facts(copy.deepcopy(tree))
    url = url or _own_address(facts.canonical, facts.meta.get("og:url", ""))
    # trafilatura's precision mode keeps less boilerplate (aeb-dev, 2019 news pages), but on
    # newer pages (wcxb-dev) it sometimes drops much of the article or finds none: when it
    # keeps under PRECISE_SHARE of what the default mode finds, the default mode's text is taken.
    precise = _extraction(tree, url, precise=True, metadata=False)
    full = _extraction(tree, url, precise=False, metadata=True)
    document = full or precise
    if document is None:
        return result
    paragraphs = _paragraphs(precise, url) if precise is not None else []
    if full is not None:
        wide = _paragraphs(full, url)
        if _words(paragraphs) < PRECISE_SHARE * _words(wide):
            paragraphs = wide
    if _flattened(paragraphs):
        # Its extractor fell back to the page's text in one run (the header, bylines and the
        # story as one paragraph); in its recall mode it keeps the page's paragraphs.
        recall = _extraction(tree, url, precise=False, metadata=False, recall=True)
        structured = _paragraphs(recall, url) if recall is not None else []
        if structured and not _flattened(structured):
            paragraphs = structured
    meta = facts.meta
    site = meta.get("og:site_name") or facts.ld_publisher or (document.sitename or "")
    # No site named in the metadata, and no address to name one: the name the page's title
    # ends with ("엘제이-류화영 ... - Entermedia"), cut from the headline and given as a guess.
    guess = title_site(facts.title_tag) if not site and not host_of(url) else ""
    guess = guess if named_like_a_site(guess) else ""
    references = [meta.get("og:title", ""), facts.title_tag, facts.ld_headline]
    # A site's name shown as an h1 banner is no headline, and names the outlet (after those
    # the page states).
    first = next((r for r in references if r), document.title or "")
    stated = [meta.get("og:site_name", ""), facts.ld_publisher]
    banners = [h for h in facts.h1 if site_banner(h, first) or stated_banner(h, stated, references)]
    result.title, _ = choose_title(
        facts.h1, references, site or guess, host_of(url), banners, document.title or ""
    )
    headlines = [*(h for h in facts.h1 if h not in banners), meta.get("og:title", "")]
    result.source, source_guessed = outlet(
        [*stated, document.sitename or "", *banners],
        url,
        sources or {},
        [*headlines, facts.title_tag, result.title],
        stated,
    )
    if not result.source and guess:
        result.source, source_guessed = guess, True
        result.source_doubt = "read from the end of the page's title"
    if source_guessed:
        result.guessed.append("source")
    result.paragraphs = polish(paragraphs, title=result.title)  # (its h1, shown as written)
    result.title = tidy_headline(result.title, result.source)
    result.date = page_date(html, url, document.date or "", facts, result.guessed)
    if "date" not in result.guessed and only_updated(result.date, facts):
        result.guessed.append("date")
        result.date_doubt = "the page states only when it was last updated"
    result.url = url
    result.canonical = _original(facts.canonical, url)
    result.authors = clean_authors(
        shown_first(
            [
                "; ".join(facts.ld_authors),
                meta.get("author", ""),
                meta.get("article:author", ""),
                # The fields other tools write (citation_author...) before trafilatura's reading
                # of them, which splits "Roy, Aniruddha" into two names.
                *facts.meta_authors,
                document.author or "",
                *facts.bylines,
                *_written_by(meta),
                *facts.more_bylines,
            ],
            facts.by_headline,
        ),
        site,
        [result.source, facts.ld_publisher],
    ) or clean_authors(
        [*facts.themed_bylines, *_told_bylines(meta, result.paragraphs, result.source)],
        site,
        [result.source, facts.ld_publisher],
    )
    result.paragraphs = without_header_lines(without_bio(result.paragraphs), result.authors)
    result.keywords = clean_keywords(
        [
            *_listed(document.categories),
            *_listed(document.tags),
            *facts.ld_keywords,
            meta.get("article:tag", ""),
            meta.get("keywords", ""),
        ],
        [*result.authors, result.source, site],
    )
    result.summary = choose_summary(
        result.paragraphs,
        meta.get("og:description") or meta.get("description", ""),
        result.title,
    )
    image = _unglued(meta.get("og:image") or meta.get("twitter:image") or "")
    result.image_src = image if is_web_url(image) else ""
    if result.image_src:
        result.image_caption, result.image_credit = lead_caption(
            tree, result.image_src, [result.source, site]
        )
    result.not_article = not_an_article(facts, result.paragraphs, url)
    signed = bool(result.authors or shown_date(facts.by_headline))
    result.doubt = "" if result.not_article else doubtful(facts, result.paragraphs, url, signed)
    return result


def _extraction(
    tree: HtmlElement, url: str, precise: bool, metadata: bool, recall: bool = False
) -> Document | None:
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=True,
        favor_precision=precise,
        favor_recall=recall,
        # The precise pass without trafilatura's fallback extractors (readability, jusText):
        # where its own extractor keeps little, the default pass (with them) is taken anyway.
        # A tenth of ingest's time; body F1 the same on aeb-dev and wcxb-dev's held part,
        # -0.0003 on wcxb-dev's tune part (23 of 629 pages differ, both ways).
        fast=precise,
        with_metadata=metadata,  # read once, in the default mode's pass
        # Dates the page states (metadata, time elements, the URL): searching all of its text
        # too costs a fifth of ingest, and finds dates that are only guesses (see briefings.ingest.dates).
        date_extraction_params=set_date_params(extensive=False),
        as_dict=False,
    )
    return document if isinstance(document, Document) else None


# Two code elements side by side ("<code>U+00DF</code><code>0x C3 9F</code>") come out of
# trafilatura as "`U+00DF``0x C3 9F`": one code span with two backticks inside. Apart, they are
# two spans again.
_GLUED_CODE = re.compile(r"`([^`\n]{1,40})``([^`\n]{1,40})`")


def _paragraphs(document: Document, url: str) -> list[str]:
    text = xmltotxt(document.body, include_formatting=True)
    for _ in range(2):  # a third span glued on is freed by the second pass
        text = _GLUED_CODE.sub(r"`\1` `\2`", text)
    paragraphs = (_page_links(p.strip(), url) for p in re.split(r"\n\s*\n", text))
    return [p for p in paragraphs if p]


def _flattened(paragraphs: list[str]) -> bool:
    """Whether PARAGRAPHS are mostly one run of text with no break in it: a page's structure
    lost, not a story's paragraphs."""
    longest = max(paragraphs, key=len, default="")
    return (
        len(longest) > FLAT_LENGTH
        and "\n" not in longest
        and (len(longest) > 0.8 * sum(map(len, paragraphs)))
    )


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


# Where a page says who wrote it in a sentence: its description ("This post was written by
# Jane Roe, MD, gastroenterologist"), or a bio after the story ("Jane Roe is a freelance travel
# writer ..."). Least sure of all: read only when nothing else names anyone.
_DESCRIBED_BY = re.compile(
    r"^(?:this (?:post|article|story|piece) (?:was|is) )?(?:written|posted|reported) by (.{3,80})",
    re.IGNORECASE,
)


def _told_bylines(meta: dict[str, str], paragraphs: list[str], outlet: str) -> list[str]:
    """The names a page gives in a sentence about who wrote it (_DESCRIBED_BY, AUTHOR_BIO), but
    the OUTLET's."""
    found = []
    described = _DESCRIBED_BY.match(meta.get("og:description") or meta.get("description", ""))
    if described:  # (its names: not "gastroenterologist" after "Jane Roe, MD")
        names = author_names(described.group(1).split(". ")[0])
        mine = [n for n in names if n[:1].isupper() and not _names_outlet(n, outlet)]
        found.append("; ".join(mine))
    found += [bio.group(1) for p in paragraphs[-4:] if (bio := AUTHOR_BIO.match(p.lstrip("*_ ")))]
    return found


def _names_outlet(name: str, outlet: str) -> bool:
    """NAME is the outlet's, whole, with more words or fewer ("Parkview Health" of "Parkview")."""
    a, b = name.casefold(), outlet.casefold()
    return bool(outlet) and (a.startswith(b) or b.startswith(a))


def _written_by(meta: dict[str, str]) -> list[str]:
    """The author a page names in its Twitter card's labelled data ("Written by": "Jane Roe")."""
    return [
        meta.get(f"twitter:data{n}", "")
        for n in (1, 2, 3)
        if re.fullmatch(r"(?:written by|author)", meta.get(f"twitter:label{n}", ""), re.I)
    ]


def _listed(field: object) -> list[str]:
    if isinstance(field, str):
        return [field]
    return [str(v) for v in field] if isinstance(field, list | tuple) else []


def _page_links(paragraph: str, url: str) -> str:
    """Links as the page meant them. Kept: http(s) and mailto links; a javascript: or data:
    link becomes its text. trafilatura resolves a link to a part of the page itself
    (href="#list") against the site's root ("https://site.example#list", its home page): it
    points to the page at URL again. And a link that only skips to a part of the page ("Jump
    to the list", "Skip to search results", at the top of many pages), standing first in a
    paragraph with no sentence going on after it, goes, text and all: a briefing's copy has
    nothing to skip. (In a sentence, "you can [jump to the list](#list) to see...", it stays.)"""
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}#" if parts.scheme in ("http", "https") else ""
    page = url.split("#", 1)[0]

    def keep(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if root and target.startswith(root):
            target = f"{page}#{target[len(root) :]}"
        if (
            match.start() == 0
            and page
            and target.startswith(page + "#")
            and _SKIP_LINK.match(text)
            and not paragraph[match.end() :].lstrip()[:1].islower()
        ):
            return ""
        if target.startswith(("http://", "https://", "mailto:")):
            return f"[{text}]({target})"
        return text

    return MARKDOWN_LINK.sub(keep, paragraph).strip()
