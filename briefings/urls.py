"""Where each page lives, and links between pages that work under any sub-path."""

from __future__ import annotations

import ipaddress
import posixpath
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, urlsplit

from slugify import slugify

# Site-relative paths of pages. A path ending in '/' is a folder with an index.html.
HOME = ""
ARCHIVE = "archive/"
EDITIONS = "editions/"
TOPICS = "topics/"
SOURCES = "sources/"
STORIES = "stories/"
FEED = "feed.xml"
JSON_FEED = "feed.json"
EDITIONS_FEED = EDITIONS + FEED  # the editions themselves, newest first
SEARCH = "search/"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"


ARTICLES = "articles"  # the folder of article pages
ARTICLES_INDEX = f"{ARTICLES}/"  # the folder's own page: the archive's list again


def article(slug: str) -> str:
    return f"{ARTICLES}/{slug}/"


def edition(slug: str) -> str:
    return f"editions/{slug}/"


def story(slug: str) -> str:
    return f"stories/{slug}/"


def topic(tag: str) -> str:
    return f"topics/{make_slug(tag)}/"


def source(name: str) -> str:
    return f"sources/{make_slug(name)}/"


def month(key: str) -> str:
    """A month of the archive: '2025-04' -> 'archive/2025-04/'."""
    return f"{ARCHIVE}{key}/"


def page(first: str, number: int) -> str:
    """Page NUMBER of a listing whose first page is FIRST: 'topics/iran/page/2/'."""
    return first if number == 1 else f"{first}page/{number}/"


def static(name: str) -> str:
    return f"static/{name}"


def feeds_of(page: str) -> tuple[str, str]:
    """The Atom and JSON feeds of a listing page ('topics/iran/' -> its feed.xml and feed.json)."""
    return page + FEED, page + JSON_FEED


def output_file(path: str) -> str:
    """The file a page path is written to: 'articles/x/' -> 'articles/x/index.html'."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(target: str, page: str) -> str:
    """A link from the page at PAGE to TARGET (both site-relative paths, without '..').

    Every page has dozens of links, a large site millions: the parts of each path are
    quoted and split once (quoting keeps '/', so quoted parts compare as the paths do)."""
    here = _folder_parts(page)
    parts = _file_parts(target)
    common, most = 0, min(len(here), len(parts) - 1)
    while common < most and here[common] == parts[common]:
        common += 1
    ups = [".."] * (len(here) - common)
    if target == "" or target.endswith("/"):  # a folder: link to it, not its index.html
        rest = "/".join(ups + parts[common:-1])
        return rest + "/" if rest else "./"
    return "/".join(ups + parts[common:])


@lru_cache(maxsize=100_000)
def _file_parts(path: str) -> list[str]:
    return quote(output_file(path), safe=_SAFE).split("/")


@lru_cache(maxsize=100_000)
def _folder_parts(page: str) -> list[str]:
    here = posixpath.dirname(output_file(page))
    return quote(here, safe=_SAFE).split("/") if here else []


_SAFE = "/#?=&.-_~"


def absolute(target: str, base_url: str) -> str:
    """An absolute URL for TARGET, for feeds, sitemaps and canonical links."""
    return base_url + quote(target, safe=_SAFE)


def rooted(target: str, base_path: str) -> str:
    """A root-relative link, for pages served at unknown paths (the 404 page)."""
    return base_path + quote(target, safe=_SAFE)


@lru_cache(maxsize=100_000)  # slugify is slow, and a site slugs the same names on every build
def make_slug(text: str) -> str:
    """A URL-safe slug for TEXT ('White House' -> 'white-house'). An apostrophe within a word
    is dropped, as Hugo, Pelican and WordPress drop it ("Runner's World" -> 'runners-world',
    not 'runner-s-world'), and so are symbols ('®', '™', '©' and emoji: not 'r', 'tm', 'c')."""
    slug = slugify("".join(c for c in _APOSTROPHE.sub("", text) if unicodedata.category(c) != "So"))
    # Cut long slugs at a word end ourselves: slugify's word_boundary drops words from the middle.
    return slug if len(slug) <= 80 else slug[:81].rsplit("-", 1)[0]


_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def placeholder_base(base_url: str) -> str:
    """Why BASE_URL is no place to publish at ("" when it is one): an address of this machine,
    or a name reserved for examples (RFC 2606)."""
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    if host in ("localhost", "0.0.0.0", "::") or host.endswith(".localhost"):
        return "an address of this machine"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return "an address of this machine"
    except ValueError:
        pass
    if host in ("example.com", "example.net", "example.org") or host.endswith(
        (".example", ".example.com", ".example.net", ".example.org")
    ):
        return "a name reserved for examples"
    return ""
