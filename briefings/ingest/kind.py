"""Is the page an article? Listings, shop pages, forums and service pages are refused with a
reason (unless --force), because a briefing of them is junk. The test is deliberately
conservative: refusing a real article loses it, so a page is refused only when its own markup,
its address and its shape all point away from an article. A weaker sign (mostly links, or an
address that says shop or docs) makes a draft for the editor to review instead: never
published, never lost. Checked on held-out pages of wcxb-dev (see bench/extraction.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from briefings.ingest.clean import word_count
from briefings.ingest.fields import host_of
from briefings.ingest.page import PageFacts

ARTICLE_PATH = re.compile(
    r"/(?:blogs?|news|articles?|story|stories|posts?|insights|guides?|magazine|features?|"
    r"opinion|reviews?)/|/(?:19|20)\d\d/\d\d?/",
    re.IGNORECASE,
)
OTHER_PATH = re.compile(
    r"/(?:products?|shop|store|collections?|category|categories|tags?|forums?|threads?|"
    r"community|questions|docs?|documentation|help|support|services?|solutions|pricing|"
    r"search|reference|api|catalog|listings?)(?:/|$|\?|\.)",
    re.IGNORECASE,
)
LONG_PARAGRAPH = 30  # words: prose, not a card's blurb or a menu


def not_an_article(facts: PageFacts, paragraphs: list[str], url: str) -> str:
    """Why the page is not an article ("looks like a listing"), or "" when it may be one."""
    if facts.says_article or ARTICLE_PATH.search(url or ""):
        return ""
    prose = _prose(paragraphs)
    elsewhere = bool(OTHER_PATH.search(url or ""))
    if facts.says_not_article and prose < 8:
        return "its markup says it is a product, a listing or a forum thread"
    if facts.shop_words >= 2 and facts.prices >= 3 and prose < 8:
        return "looks like a shop page (prices, 'add to cart')"
    if elsewhere and prose < 3:
        return "looks like a listing or a service page (little prose)"
    return ""


# Addresses of forum threads (Discourse, NodeBB, vBulletin, phpBB, Reddit), section and
# department indexes and wikis: a draft to review, never a refusal.
MAYBE_OTHER_PATH = re.compile(
    r"/(?:t|topic|showthread\.php|viewtopic\.php|boards?|comments|discussions?|sections?|genre|"
    r"departments?|wiki)(?:/|$|\?|\.)",
    re.IGNORECASE,
)


# Sites for docs, shops, forums, help and training by their host's first label
# ("developer.mozilla.org", "learn.microsoft.com", "wiki.gentoo.org"): a draft to review too.
# (OTHER_PATH, read over the whole address, already sees "//docs." and "//store." hosts.)
OTHER_HOST = re.compile(
    r"^(?:docs?|developers?|learn|support|help|shop|store|forums?|community|wiki|kb|guides|"
    r"training)\.",
    re.IGNORECASE,
)


def doubtful(facts: PageFacts, paragraphs: list[str], url: str, signed: bool = True) -> str:
    """Why a page that is not refused may still not be an article, or "". Such a page is
    written as a draft for the editor to check, not refused: an address that says shop, docs,
    forum, index or service page, or a site's home page (unless its address or its JSON-LD says
    article: og:type "article" and a published time are stamped on every page by many CMSs);
    and, with no sign of an article at all, mostly links around little prose, or markup that
    says product, listing or forum thread. On wcxb-dev a refusal for "mostly links" lost 7
    articles of 793 (short information pages between link lists) with the 24 listings it
    caught. Last, a page that shows no sign of an article at all: no byline, no date line
    under its headline (SIGNED is False), no markup or address that says article: on wcxb-dev,
    9 of the 24 listings, docs, shop and service pages published before, and 11 of 793
    articles (drafts to confirm, not lost)."""
    if facts.typed_article or ARTICLE_PATH.search(url or ""):
        return ""
    if OTHER_PATH.search(url or "") or MAYBE_OTHER_PATH.search(url or "") or _other_host(url):
        return "its address looks like a shop, docs, forum, index or service page"
    if _home_page(url):
        return "its address is a site's home page"
    if facts.says_article:
        return ""
    if facts.link_density >= 0.45 and _prose(paragraphs) < 3:
        return "it is mostly links, like a listing"
    if facts.says_not_article:
        return "its markup says it is a product, a listing or a forum thread"
    if not signed:
        return "it shows no byline and no date under its headline"
    return ""


def _other_host(url: str) -> bool:
    return bool(OTHER_HOST.match(host_of(url)))


def _home_page(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.netloc) and parts.path in ("", "/")


def _prose(paragraphs: list[str]) -> int:
    """How many of PARAGRAPHS are prose: long, and not a heading, a table or a list."""
    return sum(1 for p in paragraphs if word_count(p) >= LONG_PARAGRAPH and p[:1] not in "#|-*")
