"""Where each page lives, and links between pages that work under any sub-path."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote

from briefings.content import make_slug

# Site-relative paths of pages. A path ending in '/' is a folder with an index.html.
HOME = ""
ARCHIVE = "archive/"
EDITIONS = "editions/"
TOPICS = "topics/"
SOURCES = "sources/"
STORIES = "stories/"
FEED = "feed.xml"
JSON_FEED = "feed.json"
SEARCH = "search/"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"


def article(slug: str) -> str:
    return f"articles/{slug}/"


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


@lru_cache(maxsize=100_000)
def relative(target: str, page: str) -> str:
    """A link from the page at PAGE to TARGET (both site-relative paths, without '..')."""
    here = posixpath.dirname(output_file(page))
    rel = _relpath(output_file(target), here.split("/") if here else [])
    if target == "" or target.endswith("/"):
        rel = posixpath.dirname(rel)
        rel = "./" if rel in ("", ".") else rel + "/"
    return quote(rel, safe="/#?=&.-_~")


def _relpath(path: str, here: list[str]) -> str:
    """posixpath.relpath for normalised relative paths, several times faster: every page has
    dozens of links."""
    parts = path.split("/")
    common = 0
    while common < min(len(here), len(parts) - 1) and here[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + parts[common:]) or "."


def absolute(target: str, base_url: str) -> str:
    """An absolute URL for TARGET, for feeds, sitemaps and canonical links."""
    return base_url + quote(target, safe="/#?=&.-_~")


def rooted(target: str, base_path: str) -> str:
    """A root-relative link, for pages served at unknown paths (the 404 page)."""
    return base_path + quote(target, safe="/#?=&.-_~")
