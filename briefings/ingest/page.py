"""What a saved HTML page says about itself, read once with lxml: the headline candidates (the
<title>, og:title, the h1s, JSON-LD's headline), bylines, dates, the site's name, keywords, the
lead image, and a few measures of the page's shape that tell an article from a listing.

The page is hostile input: JSON-LD is parsed with `json` only, bounded in size and depth, and
nothing here follows a link or runs a script."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from briefings.ingest.authors import first_last

MAX_JSON_LD = 200_000  # characters of one JSON-LD block; larger blocks are ads' data dumps
MAX_NODES = 2_000  # JSON-LD objects walked per page
ARTICLE_TYPES = frozenset(
    "Article NewsArticle BlogPosting Report TechArticle ScholarlyArticle OpinionNewsArticle "
    "AnalysisNewsArticle ReportageNewsArticle ReviewNewsArticle BackgroundNewsArticle "
    "LiveBlogPosting SocialMediaPosting".split()
)
NOT_ARTICLE_TYPES = frozenset(
    "Product ProductGroup Offer AggregateOffer ItemList CollectionPage SearchResultsPage QAPage "
    "DiscussionForumPosting".split()
)
# A link to an author's page ("/author/jane-roe/") names the author; so does the element after
# a label such as "Written by", and a short line "By Jane Roe".
AUTHOR_LINK = re.compile(
    r"/(?:authors?|contributors?|writers?|columnists?|byline)/[^/?#]+/?(?:[?#].*)?$", re.IGNORECASE
)
BYLINE_LABEL = re.compile(
    r"(?:(?:written|words|posted|article)\s+by|by|authors?|authors?\(s\)|contributors?)\s*:?",
    re.IGNORECASE,
)
_BY = r"(?:(?:written|words|posted|article|story)\s+)?by(?::\s*|\s+)"  # "By", "Written by:"
BY_NAME = re.compile(_BY + r"(\S.{1,58})", re.IGNORECASE | re.DOTALL)
# ...or a line "By Jane Roe" that goes on with when: "by: Jane Roe, Dec 17, 2025", "By Jane Roe
# on 22 January", "By Jane Roe · 5 min read", "By Jane Roe Updated October 17, 2025".
BY_NAME_THEN_WHEN = re.compile(
    _BY + r"(\S.{1,58}?)\s*"
    r"(?:[,|·•—–]|\s-\s|\s(?:on|updated|published|last updated)\b)\s*"
    r"(?=[^a-z]*(?:\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|min read)).*",
    re.IGNORECASE | re.DOTALL,
)
# Author fields other tools write into <meta> (Parse.ly, Sailthru, Dublin Core, Google Scholar's
# citation_author once per author): read after the page's own "author" and JSON-LD.
AUTHOR_METAS = (
    "parsely-author sailthru.author dc.creator dcterms.creator citation_author article_author "
    "og:author byl"
).split()
# Fields a library's catalogue fills, where a name is written surname first ("Roy, Aniruddha",
# once per author): read as a byline writes it.
SURNAME_FIRST = frozenset({"citation_author", "dc.creator", "dcterms.creator"})
# An element a theme names for its author ("blog-meta-author", "dateAndAuthorContainer",
# "author-box__name"): its short text, dates and separators aside, may be the author's name.
AUTHOR_CLASS = re.compile(r"author", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
DATE_TEXT = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\b\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)
# Where a meta line's parts meet: "Dec 26, 2025 • Jane Roe in Travel", "Jane Roe | Writer".
META_PARTS = re.compile(r"\s*[|·•—–]\s*|\s+-\s+|\s+(?:in|on|at)\s+")
SHOP_WORDS = re.compile(
    r"add to (?:cart|bag|basket)|in stock|out of stock|buy now|free shipping", re.IGNORECASE
)


@dataclass
class PageFacts:
    title_tag: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # <meta> name/property -> content
    h1: list[str] = field(default_factory=list)
    canonical: str = ""
    ld_types: set[str] = field(default_factory=set)
    ld_headline: str = ""
    ld_authors: list[str] = field(default_factory=list)
    ld_publisher: str = ""
    ld_published: str = ""
    ld_modified: str = ""
    ld_keywords: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)  # AUTHOR_METAS' values, in that order
    bylines: list[str] = field(default_factory=list)  # text of rel=author / class*=author nodes
    # ...and, less sure, of links to author pages, of what follows a "Written by" label and of
    # lines "By Jane Roe": tried after every other source
    more_bylines: list[str] = field(default_factory=list)
    # ...and, least sure, names in short elements whose class says "author": when none of those
    # names anyone
    themed_bylines: list[str] = field(default_factory=list)
    # The text about the headline, where a page shows its date line: from the last words of its
    # first h1 to its first paragraph or two (see _by_headline)
    by_headline: str = ""
    text_chars: int = 0
    link_chars: int = 0
    shop_words: int = 0
    prices: int = 0

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, self.text_chars)

    @property
    def says_article(self) -> bool:
        """The page's own markup calls it an article (JSON-LD type, og:type, a published time),
        and its JSON-LD does not call it something else: a forum's threads and a shop's
        products carry og:type "article" and a published time from their CMS, while a JSON-LD
        QAPage or Product is said of this page on purpose."""
        if self.says_not_article:
            return False
        return bool(
            self.ld_types & ARTICLE_TYPES
            or self.meta.get("og:type", "").lower() == "article"
            or "article:published_time" in self.meta
        )

    @property
    def typed_article(self) -> bool:
        """The page's JSON-LD calls it an article: said of this page on purpose, where og:type
        "article" and a published time are what many CMSs stamp on every page. TechArticle
        alone does not count: documentation sites stamp it on every page of their docs."""
        return bool(self.ld_types & ARTICLE_TYPES - {"TechArticle"}) and not self.says_not_article

    @property
    def says_not_article(self) -> bool:
        """Its JSON-LD calls it a product, a listing or a forum thread (and not an article);
        or its og:type says product (a shop's "product", "product.group": on wcxb-dev, 24
        pages, none of them an article)."""
        if self.ld_types & ARTICLE_TYPES:
            return False
        return bool(self.ld_types & NOT_ARTICLE_TYPES) or self.meta.get(
            "og:type", ""
        ).lower().startswith("product")


def page_facts(tree: HtmlElement) -> PageFacts:
    """What TREE, a page (which this changes), states and shows beside its article."""
    facts = PageFacts()
    facts.title_tag = _text(tree.find(".//title"))
    authors: dict[str, list[str]] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        value = " ".join((node.get("content") or "").split())
        if key in AUTHOR_METAS and value and len(authors.setdefault(key, [])) < 10:
            authors[key].append(first_last(value) if key in SURNAME_FIRST else value)
        if key and value and key not in facts.meta:
            facts.meta[key] = value
    facts.meta_authors = ["; ".join(authors[key]) for key in AUTHOR_METAS if key in authors]
    for node in tree.iter("link"):
        if (node.get("rel") or "").lower() == "canonical" and not facts.canonical:
            facts.canonical = (node.get("href") or "").strip()
    for node in tree.iter("script"):
        if (node.get("type") or "").lower() == "application/ld+json":
            _read_json_ld(node.text or "", facts)
    for node in list(tree.iter("script", "style", "noscript", "template")):
        node.drop_tree()  # their text is code, not what a reader sees
    for node in tree.iter("br", *BLOCKS):
        # A line break or a block parts words ("Top MBA Programs<br>Your Guide",
        # "<div>Jane Roe</div><div>Editor</div>"): text_content() would glue them ("Programs
        # (US)Your Guide", "WEEKENDCODING AGENT", "Jane RoeEditor").
        node.tail = " " + (node.tail or "")
    body = tree.find("body")
    if body is None:
        body = tree
    headline = None
    for node in body.iter(etree.Element):
        if node.tag == "h1" and len(facts.h1) < 8 and (text := _heading_text(node)):
            if not facts.h1:
                headline = node
                if found := _dated_line_after(node):
                    facts.themed_bylines.append(found)
            facts.h1.append(text)
        if len(facts.bylines) < 8 and _is_byline(node) and (text := _text(node)):
            facts.bylines.append(text[:200])
        if len(facts.more_bylines) < 8 and (found := _byline_near(node)):
            facts.more_bylines.append(found)
        if len(facts.themed_bylines) < 8 and (found := _themed_byline(node)):
            facts.themed_bylines.append(found)
    facts.bylines = [_names_of_bio(b, facts.more_bylines) for b in facts.bylines]
    facts.bylines = [b for b in facts.bylines if b]
    facts.by_headline = _by_headline(body, headline)
    text = " ".join(body.text_content().split())
    facts.text_chars = len(text)
    facts.link_chars = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    facts.shop_words = len(SHOP_WORDS.findall(text))
    facts.prices = len(re.findall(r"[$€£]\s?\d", text))
    return facts


BLOCKS = (
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6"
    " header li main nav ol p section table td th tr ul"
).split()
# A heading's parts may be divs ("<div>Rambler®</div><div>30 oz Tumbler</div>"); other blocks
# after its text are what an h1 left open holds.
HEADING_ENDS = frozenset(BLOCKS) - {"div"}
BIO_WORDS = 25  # a byline, even with its update line, is shorter


# Where a date line sits about the headline, in characters of text: above it (with the headline's
# own words: a date in a kicker or breadcrumb line) and under it (a byline and its date, a
# reading time), not as far as the story's second paragraph.
BEFORE_HEADLINE_END = 150
AFTER_HEADLINE = 300
_HEADLINE_END = "\ue000"  # a private-use character: marks where the headline ends in the text


def _by_headline(body: Any, headline: Any) -> str:
    """The text about HEADLINE in BODY (see PageFacts), every element's text apart from the
    next ("Jane Roe" "Mar 5, 2025", where text_content() would glue "Jane RoeMar 5, 2025")."""
    if headline is None:
        return ""
    tail = headline.tail
    headline.tail = f" {_HEADLINE_END} {tail or ''}"
    marked = " ".join(" ".join(body.itertext()).split())
    headline.tail = tail
    if marked.count(_HEADLINE_END) != 1:  # the page writes the character itself
        return ""
    at = marked.find(_HEADLINE_END)
    return marked[max(0, at - BEFORE_HEADLINE_END) : at] + marked[at + 2 : at + AFTER_HEADLINE]


def _names_of_bio(byline: str, names: list[str]) -> str:
    """BYLINE, unless it is an author box's bio ("Jane Roe is a writer, graphic designer and
    ..."), whose phrases are no names: then the NAMES found elsewhere on the page (links to
    author pages, "By" lines) that it holds, or ""."""
    if len(byline.split()) <= BIO_WORDS:
        return byline
    return "; ".join(dict.fromkeys(n for n in names if n in byline))


def _text(node: Any) -> str:
    return " ".join(node.text_content().split()) if node is not None else ""


def _heading_text(heading: Any) -> str:
    """HEADING's text as far as a block inside it (not a div) that follows some text: an h1 a
    page leaves open holds what comes after it, its date line or the story ("Top Strategies
    ... Security" then "Posted on July 1, 2024 by infuy" in an h3 of its own)."""
    parts: list[str] = []

    def read(node: Any) -> bool:  # False: the heading ended inside NODE
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                if child.tag in HEADING_ENDS and "".join(parts).strip():
                    return False
                if not read(child):
                    return False
            parts.append(child.tail or "")
        return True

    read(heading)
    return " ".join("".join(parts).split())


def _byline_near(node: Any) -> str:
    """A name NODE gives as a byline, less surely than _is_byline: a link to an author page, the
    element after a label ("Written by"), a short line "By Jane Roe"; else ""."""
    if node.tag == "a" and AUTHOR_LINK.search(node.get("href") or ""):
        return _names_only(_text(node), least=1)
    own = " ".join((node.text or "").split())
    if own and len(own) <= 20 and BYLINE_LABEL.fullmatch(own) and len(node) == 0:
        following = node.getnext()
        text = _text(following) if following is not None else " ".join((node.tail or "").split())
        return _names_only(text)
    if node.tag in ("p", "span", "div", "li") and sum(isinstance(c.tag, str) for c in node) <= 2:
        text = _text(node)
        match = BY_NAME.fullmatch(text) if len(text) <= 72 else None
        names = _names_only(match.group(1)) if match else ""
        if not names and len(text) <= 100 and (match := BY_NAME_THEN_WHEN.fullmatch(text)):
            found = _names_only(match.group(1))
            names = found if any(w[:1].isupper() for w in found.split()) else ""
        return names
    return ""


def _themed_byline(node: Any) -> str:
    """The names in a short element a theme names for its author (least sure of all: such
    elements also list other posts' and comments' authors), else ""."""
    if node.tag not in ("p", "span", "div", "li", "a", "h4", "h5", "h6", "small", "strong"):
        return ""
    if not AUTHOR_CLASS.search(_classes(node)):
        return ""
    text = _text(node)
    if len(text) <= 80 and sum(isinstance(c.tag, str) for c in node) <= 3:
        return _names_in_meta_line(text)
    # An author box: its first line of text is the name ("Lauren Vetter", then her bio).
    first = next((t for c in node.iter() if (t := " ".join((c.text or "").split()))), "")
    return _names_only(first) if len(first.split()) <= 4 else ""


def _dated_line_after(h1: Any) -> str:
    """The names in the line of facts right under the headline (the next element with text,
    after the h1 or after its wrapper when it has none), when it holds a date ("Jane Roe |
    Senior Writer | July 2, 2025", "Dec 26, 2025 • Jane Roe in Travel"), else ""."""
    parent = h1.getparent()
    after = _elements(h1.itersiblings()) or (
        _elements(parent.itersiblings()) if parent is not None else []
    )
    text = next((text for node in after[:3] if (text := _text(node))), "")
    return _names_in_meta_line(text) if len(text) <= 120 and DATE_TEXT.search(text) else ""


def _elements(nodes: Any) -> list[Any]:
    return [node for node in nodes if isinstance(node.tag, str)]  # no comments


def _classes(node: Any) -> str:
    return f"{node.get('class') or ''} {node.get('id') or ''}"


def _names_in_meta_line(text: str) -> str:
    """The first part of a line of an article's facts that reads as names: "Dec 17, 2025 ·
    Julian K. Arni" -> "Julian K. Arni"; "" when none does ("About Alexa", "5 min read")."""
    for part in META_PARTS.split(DATE_TEXT.sub(" | ", text)):
        if names := _names_only(part.strip(" ,.:")):
            return names
    return ""


def _names_only(text: str, least: int = 2) -> str:
    """TEXT when it reads as names ("Jane Roe and J. van Dyke") of at least LEAST words in
    all, else "" ("USE CASE", "Faculty")."""
    words = [w for w in re.split(r"[\s,;&]+|\band\b", text) if w]
    if not least <= len(words) <= 12 or len(text) > 80:
        return ""
    return text if all(_name_word(w) for w in words) else ""


def _name_word(word: str) -> bool:
    """A word of a name: "Jane", "O'Riordan", "Çelik", "J.", a particle ("van", "de"); not a
    shout ("USE"), a plain word ("posts"), a label ("Contact:") nor a code ("Ai2")."""
    if word.islower():
        return len(word) <= 3 and word.isalpha()
    if word.endswith(":") or any(ch.isdigit() for ch in word):  # "Contact:", "Ai2"
        return False
    rest = word[1:].strip(".")
    return word[0].isupper() and word[0].isalpha() and not (len(rest) > 1 and rest.isupper())


def _is_byline(node: Any) -> bool:
    if (node.get("rel") or "").lower() == "author" or (node.get("itemprop") or "") == "author":
        return True
    names = _classes(node).lower()
    return bool(re.search(r"\b(?:author-?name|byline|post-author|entry-author)\b", names))


def _read_json_ld(text: str, facts: PageFacts) -> None:
    if len(text) > MAX_JSON_LD:
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack and seen < MAX_NODES:
        item, depth = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in reversed(item) if depth < 8)
            continue
        if not isinstance(item, dict):
            continue
        kinds = item.get("@type")
        kinds = (
            {kinds} if isinstance(kinds, str) else {k for k in kinds or [] if isinstance(k, str)}
        )
        facts.ld_types |= kinds
        if kinds & ARTICLE_TYPES:
            _article_fields(item, facts)
        if "@graph" in item and depth < 8:
            stack.append((item["@graph"], depth + 1))


def _article_fields(item: dict, facts: PageFacts) -> None:
    if not facts.ld_headline and isinstance(item.get("headline"), str):
        facts.ld_headline = " ".join(item["headline"].split())
    if not facts.ld_published and isinstance(item.get("datePublished"), str):
        facts.ld_published = item["datePublished"].strip()
    if not facts.ld_modified and isinstance(item.get("dateModified"), str):
        facts.ld_modified = item["dateModified"].strip()
    if not facts.ld_authors:
        facts.ld_authors = _names(item.get("author"))
    if not facts.ld_publisher:
        names = _names(item.get("publisher"))
        facts.ld_publisher = names[0] if names else ""
    keywords = item.get("keywords")
    if isinstance(keywords, str):
        facts.ld_keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    elif isinstance(keywords, list):
        facts.ld_keywords = [k.strip() for k in keywords if isinstance(k, str) and k.strip()]


def _names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values[:10]:
        name = v.get("name") if isinstance(v, dict) else v
        if isinstance(name, str) and name.strip():
            names.append(" ".join(name.split()))
    return names
